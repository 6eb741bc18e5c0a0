"""The report as an XLSX workbook: one sheet per table, Chinese headers, nothing executable."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlsxCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from monitor.domain.text import escaped
from monitor.report.blocks import Block, Cell

# Text starting with one of these is a formula (or a DDE call) once a spreadsheet reads it as
# input: OWASP's CSV-injection list, the line breaks, and the full-width forms that a CJK input
# method turns into the ASCII ones.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")
# What XML 1.0 cannot hold (openpyxl refuses the controls, saving fails on a lone surrogate).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def write_cell(cell: XlsxCell, value: Cell) -> None:
    """Put `value` in `cell`; a text is stored as text, exactly as written, never a formula.

    openpyxl makes any text starting with "=" a formula: every text is typed as a string here,
    and one that a spreadsheet would run ("=cmd|' /c calc'!A1") also gets the quote prefix, so
    that editing the cell in Excel or LibreOffice keeps it text. A character XML cannot hold
    is written as its escape (\\x01), so one odd title does not stop the whole report.
    """
    if isinstance(value, str):
        value = escaped(value, _NOT_XML)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"
        cell.quotePrefix = value.startswith(_FORMULA_START)


def csv_text(value: Cell) -> str:
    """A cell for a CSV file that a spreadsheet opens: text it would run as a formula gets a
    leading apostrophe, as Excel's own quote prefix shows it (OWASP's advice for CSV)."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


def _write_row(sheet: Worksheet, row: int, values: Sequence[Cell]) -> list[XlsxCell]:
    cells = [sheet.cell(row=row, column=column) for column in range(1, len(values) + 1)]
    for cell, value in zip(cells, values, strict=True):
        write_cell(cell, value)
    return cells


def render_xlsx(blocks: Sequence[Block], path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for block in blocks:
        sheet = workbook.create_sheet(block.sheet[:31])
        (title,) = _write_row(sheet, 1, [block.title])
        title.font = Font(bold=True, size=13)
        for cell in _write_row(sheet, 3, block.headers):
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
        rows: list[list[Cell]] = block.rows or [[block.empty_text]]
        for row, values in enumerate(rows, start=4):
            for cell in _write_row(sheet, row, values):
                if isinstance(cell.value, str):
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A4"
        _widths(sheet, block)
    workbook.save(path)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _widths(sheet: Worksheet, block: Block) -> None:
    for index, header in enumerate(block.headers, start=1):
        texts = [header, *(str(row[index - 1]) for row in block.rows if len(row) >= index)]
        width = min(60, max(8, *(_display_width(text) + 2 for text in texts)))
        sheet.column_dimensions[get_column_letter(index)].width = width
