"""`slamon import roster`: the duty roster, headers in either language, a shift's day and
times of day in the contract's zone (an end at or before the start on the next day), bad rows
by line and column with the good ones kept."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from collectors.files.import_report import ImportFileError
from collectors.records.roster import import_roster
from monitor.contract.model import Contract
from monitor.domain.roster import DutyShift
from monitor.storage.roster import load_shifts
from monitor.storage.tables import DutyShiftRow, RejectedRow
from tests.conftest import local

DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2022, 3, 10, 1, 0, tzinfo=UTC)
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]
SHIFT = DutyShiftRow.__table__  # type: ignore[attr-defined]
MARCH = (local("2022-02-01 00:00"), local("2022-04-01 00:00"))


def test_a_chinese_roster_stores_its_good_rows_and_keeps_the_bad_ones(
    engine: Engine, contract: Contract
) -> None:
    report = import_roster(engine, DATA / "roster_zh.csv", contract, source="s", now=NOW)
    assert (report.rows_read, report.inserted, report.rejected_rows, report.exit_code) == (
        12,
        7,
        5,
        3,
    )
    assert [(p.line, p.key, p.column) for p in report.problems] == [
        (9, "孙丽", "start (开始时间)"),
        (10, None, "person (值班人员)"),
        (11, "周杰", "date (日期)"),
        (12, "吴敏", None),
        (13, "郑强", "end (结束时间)"),
    ]
    reasons = [p.reason for p in report.problems]
    assert "'8点' is not a time of day" in reasons[0]
    assert reasons[1] == "required but empty"
    assert "is not a valid date" in reasons[2]
    assert "start (开始时间) cannot be 24:00" in reasons[3]
    assert "'25:00' is not a valid time of day" in reasons[4]
    zh = [p.describe("zh") for p in report.problems]
    assert zh[0].startswith("第 9 行，值班人员 孙丽，列 start (开始时间)：'8点' 不是时刻")
    assert zh[3] == "第 12 行，值班人员 吴敏：开始时间 start 不能是 24:00，请写成次日 00:00"
    with engine.connect() as connection:
        kept = connection.execute(select(REJECTED).order_by(REJECTED.c.line)).all()
    assert [row.line for row in kept] == [9, 10, 11, 12, 13]
    assert {row.target_table for row in kept} == {"duty_shift"}
    assert json.loads(kept[0].raw)["开始时间"] == "8点"


def test_a_night_shift_ends_the_next_morning_and_00_to_24_is_the_whole_day(
    engine: Engine, contract: Contract
) -> None:
    import_roster(engine, DATA / "roster_zh.csv", contract, source="s", now=NOW)
    shifts = {shift.person: shift for shift in load_shifts(engine, *MARCH)}
    assert shifts["李娜"] == DutyShift(
        "一云", local("2022-02-28 20:00"), local("2022-03-01 08:00"), "李娜"
    )
    assert (shifts["杨帆"].start, shifts["杨帆"].end) == (
        local("2022-03-03 00:00"),
        local("2022-03-04 00:00"),
    )
    assert shifts["赵磊"].pool == "二云"
    with engine.connect() as connection:
        row = connection.execute(select(SHIFT).where(SHIFT.c.person == "王芳")).one()
    assert (str(row.shift_date), row.shift_name, row.phone) == ("2022-03-01", "夜班", "13800000003")
    # Stored in UTC: 20:00 in Shanghai is 12:00 UTC.
    assert row.start == datetime(2022, 3, 1, 12, 0, tzinfo=UTC)


def test_english_headers_a_24_hour_shift_and_a_reimport_that_changes_a_phone(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(
        "date,pool,shift,start,end,person,phone\n"
        "2022-03-01,一云,,08:00,08:00,Li Lei,110\n"
        "2022/3/2,一云,day,8:00:00,20：00,Han Meimei,\n",
        encoding="utf-8",
    )
    report = import_roster(engine, path, contract, source="s", now=NOW)
    assert (report.inserted, report.exit_code) == (2, 0)
    shifts = load_shifts(engine, *MARCH)
    assert [(s.person, s.start, s.end) for s in shifts] == [
        ("Li Lei", local("2022-03-01 08:00"), local("2022-03-02 08:00")),
        ("Han Meimei", local("2022-03-02 08:00"), local("2022-03-02 20:00")),
    ]
    path.write_text(
        "date,pool,shift,start,end,person,phone\n2022-03-01,一云,,08:00,08:00,Li Lei,120\n",
        encoding="utf-8",
    )
    again = import_roster(engine, path, contract, source="s", now=NOW)
    assert (again.inserted, again.updated, again.unchanged) == (0, 1, 0)


def test_times_of_day_are_in_the_contracts_own_zone(engine: Engine, contract: Contract) -> None:
    urumqi = contract.model_copy(update={"timezone": "Asia/Urumqi"})
    import_roster(engine, DATA / "roster_zh.csv", urumqi, source="s", now=NOW)
    shifts = {shift.person: shift for shift in load_shifts(engine, *MARCH)}
    # 08:00 in Urumqi (UTC+6) is 02:00 UTC, not Shanghai's 00:00 UTC.
    assert shifts["张伟"].start == datetime(2022, 3, 1, 2, 0, tzinfo=UTC)
    assert shifts["张伟"].end == datetime(2022, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=-6)))


def test_a_roster_without_the_person_column_is_refused_with_the_accepted_headers(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "roster.csv"
    path.write_text("日期,资源池,开始时间,结束时间\n2022-03-01,一云,08:00,20:00\n", "utf-8")
    with pytest.raises(ImportFileError) as refused:
        import_roster(engine, path, contract, source="s", now=NOW)
    assert "person (值班人员)" in str(refused.value)
    assert "date / 日期" in str(refused.value)
    with engine.connect() as connection:
        assert connection.execute(select(SHIFT)).all() == []
