"""The XLSX report keeps every text as text: a pool, a title or a header that looks like a
formula is shown as written and never run (OWASP's CSV-injection starts, and more)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import load_workbook

from monitor.report.content import Block
from monitor.report.xlsx import render_xlsx
from tests.report.test_report_cli import slamon

POOL = '=HYPERLINK("http://127.0.0.1/x","点我")'
TITLE = "=1+1 存储故障"
RISKY = ["=cmd|' /c calc'!A1", "+1+1", "-2+3", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "\n=1", "＝1+1"]


def all_cells(path: Path) -> list[tuple[str, object, str, bool]]:
    """(sheet, value, data type, quote prefix) of every cell with a value."""
    workbook = load_workbook(path)
    return [
        (sheet.title, cell.value, cell.data_type, bool(cell.quotePrefix))
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def test_a_pool_and_a_title_that_look_like_formulas_are_text_in_the_report(
    tmp_path: Path,
) -> None:
    tickets = tmp_path / "tickets.csv"
    with tickets.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["工单编号", "类型", "故障等级", "资源池", "标题", "报障时间"])
        # A major fault never attended: late, so its title is in 违约明细 as well.
        writer.writerow(["X-1", "故障", "重大", POOL, TITLE, "2022-08-10 11:41"])
    assert slamon(tmp_path, "import", "tickets", str(tickets)).returncode == 0
    done = slamon(tmp_path, "report", "--period", "2022-08", "--at", "2022-08-20T09:00",
                  "--format", "xlsx")  # fmt: skip
    assert done.returncode == 0, done.stderr
    cells = all_cells(tmp_path / "监理报告_2022-08.xlsx")
    assert [cell for cell in cells if cell[2] == "f"] == []
    assert ("资源池对比", POOL, "s", True) in cells  # the pool is a column header there
    assert ("违约明细", POOL, "s", True) in cells
    assert ("违约明细", TITLE, "s", True) in cells


@pytest.mark.parametrize("risky", RISKY)
def test_a_formula_start_anywhere_in_a_block_stays_the_text_it_was(
    tmp_path: Path, risky: str
) -> None:
    block = Block("表", risky, ["编号", risky], [[risky, "T-1"]], empty_text=risky)
    empty = Block("空", "空表", [risky], [], empty_text=risky)
    path = tmp_path / "report.xlsx"
    render_xlsx([block, empty], path)
    cells = all_cells(path)
    read = risky.replace("\r", "\n")  # XML reads a carriage return as a line feed
    # The title, the header, a cell and the empty table's text: each as written, as text.
    assert [(value, kind, quoted) for _, value, kind, quoted in cells if value == read] == [
        (read, "s", True)
    ] * 5
    assert [cell for cell in cells if cell[2] == "f"] == []


def test_a_character_xml_cannot_hold_is_shown_escaped_instead_of_stopping_the_report(
    tmp_path: Path,
) -> None:
    block = Block("表", "工单", ["编号", "标题"], [["T-1", "存储\x01故障\udc00"]])
    path = tmp_path / "report.xlsx"
    render_xlsx([block], path)
    assert ("表", "存储\\x01故障\\udc00", "s", False) in all_cells(path)
