"""`slamon import tickets`: CSV, XLSX and JSON files of tickets into the database.

Expected values are written by hand: '2022-08-10 11:41' in a file is Shanghai wall time, which
is 2022-08-10T03:41Z.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from collectors.files.import_report import ImportFileError, ImportReport
from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from monitor.domain.tickets import EVENT_FIELDS
from monitor.storage.db import make_engine
from monitor.storage.tables import ImportRunRow, RejectedRow, TicketRow

DATA = Path(__file__).resolve().parents[2] / "data"
TICKET = TicketRow.__table__  # type: ignore[attr-defined]
IMPORT_RUN = ImportRunRow.__table__  # type: ignore[attr-defined]
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]

# When the first import runs, and a day later, when the second one does.
NOW = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)
LATER = datetime(2023, 1, 6, 9, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    """An instant written in UTC, e.g. utc('2022-08-10 03:41')."""
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def run_import(
    engine: Engine, contract: Contract, path: Path, *, source: str = "file", now: datetime = NOW
) -> ImportReport:
    return import_tickets(engine, path, contract, source=source, now=now)


def stored_tickets(engine: Engine, source: str = "file") -> dict[str, dict[str, Any]]:
    query = select(TICKET).where(TICKET.c.source == source).order_by(TICKET.c.id)
    with engine.connect() as connection:
        return {row.ticket_id: row._asdict() for row in connection.execute(query)}


def stored_rejections(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        return [
            row._asdict() for row in connection.execute(select(REJECTED).order_by(REJECTED.c.id))
        ]


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {
            table.name: connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (TICKET, IMPORT_RUN, REJECTED)
        }


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(report: ImportReport) -> list[tuple[int, str | None, str | None]]:
    return [(p.line, p.key, p.column) for p in report.problems]


# --- a clean file with Chinese headers --------------------------------------------------------


def test_chinese_headers_and_values_are_stored_as_contract_keys(
    sqlite_engine: Engine, contract: Contract
) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_zh.csv")
    kinds = {
        ticket_id: (row["kind"], row["severity"])
        for ticket_id, row in stored_tickets(sqlite_engine).items()
    }
    assert kinds == {
        "GZ-2022-0102": ("fault", "major"),
        "GZ-2022-0120": ("anomaly", None),
        "GZ-2022-0131": ("restore", None),
        "GZ-2022-0140": ("fault", "significant"),
    }


def test_text_columns_are_stored_as_written(sqlite_engine: Engine, contract: Contract) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_zh.csv")
    ticket = stored_tickets(sqlite_engine)["GZ-2022-0102"]
    assert (ticket["pool"], ticket["operator"], ticket["user_unit"], ticket["system"]) == (
        "二云",
        "二云运营单位",
        "市政数局",
        "重要业务系统",
    )
    assert ticket["title"] == "重要业务系统出现异常"
    assert ticket["source"] == "file"


def test_every_time_column_is_stored_as_the_utc_instant_whatever_its_format(
    sqlite_engine: Engine, contract: Contract
) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_zh.csv")
    ticket = stored_tickets(sqlite_engine)["GZ-2022-0102"]
    assert {name: ticket[name] for name in EVENT_FIELDS} == {
        "reported_at": utc("2022-08-10 03:41"),  # 2022-08-10 11:41
        "responded_at": utc("2022-08-10 03:50:30"),  # 2022-08-10 11:50:30
        "arrived_at": utc("2022-08-10 04:05"),  # 2022/8/10 12:05
        "user_notified_at": None,  # empty
        "restored_at": utc("2022-08-10 05:30"),  # 2022-08-10T13:30:00+08:00
        "confirmed_at": utc("2022-08-10 06:00"),  # 2022-08-10T06:00:00Z
        "report_submitted_at": utc("2022-08-12 09:00"),  # 2022-08-12 17:00
        "closed_at": utc("2022-08-15 01:00"),  # 2022-08-15 09:00
        "regulator_reported_at": None,  # no such column in the file
    }


def test_a_time_without_offset_is_in_the_contract_timezone(
    sqlite_engine: Engine, contract: Contract
) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_zh.csv")
    ticket = stored_tickets(sqlite_engine)["GZ-2022-0131"]
    # 2022-12-31 23:30 and 2023-01-01 00:10 in Shanghai: both still 2022 in UTC.
    assert ticket["reported_at"] == utc("2022-12-31 15:30")
    assert ticket["restored_at"] == utc("2022-12-31 16:10")


def test_restore_size_is_stored_in_gb(sqlite_engine: Engine, contract: Contract) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_zh.csv")
    sizes = {
        ticket_id: row["restore_size_gb"]
        for ticket_id, row in stored_tickets(sqlite_engine).items()
    }
    assert sizes == {
        "GZ-2022-0102": None,
        "GZ-2022-0120": None,
        "GZ-2022-0131": 512.5,
        "GZ-2022-0140": None,
    }


def test_a_clean_file_stores_every_row_and_exits_0(
    sqlite_engine: Engine, contract: Contract
) -> None:
    report = run_import(sqlite_engine, contract, DATA / "tickets_zh.csv")
    assert (report.rows_read, report.inserted, report.updated, report.unchanged) == (4, 4, 0, 0)
    assert report.problems == []
    assert report.exit_code == 0
    assert row_counts(sqlite_engine) == {"ticket": 4, "import_run": 1, "rejected_row": 0}


def test_a_new_ticket_is_created_and_updated_at_the_import_time(
    sqlite_engine: Engine, contract: Contract
) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_zh.csv", now=NOW)
    for ticket in stored_tickets(sqlite_engine).values():
        assert (ticket["created_at"], ticket["updated_at"]) == (NOW, NOW)


def test_the_import_run_is_recorded(sqlite_engine: Engine, contract: Contract) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_bad_rows.csv", source="ops-export")
    with sqlite_engine.connect() as connection:
        run = connection.execute(select(IMPORT_RUN)).one()._asdict()
    assert run["source"] == "ops-export"
    assert run["path"] == str(DATA / "tickets_bad_rows.csv")
    assert run["started_at"] == NOW
    assert (run["rows_read"], run["rows_stored"], run["rows_unchanged"], run["rows_rejected"]) == (
        7,
        3,
        0,
        4,
    )


def test_headers_are_matched_ignoring_case_spaces_and_hyphens(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "t.csv",
        "Ticket ID,KIND,Reported-At,恢复数据量（GB）\nA-1,Fault,2022-08-10 11:41,2\n",
    )
    report = run_import(sqlite_engine, contract, path)
    assert report.exit_code == 0
    ticket = stored_tickets(sqlite_engine)["A-1"]
    assert (ticket["kind"], ticket["reported_at"], ticket["restore_size_gb"]) == (
        "fault",
        utc("2022-08-10 03:41"),
        2.0,
    )


# --- importing again --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "good_rows"),
    [
        ("tickets_zh.csv", 4),
        ("tickets_gb18030.csv", 2),
        ("tickets_title_row.xlsx", 3),
        ("tickets.json", 3),
        ("tickets_bad_rows.csv", 3),
    ],
)
def test_importing_the_same_file_twice_changes_nothing_not_even_updated_at(
    engine: Engine, contract: Contract, name: str, good_rows: int
) -> None:
    run_import(engine, contract, DATA / name, now=NOW)
    before = stored_tickets(engine)
    report = run_import(engine, contract, DATA / name, now=LATER)
    assert (report.inserted, report.updated, report.unchanged) == (0, 0, good_rows)
    assert stored_tickets(engine) == before
    assert {row["updated_at"] for row in before.values()} == {NOW}


def test_a_later_file_updates_the_changed_ticket_and_only_that_one(
    engine: Engine, contract: Contract
) -> None:
    run_import(engine, contract, DATA / "tickets_zh.csv", now=NOW)
    report = run_import(engine, contract, DATA / "tickets_zh_later.csv", now=LATER)
    assert (report.inserted, report.updated, report.unchanged) == (1, 1, 1)
    tickets = stored_tickets(engine)
    changed = tickets["GZ-2022-0120"]
    assert changed["closed_at"] == utc("2022-09-03 02:00")  # 2022-09-03 10:00, was 09-02
    assert (changed["created_at"], changed["updated_at"]) == (NOW, LATER)
    assert (tickets["GZ-2022-0102"]["created_at"], tickets["GZ-2022-0102"]["updated_at"]) == (
        NOW,
        NOW,
    )
    added = tickets["GZ-2022-0150"]
    assert (added["kind"], added["reported_at"], added["created_at"]) == (
        "request",
        utc("2022-12-01 02:00"),
        LATER,
    )


def test_columns_a_later_file_does_not_carry_are_left_as_they_were(
    engine: Engine, contract: Contract
) -> None:
    run_import(engine, contract, DATA / "tickets_zh.csv", now=NOW)
    run_import(engine, contract, DATA / "tickets_zh_later.csv", now=LATER)
    changed = stored_tickets(engine)["GZ-2022-0120"]
    # tickets_zh_later.csv has no 标题, 资源池 or 反馈用户时间 column.
    assert (changed["title"], changed["pool"]) == ("存储告警", "一云")
    assert changed["user_notified_at"] == utc("2022-09-01 12:00")


def test_an_empty_cell_in_a_later_file_clears_the_stored_value(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    first = write(
        tmp_path,
        "a.csv",
        "工单编号,类型,报障时间,恢复时间\nA-1,故障,2022-08-10 11:41,2022-08-10 13:00\n",
    )
    second = write(
        tmp_path, "b.csv", "工单编号,类型,报障时间,恢复时间\nA-1,故障,2022-08-10 11:41,\n"
    )
    run_import(engine, contract, first, now=NOW)
    report = run_import(engine, contract, second, now=LATER)
    assert report.updated == 1
    ticket = stored_tickets(engine)["A-1"]
    assert (ticket["restored_at"], ticket["updated_at"]) == (None, LATER)


def test_the_last_row_for_a_ticket_in_one_file_wins(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "t.csv",
        "工单编号,类型,报障时间,恢复时间\n"
        "A-1,故障,2022-08-10 11:41,2022-08-10 13:00\n"
        "A-1,故障,2022-08-10 11:41,2022-08-10 14:00\n",
    )
    report = run_import(engine, contract, path)
    assert (report.rows_read, report.duplicate_rows, report.inserted) == (2, 1, 1)
    assert stored_tickets(engine)["A-1"]["restored_at"] == utc("2022-08-10 06:00")


def test_the_same_ticket_id_from_two_sources_is_two_tickets(
    sqlite_engine: Engine, contract: Contract
) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_zh.csv", source="一云")
    report = run_import(sqlite_engine, contract, DATA / "tickets_zh.csv", source="二云")
    assert report.inserted == 4
    assert set(stored_tickets(sqlite_engine, "一云")) == set(stored_tickets(sqlite_engine, "二云"))
    assert row_counts(sqlite_engine)["ticket"] == 8


# --- bad rows ---------------------------------------------------------------------------------


def test_each_bad_row_is_reported_with_line_ticket_column_and_reason(
    sqlite_engine: Engine, contract: Contract
) -> None:
    report = run_import(sqlite_engine, contract, DATA / "tickets_bad_rows.csv")
    # Line 3 holds a two-line cell, so T-3 is on line 5; line 9 is blank.
    assert problems(report) == [
        (5, "T-3", "arrived_at (到场时间)"),
        (6, "T-4", "kind (类型)"),
        (7, None, "ticket_id (工单编号)"),
        (8, "T-6", "reported_at (报障时间)"),
    ]
    reasons = [p.describe() for p in report.problems]
    assert reasons[0].startswith(
        "line 5, ticket T-3, column arrived_at (到场时间): '2022-08-12 25:10'"
    )
    assert "is not a valid time" in reasons[0]
    assert reasons[1].startswith("line 6, ticket T-4, column kind (类型): unknown kind 'outage'")
    assert reasons[2] == "line 7, column ticket_id (工单编号): required but empty"
    assert reasons[3] == "line 8, ticket T-6, column reported_at (报障时间): required but empty"


def test_good_rows_are_stored_even_when_other_rows_are_bad(
    sqlite_engine: Engine, contract: Contract
) -> None:
    report = run_import(sqlite_engine, contract, DATA / "tickets_bad_rows.csv")
    assert (report.rows_read, report.inserted, report.rejected_rows) == (7, 3, 4)
    assert report.exit_code == 3
    tickets = stored_tickets(sqlite_engine)
    assert list(tickets) == ["T-1", "T-2", "T-7"]
    assert (
        tickets["T-1"]["reported_at"],
        tickets["T-1"]["arrived_at"],
        tickets["T-1"]["restored_at"],
    ) == (
        utc("2022-08-10 03:41"),
        utc("2022-08-10 04:05"),
        utc("2022-08-10 05:00"),
    )
    assert tickets["T-2"]["title"] == "first line\nsecond line"
    assert (tickets["T-2"]["reported_at"], tickets["T-2"]["restored_at"]) == (
        utc("2022-08-11 01:00"),
        None,
    )
    assert (tickets["T-7"]["kind"], tickets["T-7"]["severity"], tickets["T-7"]["reported_at"]) == (
        "anomaly",
        None,
        utc("2022-08-13 00:05"),
    )


def test_bad_rows_are_kept_whole_in_rejected_row(sqlite_engine: Engine, contract: Contract) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_bad_rows.csv")
    rejected = stored_rejections(sqlite_engine)
    assert [(r["line"], r["ticket_id"], r["column_name"]) for r in rejected] == [
        (5, "T-3", "arrived_at (到场时间)"),
        (6, "T-4", "kind (类型)"),
        (7, None, "ticket_id (工单编号)"),
        (8, "T-6", "reported_at (报障时间)"),
    ]
    assert rejected[1]["reason"].startswith("kind (类型): unknown kind 'outage'")
    assert json.loads(rejected[0]["raw"]) == {
        "ticket_id": "T-3",
        "kind": "fault",
        "severity": "major",
        "title": "bad arrival time",
        "reported_at": "2022-08-12 09:00",
        "arrived_at": "2022-08-12 25:10",
        "restored_at": "",
    }


def test_a_row_with_several_bad_cells_names_every_column(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "t.csv", "ticket_id,kind,reported_at,restore_size_gb\nA-1,outage,soon,-5\n"
    )
    report = run_import(sqlite_engine, contract, path)
    assert problems(report) == [
        (2, "A-1", "kind (类型)"),
        (2, "A-1", "reported_at (报障时间)"),
        (2, "A-1", "restore_size_gb (恢复数据量GB)"),
    ]
    (rejected,) = stored_rejections(sqlite_engine)
    assert rejected["column_name"] == (
        "kind (类型), reported_at (报障时间), restore_size_gb (恢复数据量GB)"
    )
    assert all(column in rejected["reason"] for column in rejected["column_name"].split(", "))


def test_a_row_with_more_cells_than_the_header_is_rejected(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "t.csv", "ticket_id,kind,reported_at\nA-1,fault,2022-08-10 11:41,extra\n"
    )
    report = run_import(sqlite_engine, contract, path)
    assert [p.describe() for p in report.problems] == [
        "line 2, ticket A-1: 4 cells but the header has 3 columns"
    ]
    assert stored_tickets(sqlite_engine) == {}


def test_a_trailing_delimiter_is_not_an_extra_cell(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(tmp_path, "t.csv", "ticket_id,kind,reported_at\nA-1,fault,2022-08-10 11:41,\n")
    report = run_import(sqlite_engine, contract, path)
    assert (report.exit_code, report.inserted) == (0, 1)


def test_a_row_broken_as_a_whole_reports_only_that(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(tmp_path, "t.csv", "ticket_id,kind,reported_at\nA-1,fault,2022-08-10 11:41,x,y\n")
    report = run_import(sqlite_engine, contract, path)
    assert len(report.problems) == 1 and report.problems[0].column is None


def test_a_value_too_long_for_its_column_is_a_bad_row_not_a_failed_import(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    long_id = "X" * 201
    path = write(
        tmp_path,
        "t.csv",
        f"ticket_id,kind,reported_at\n{long_id},fault,2022-08-10 11:41\n"
        "A-2,fault,2022-08-10 11:41\n",
    )
    report = run_import(engine, contract, path)
    assert report.exit_code == 3
    assert [(p.line, p.column) for p in report.problems] == [(2, "ticket_id (工单编号)")]
    assert "201 characters; at most 200 fit" in report.problems[0].reason
    assert list(stored_tickets(engine)) == ["A-2"]


def test_a_quote_never_closed_rejects_its_row_instead_of_hiding_the_rest_of_the_file(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(
        tmp_path,
        "t.csv",
        "ticket_id,kind,reported_at,title\n"
        "A-1,fault,2022-08-10 11:41,ok\n"
        'A-2,fault,2022-08-10 11:41,"broken\n'
        "A-3,fault,2022-08-10 11:41,swallowed\n",
    )
    report = run_import(sqlite_engine, contract, path)
    assert report.exit_code == 3
    assert report.problems[0].describe().startswith("line 3: CSV syntax: unexpected end of data")
    assert list(stored_tickets(sqlite_engine)) == ["A-1"]


def test_a_bad_row_does_not_touch_the_stored_ticket(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    first = write(tmp_path, "a.csv", "ticket_id,kind,reported_at\nA-1,fault,2022-08-10 11:41\n")
    second = write(tmp_path, "b.csv", "ticket_id,kind,reported_at\nA-1,fault,2022-08-10 99:41\n")
    run_import(engine, contract, first, now=NOW)
    report = run_import(engine, contract, second, now=LATER)
    assert (report.updated, report.rejected_rows) == (0, 1)
    ticket = stored_tickets(engine)["A-1"]
    assert (ticket["reported_at"], ticket["updated_at"]) == (utc("2022-08-10 03:41"), NOW)


# --- JSON, GB18030, XLSX ----------------------------------------------------------------------


def test_json_english_keys_and_aliases_are_imported(
    sqlite_engine: Engine, contract: Contract
) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets.json")
    tickets = stored_tickets(sqlite_engine)
    assert list(tickets) == ["J-1", "J-2", "20220005"]
    first = tickets["J-1"]
    assert (first["kind"], first["severity"], first["title"]) == (
        "fault",
        "major",
        "核心数据库不可用",
    )
    assert (first["reported_at"], first["arrived_at"]) == (
        utc("2022-08-10 03:41"),
        utc("2022-08-10 04:05"),
    )
    assert (tickets["J-2"]["kind"], tickets["J-2"]["reported_at"]) == (
        "request",
        utc("2022-08-10 03:41"),
    )
    assert (tickets["20220005"]["kind"], tickets["20220005"]["restore_size_gb"]) == (
        "restore",
        1024.0,
    )


def test_json_rows_report_the_line_their_object_starts_on(
    sqlite_engine: Engine, contract: Contract
) -> None:
    report = run_import(sqlite_engine, contract, DATA / "tickets.json")
    assert problems(report) == [
        (12, "J-3", "reported_at (报障时间)"),
        (17, "20220004", "restore_size_gb (恢复数据量GB)"),
    ]
    assert report.exit_code == 3


def test_a_json_element_that_is_not_an_object_is_rejected(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    good = '{"ticket_id": "A-1", "kind": "fault", "reported_at": "2022-08-10 11:41"}'
    path = write(tmp_path, "t.json", f'[\n  {good},\n  "A-2"\n]')
    report = run_import(sqlite_engine, contract, path)
    assert report.problems[0].describe() == "line 3: expected an object, got str"
    assert report.rejected_rows == 1
    assert list(stored_tickets(sqlite_engine)) == ["A-1"]


def test_a_gb18030_csv_imports(sqlite_engine: Engine, contract: Contract) -> None:
    report = run_import(sqlite_engine, contract, DATA / "tickets_gb18030.csv")
    assert report.exit_code == 0
    tickets = stored_tickets(sqlite_engine)
    assert list(tickets) == ["GZ-2022-0201", "GZ-2022-0202"]
    first = tickets["GZ-2022-0201"]
    assert (first["kind"], first["severity"], first["pool"], first["system"]) == (
        "fault",
        "general",
        "二云",
        "不动产登记系统",
    )
    assert (first["reported_at"], first["restored_at"]) == (
        utc("2022-10-09 00:30"),
        utc("2022-10-09 02:00"),
    )
    assert tickets["GZ-2022-0202"]["kind"] == "anomaly"


def test_xlsx_with_a_title_row_and_real_date_cells_imports(
    sqlite_engine: Engine, contract: Contract
) -> None:
    run_import(sqlite_engine, contract, DATA / "tickets_title_row.xlsx")
    tickets = stored_tickets(sqlite_engine)
    # The first ticket id is a number cell in the sheet.
    assert list(tickets) == ["2022001", "GZ-2022-0002", "GZ-2022-0004"]
    first = tickets["2022001"]
    assert (first["kind"], first["severity"], first["pool"]) == ("fault", "major", "二云")
    assert (first["reported_at"], first["arrived_at"], first["restored_at"]) == (
        utc("2022-08-10 03:41"),
        utc("2022-08-10 04:05"),
        utc("2022-08-10 05:30"),
    )
    assert tickets["GZ-2022-0002"]["reported_at"] == utc("2022-08-13 00:05")  # a text cell
    last = tickets["GZ-2022-0004"]
    assert (last["reported_at"], last["restored_at"], last["restore_size_gb"]) == (
        utc("2022-12-31 15:30"),
        utc("2022-12-31 16:10"),
        2048.0,
    )


def test_xlsx_bad_rows_report_the_row_number_the_sheet_shows(
    sqlite_engine: Engine, contract: Contract
) -> None:
    report = run_import(sqlite_engine, contract, DATA / "tickets_title_row.xlsx")
    assert [p.describe() for p in report.problems] == [
        "line 7, ticket GZ-2022-0003, column restored_at (恢复时间): "
        "'待定' has no time of day; write it as YYYY-MM-DD HH:MM"
    ]
    (rejected,) = stored_rejections(sqlite_engine)
    assert json.loads(rejected["raw"])["报障时间"] == "2022-09-01T09:00:00"


def test_xlsx_rows_past_a_wrongly_recorded_sheet_size_are_imported(
    sqlite_engine: Engine, contract: Contract
) -> None:
    report = run_import(sqlite_engine, contract, DATA / "tickets_wrong_dimension.xlsx")
    assert (report.rows_read, report.inserted) == (5, 5)


# --- files that cannot be used at all ---------------------------------------------------------


def test_unknown_headers_store_nothing_and_list_the_accepted_headers(
    sqlite_engine: Engine, contract: Contract
) -> None:
    with pytest.raises(ImportFileError) as raised:
        run_import(sqlite_engine, contract, DATA / "tickets_unknown_headers.csv")
    message = str(raised.value)
    assert "unknown column(s): 处理人" in message
    assert "Nothing was imported" in message
    assert "ticket_id / 工单编号 / 工单号" in message
    assert "reported_at / 报障时间" in message
    assert row_counts(sqlite_engine) == {"ticket": 0, "import_run": 0, "rejected_row": 0}


def test_a_missing_required_column_stores_nothing(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(tmp_path, "t.csv", "工单编号,类型,恢复时间\nA-1,故障,2022-08-10 13:00\n")
    with pytest.raises(
        ImportFileError, match=r"missing required column\(s\): reported_at \(报障时间\)"
    ):
        run_import(sqlite_engine, contract, path)
    assert row_counts(sqlite_engine) == {"ticket": 0, "import_run": 0, "rejected_row": 0}


def test_two_columns_for_the_same_field_store_nothing(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write(
        tmp_path, "t.csv", "ticket_id,工单编号,kind,reported_at\nA,B,fault,2022-08-10 11:41\n"
    )
    with pytest.raises(ImportFileError, match=r"two columns are both ticket_id \(工单编号\)"):
        run_import(sqlite_engine, contract, path)
    assert row_counts(sqlite_engine) == {"ticket": 0, "import_run": 0, "rejected_row": 0}


def _xlsx_without_known_headers(tmp_path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["编号", "处理人", "时间"])
    workbook.active.append(["A-1", "张三", "2022-08-10 11:41"])
    workbook.save(tmp_path / "t.xlsx")
    workbook.close()
    return tmp_path / "t.xlsx"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda tmp: tmp / "absent.csv", "no such file"),
        (lambda tmp: write(tmp, "t.pdf", "ticket_id,kind\n"), "unsupported file type"),
        (lambda tmp: write(tmp, "t.json", '[{"ticket_id": "A"'), "not valid JSON"),
        (lambda tmp: write(tmp, "t.xlsx", "ticket_id,kind\n"), "not a readable XLSX workbook"),
        (lambda tmp: write(tmp, "t.csv", ""), "empty"),
        (_xlsx_without_known_headers, "no header row found"),
    ],
    ids=["missing", "pdf", "broken-json", "fake-xlsx", "empty-csv", "xlsx-unknown-headers"],
)
def test_an_unreadable_file_stores_nothing_and_lists_the_accepted_headers(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path, make: Any, reason: str
) -> None:
    with pytest.raises(ImportFileError) as raised:
        run_import(sqlite_engine, contract, make(tmp_path))
    assert reason in str(raised.value)
    assert "ticket_id / 工单编号 / 工单号" in str(raised.value)
    assert row_counts(sqlite_engine) == {"ticket": 0, "import_run": 0, "rejected_row": 0}


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli' / 'x.db'}"


def slamon_import(path: Path, database_url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("SLAMON_")
    }
    environment["SLAMON_DATABASE_URL"] = database_url
    environment["PYTHONIOENCODING"] = "utf-8"
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "import", "tickets", str(path), *extra],
        env=environment,
        cwd=Path(database_url.removeprefix("sqlite:///")).parent.parent,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )
    assert "Traceback" not in done.stdout + done.stderr
    assert "内部错误" not in done.stdout + done.stderr
    return done


def cli_tickets(database_url: str) -> dict[str, dict[str, Any]]:
    engine = make_engine(database_url)
    try:
        return stored_tickets(engine)
    finally:
        engine.dispose()


def test_cli_imports_a_clean_file_and_exits_0(database_url: str) -> None:
    done = slamon_import(DATA / "tickets_zh.csv", database_url)
    assert done.returncode == 0, done.stderr
    assert "读取 4 行；新增 4，" in done.stdout
    tickets = cli_tickets(database_url)
    assert list(tickets) == ["GZ-2022-0102", "GZ-2022-0120", "GZ-2022-0131", "GZ-2022-0140"]
    assert tickets["GZ-2022-0102"]["reported_at"] == utc("2022-08-10 03:41")


def test_cli_importing_the_same_file_twice_leaves_every_ticket_unchanged(database_url: str) -> None:
    slamon_import(DATA / "tickets_title_row.xlsx", database_url)
    before = cli_tickets(database_url)
    done = slamon_import(DATA / "tickets_title_row.xlsx", database_url)
    assert done.returncode == 3  # the sheet's one bad row is rejected again
    assert "新增 0，更新 0，未变 3，" in done.stdout
    assert cli_tickets(database_url) == before


def test_cli_reports_bad_rows_with_line_ticket_column_and_reason_and_exits_3(
    database_url: str,
) -> None:
    done = slamon_import(DATA / "tickets_bad_rows.csv", database_url, "--source", "ops")
    assert done.returncode == 3
    assert "拒绝 4" in done.stdout
    assert "第 5 行，工单 T-3，列 arrived_at (到场时间)：'2022-08-12 25:10' 不是有效的时间" in (
        done.stderr
    )
    assert "第 6 行，工单 T-4，列 kind (类型)：未知的类型 'outage'" in done.stderr
    assert "第 7 行，列 ticket_id (工单编号)：必填项为空" in done.stderr
    assert "第 8 行，工单 T-6，列 reported_at (报障时间)：必填项为空" in done.stderr
    engine = make_engine(database_url)
    try:
        assert list(stored_tickets(engine, "ops")) == ["T-1", "T-2", "T-7"]
        assert [(r["line"], r["ticket_id"]) for r in stored_rejections(engine)] == [
            (5, "T-3"),
            (6, "T-4"),
            (7, None),
            (8, "T-6"),
        ]
    finally:
        engine.dispose()


def test_cli_json_rows_report_the_line_their_object_starts_on(database_url: str) -> None:
    done = slamon_import(DATA / "tickets.json", database_url)
    assert done.returncode == 3
    assert "第 12 行，工单 J-3，列 reported_at (报障时间)" in done.stderr
    assert "第 17 行，工单 20220004，列 restore_size_gb (恢复数据量GB)：'lots'" in done.stderr


def test_cli_unknown_headers_exit_2_store_nothing_and_list_the_accepted_headers(
    database_url: str,
) -> None:
    done = slamon_import(DATA / "tickets_unknown_headers.csv", database_url)
    assert done.returncode == 2
    assert "未知列：处理人" in done.stderr
    assert "可用的表头" in done.stderr
    assert "reported_at / 报障时间" in done.stderr
    engine = make_engine(database_url)
    try:
        assert row_counts(engine) == {"ticket": 0, "import_run": 0, "rejected_row": 0}
    finally:
        engine.dispose()


@pytest.mark.parametrize("name", ["absent.csv", "tickets.pdf"])
def test_cli_an_unreadable_file_exits_2_without_a_traceback(
    database_url: str, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    if name.endswith(".pdf"):
        path.write_bytes(b"%PDF-1.4\n")
    done = slamon_import(path, database_url)
    assert done.returncode == 2
    assert str(path) in done.stderr
    assert "ticket_id / 工单编号 / 工单号" in done.stderr
