"""The report as an XLSX workbook: one sheet per table, Chinese headers, nothing executable."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from monitor.report.content import Block, Cell

# A text cell starting with one of these is a formula (or DDE call) to a spreadsheet.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


def safe_cell(value: Cell) -> Cell:
    """Text that a spreadsheet would run ("=cmd|' /c calc'!A1") is kept as quoted text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_xlsx(blocks: Sequence[Block], path: Path) -> None:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for block in blocks:
        sheet = workbook.create_sheet(block.sheet[:31])
        sheet.append([block.title])
        sheet["A1"].font = Font(bold=True, size=13)
        sheet.append([])
        sheet.append(block.headers)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
            cell.fill = _HEADER_FILL
        for row in block.rows or [[block.empty_text]]:
            sheet.append([safe_cell(value) for value in row])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # never a formula, whatever the text
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.freeze_panes = "A4"
        _widths(sheet, block)
    workbook.save(path)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _widths(sheet: object, block: Block) -> None:
    for index, header in enumerate(block.headers, start=1):
        texts = [header, *(str(row[index - 1]) for row in block.rows if len(row) >= index)]
        width = min(60, max(8, *(_display_width(text) + 2 for text in texts)))
        sheet.column_dimensions[get_column_letter(index)].width = width  # type: ignore[attr-defined]
