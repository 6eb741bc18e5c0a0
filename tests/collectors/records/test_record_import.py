"""`slamon import inspections` and `slamon import surveys`: the ticket import's rules for bad
rows (line, column, reason; good rows stored; bad rows kept) and for unknown headers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from collectors.files.import_report import ImportFileError
from collectors.records.inspections import import_inspections
from collectors.records.surveys import import_surveys
from monitor.contract.model import Contract
from monitor.domain.records import InspectionResult
from monitor.storage.inspections import load_inspections
from monitor.storage.surveys import load_survey_replies
from monitor.storage.tables import RejectedRow
from tests.conftest import local

DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]
ALL_OF_2022 = {"since": local("2022-01-01 00:00"), "before": local("2023-01-01 00:00")}


def test_an_inspection_sheet_with_chinese_headers_is_stored(
    engine: Engine, contract: Contract
) -> None:
    report = import_inspections(
        engine, DATA / "inspections_zh.csv", contract, source="二云", now=NOW
    )
    assert (report.rows_read, report.inserted, report.rejected_rows, report.exit_code) == (
        5,
        5,
        0,
        0,
    )
    records = {r.record_key: r for r in load_inspections(engine, before=local("2023-01-01 00:00"))}
    unresolved = records["XJ-0803"]
    assert (unresolved.result, unresolved.resolved_at, unresolved.finding) == (
        InspectionResult.ABNORMAL,
        None,
        "2号空调温度偏高",
    )
    assert records["XJ-0805"].inspected_at == local("2022-08-05 00:00")  # a bare date
    assert records["XJ-0804"].ticket_id == "GZ-2022-0102"


def test_importing_the_same_sheet_twice_changes_nothing(engine: Engine, contract: Contract) -> None:
    import_inspections(engine, DATA / "inspections_zh.csv", contract, source="s", now=NOW)
    again = import_inspections(engine, DATA / "inspections_zh.csv", contract, source="s", now=NOW)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 5)


def test_bad_inspection_rows_are_reported_and_kept_while_good_ones_are_stored(
    engine: Engine, contract: Contract
) -> None:
    path = DATA / "inspections_bad_rows.csv"
    report = import_inspections(engine, path, contract, source="s", now=NOW)
    assert report.exit_code == 3
    assert [(p.line, p.key, p.column) for p in report.problems] == [
        (3, "R-2", "inspected_at (巡检时间)"),
        (4, "R-3", "result (巡检结果)"),
        (5, "R-4", "item (巡检项)"),
        (6, "R-5", None),
    ]
    assert "resolved_at (解决时间) is before" in report.problems[3].reason
    stored = load_inspections(engine, before=local("2023-01-01 00:00"))
    assert sorted(r.record_key for r in stored) == ["R-1", "R-6"]
    with engine.connect() as connection:
        kept = connection.execute(select(REJECTED).order_by(REJECTED.c.line)).all()
    assert [(row.line, row.target_table, row.row_key) for row in kept] == [
        (3, "inspection", "R-2"),
        (4, "inspection", "R-3"),
        (5, "inspection", "R-4"),
        (6, "inspection", "R-5"),
    ]
    assert json.loads(kept[1].raw)["result"] == "broken"


def test_an_inspection_file_with_an_unknown_header_is_refused_with_the_accepted_ones(
    engine: Engine, contract: Contract
) -> None:
    with pytest.raises(ImportFileError) as error:
        import_inspections(
            engine, DATA / "inspections_unknown_headers.csv", contract, source="s", now=NOW
        )
    message = str(error.value)
    assert "unknown column(s): 天气" in message and "resolved_at / 解决时间" in message


def test_survey_replies_are_stored_with_their_per_question_ratings(
    engine: Engine, contract: Contract
) -> None:
    report = import_surveys(
        engine, DATA / "surveys_2022q4.csv", contract, source="纳管平台", now=NOW
    )
    assert (report.inserted, report.exit_code) == (30, 0)
    replies = load_survey_replies(engine, **ALL_OF_2022)
    ratings = [reply.rating for reply in replies]
    assert (ratings.count("very_satisfied"), ratings.count("fairly_satisfied")) == (27, 3)
    first = next(reply for reply in replies if reply.unit == "单位01")
    assert (first.survey, first.pool, dict(first.answers)) == (
        "2022年第四次",
        "一云",
        {"故障解决效率": "very_satisfied"},
    )


def test_bad_survey_rows_are_reported_by_line_and_column(
    engine: Engine, contract: Contract
) -> None:
    report = import_surveys(engine, DATA / "surveys_bad_rows.csv", contract, source="s", now=NOW)
    assert report.exit_code == 3
    assert [(p.line, p.key, p.column) for p in report.problems] == [
        (3, "单位B", "rating (总体评价)"),
        (4, None, "unit (使用单位)"),
        (5, "单位D", "replied_at (填报时间)"),
    ]
    assert [r.unit for r in load_survey_replies(engine, **ALL_OF_2022)] == ["单位A"]
