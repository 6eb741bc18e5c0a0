"""The one report of every file importer: problems described alike, one exit code rule."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from collectors.files.import_report import (
    EXIT_OK,
    EXIT_REJECTED_ROWS,
    ImportReport,
    RowProblem,
    raw_json,
    rejected_reasons,
)
from monitor.domain.message import Message

UNKNOWN_KIND = Message("未知的类型", "unknown kind")


def test_a_problem_names_its_line_key_and_column_in_either_language() -> None:
    problem = RowProblem(5, "T-3", "kind (类型)", UNKNOWN_KIND)
    assert problem.describe("en") == "line 5, ticket T-3, column kind (类型): unknown kind"
    assert problem.describe("zh") == "第 5 行，工单 T-3，列 kind (类型)：未知的类型"
    record = RowProblem(2, "XJ-1", None, Message("损坏", "broken"), "record")
    assert record.describe("en") == "line 2, record XJ-1: broken"
    assert record.describe("zh") == "第 2 行，记录 XJ-1：损坏"
    quote = RowProblem(7, None, None, Message("引号未闭合", "unclosed quote"))
    assert quote.describe("en") == "line 7: unclosed quote"
    assert quote.describe("zh") == "第 7 行：引号未闭合"


def test_rejected_rows_decide_the_exit_code() -> None:
    report = ImportReport(Path("x.csv"), "file", rows_read=3, inserted=3)
    assert report.exit_code == EXIT_OK
    report.rejected_rows = 1
    assert report.exit_code == EXIT_REJECTED_ROWS


def test_a_rejected_row_keeps_its_columns_reasons_and_cells() -> None:
    problems = [
        RowProblem(4, "T-1", "kind (类型)", UNKNOWN_KIND),
        RowProblem(4, "T-1", None, Message("叉", "x")),
    ]
    assert rejected_reasons(problems) == {
        "column_name": "kind (类型)",
        "reason": "kind (类型): unknown kind; x",
    }
    assert rejected_reasons([RowProblem(4, None, None, UNKNOWN_KIND)])["column_name"] is None
    cells = {"at": datetime(2024, 6, 1, 9, 30), "on": date(2024, 6, 1), "n": 1.5, "工单": "故障"}
    assert raw_json(cells) == (
        '{"at": "2024-06-01T09:30:00", "on": "2024-06-01", "n": 1.5, "工单": "故障"}'
    )
