"""Statement mapping profiles (config/mappings/statements/*.yaml): how an operator's own
spreadsheet layout of a statement reads as slamon's columns.

A profile names the sheet's headers for slamon's fields — a header under a merged cell is
named `upper/lower` (计费/数量) — how many rows the header takes, which rows are totals to
skip (合计, 小计), and whether the title above the header names the month.

A total row is not a line, but its amount is the operator's own sum: it is held against the
lines' amounts as written (a 小计 against the lines since the previous 小计, a 合计 against
every line above it), and a total that differs is a finding on its line.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field

from collectors.files.decimals import parse_amount
from collectors.files.limits import file_limits
from collectors.files.tabular import Table, UnreadableFile, not_a_workbook
from collectors.files.values import BadValue
from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import YamlFileError, load_yaml_model
from monitor.domain.message import Message

STATEMENT_MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "config/mappings/statements"
_HEADER_SEARCH_ROWS = 30
_TITLE_MONTH = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")


class StatementProfileError(YamlFileError):
    """A statement profile that cannot be used; the message names the file and the key."""


class StatementProfile(StrictModel):
    name: str
    description: str = ""
    header_rows: int = Field(default=1, ge=1, le=4)
    period_from_title: bool = False  # "2024年3月…" above the header is every line's period
    skip_rows: list[str] = Field(default_factory=list)  # a row whose text starts so is a total
    # Those of skip_rows that total the lines since the previous row of the same kind (小计,
    # 本页合计); the others total every line above them (合计, 总计).
    subtotal_rows: list[str] = Field(default_factory=list)
    columns: dict[str, str]  # the sheet's header → slamon's statement field
    ignore: list[str] = Field(default_factory=list)  # headers read past without a word

    def field_of(self, header: str) -> str | None:
        """The field of a combined header (计费/数量), or of its last part (数量)."""
        if header in self.columns:
            return self.columns[header]
        return self.columns.get(header.rsplit("/", 1)[-1])

    def ignored(self, header: str) -> bool:
        return header in self.ignore or header.rsplit("/", 1)[-1] in self.ignore

    def is_total(self, cells: list[Any]) -> bool:
        return self.total_kind(cells) is not None

    def total_kind(self, cells: list[Any]) -> str | None:
        """The skip_rows word a total row starts with (合计, 小计 …); None: not a total."""
        for cell in cells:
            text = re.sub(r"\s+", "", cell) if isinstance(cell, str) else ""
            for word in self.skip_rows:
                if text.startswith(word):
                    return word
        return None


@dataclass(frozen=True, slots=True)
class TotalMismatch:
    """A total row whose amount is not the sum of the lines it totals."""

    line: int
    kind: str  # 合计, 小计 …
    stated: Decimal
    summed: Decimal
    first_line: int
    last_line: int

    @property
    def reason(self) -> Message:
        lines = f"{self.first_line}–{self.last_line}"
        return Message(
            f"{self.kind}金额 {self.stated} 元与第 {lines} 行金额之和 {self.summed} 元不符",
            f"the {self.kind} row's amount {self.stated} is not the sum of lines {lines}, "
            f"{self.summed}",
        )


class _Lines:
    """The amounts of the lines a total row covers (None: an amount that does not parse)."""

    def __init__(self) -> None:
        self.amounts: list[tuple[int, Decimal | None]] = []

    def mismatch(self, line: int, kind: str, stated: Decimal) -> TotalMismatch | None:
        amounts = [amount for _, amount in self.amounts]
        if not amounts or any(amount is None for amount in amounts):
            return None  # nothing to sum, or a line's own problem is reported on its line
        summed = sum((a for a in amounts if a is not None), Decimal(0))
        if summed == stated:
            return None
        return TotalMismatch(line, kind, stated, summed, self.amounts[0][0], self.amounts[-1][0])


def statement_profile_path(name_or_path: str) -> Path:
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path:
        return Path(name_or_path)
    return STATEMENT_MAPPINGS_DIR / f"{name_or_path}.yaml"


def load_statement_profile(name_or_path: str) -> StatementProfile:
    path = statement_profile_path(name_or_path)
    if not path.exists():
        shipped = ", ".join(sorted(p.stem for p in STATEMENT_MAPPINGS_DIR.glob("*.yaml")))
        raise StatementProfileError(
            path,
            Message(
                f"没有这个结算清单映射（随附：{shipped}）",
                f"no such statement profile (shipped: {shipped})",
            ),
        )
    return load_yaml_model(path, StatementProfile, "the statement profile", StatementProfileError)


class ProfileReader:
    """A table reader that reads a sheet as `profile` describes it: the headers it yields are
    slamon's field names (ignored ones dropped), total rows are left out (their amounts held
    against the lines: `mismatches`, complete once the rows are read), and the title's month
    is every row's period."""

    def __init__(self, profile: StatementProfile) -> None:
        self.profile = profile
        self.mismatches: list[TotalMismatch] = []

    def __call__(self, path: Path, _looks_like_header: Callable[[list[str]], bool]) -> Table:
        profile = self.profile
        grid = _grid(path)
        start = _header_start(grid, profile, path)
        headers = _combined_headers(grid[start : start + profile.header_rows])
        period = _title_period(grid[:start]) if profile.period_from_title else None
        if profile.period_from_title and period is None:
            raise UnreadableFile(
                Message(
                    f"{path}：表头上方的标题行中没有“YYYY年M月”",
                    f"{path}: no 'YYYY年M月' (year and month) in the title rows above the header",
                )
            )
        names = [_renamed(header, profile) for header in headers]
        first_line = start + profile.header_rows + 1

        def rows() -> Iterator[tuple[int, dict[str, Any]]]:
            above = _Lines()  # every line so far, for a 合计
            since = {word: _Lines() for word in profile.subtotal_rows}  # for a 小计
            for line, cells in enumerate(grid[first_line - 1 :], start=first_line):
                if not any(cell is not None and str(cell).strip() for cell in cells):
                    continue
                record = {n: c for n, c in zip(names, cells, strict=False) if n is not None}
                kind = profile.total_kind(cells)
                if kind is not None:
                    stated = _amount(record.get("amount"))
                    lines = since.get(kind, above)
                    found = None if stated is None else lines.mismatch(line, kind, stated)
                    if found is not None:
                        self.mismatches.append(found)
                    if kind in since:
                        since[kind] = _Lines()
                    continue
                amount = (line, _amount(record.get("amount"), blank=Decimal(0)))
                for lines in (above, *since.values()):
                    lines.amounts.append(amount)
                if period is not None and record.get("period") in (None, ""):
                    record["period"] = period
                yield line, record

        named = [name for name in names if name is not None]
        if period is not None and "period" not in named:
            named.append("period")
        return Table(named, first_line - 1, rows())


def _amount(cell: Any, blank: Decimal | None = None) -> Decimal | None:
    """A cell's amount in 元; `blank` for an empty cell, None for one that is not an amount."""
    try:
        amount = parse_amount(cell)
    except BadValue:
        return None
    return blank if amount is None else amount


def _renamed(header: str, profile: StatementProfile) -> str | None:
    if not header or profile.ignored(header):
        return None
    return profile.field_of(header) or header


def _grid(path: Path) -> list[list[Any]]:
    """The first sheet's cells, a merged range's value in every cell it covers."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableFile(Message(f"{path}：文件不存在", f"{path}: no such file"))
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as file:
            return [list(row) for row in csv.reader(file)]
    if suffix != ".xlsx":
        raise UnreadableFile(
            Message(
                f"{path}：结算清单映射只读取 .xlsx 或 .csv，不读 '{suffix}'",
                f"{path}: a statement profile reads .xlsx or .csv, not '{suffix}'",
            )
        )
    from openpyxl import load_workbook

    from collectors.files import xlsx

    try:
        # The bounded reader checks the archive's sizes and every sheet's rows and cell
        # lengths first; merged cells need openpyxl's full (not read-only) mode after it.
        xlsx.open_workbook(path, file_limits()).close()
        workbook = load_workbook(path, data_only=True)
    except UnreadableFile:
        raise
    except Exception as error:  # openpyxl raises many types for a broken or foreign file
        raise UnreadableFile(not_a_workbook(path, error)) from None
    sheet = workbook.worksheets[0]
    grid = [list(row) for row in sheet.iter_rows(values_only=True)]
    for merged in sheet.merged_cells.ranges:
        value = grid[merged.min_row - 1][merged.min_col - 1]
        for row in range(merged.min_row - 1, merged.max_row):
            for column in range(merged.min_col - 1, merged.max_col):
                grid[row][column] = value
    workbook.close()
    return grid


def _header_start(grid: list[list[Any]], profile: StatementProfile, path: Path) -> int:
    for index, cells in enumerate(grid[:_HEADER_SEARCH_ROWS]):
        texts = [str(cell).strip() for cell in cells if cell is not None]
        if sum(profile.field_of(text) is not None for text in texts) >= 2:
            return index
    raise UnreadableFile(
        Message(
            f"{path}：前 {_HEADER_SEARCH_ROWS} 行中没有映射 '{profile.name}' 的表头行",
            f"{path}: no header row of profile '{profile.name}' in the first "
            f"{_HEADER_SEARCH_ROWS} rows",
        )
    )


def _combined_headers(rows: list[list[Any]]) -> list[str]:
    """One header per column: the texts of the header rows joined by '/', a text repeated by
    a vertical merge once; a blank upper cell of a CSV takes its left neighbour's text."""
    width = max(len(row) for row in rows)
    texts = [[_text(row[i]) if i < len(row) else "" for i in range(width)] for row in rows]
    for upper in texts[:-1]:
        for index in range(1, width):
            if not upper[index] and texts[-1][index] and upper[index - 1]:
                upper[index] = upper[index - 1]
    headers = []
    for index in range(width):
        parts: list[str] = []
        for row in texts:
            if row[index] and (not parts or parts[-1] != row[index]):
                parts.append(row[index])
        headers.append("/".join(parts))
    return headers


def _text(cell: Any) -> str:
    return "" if cell is None else re.sub(r"\s+", "", str(cell))


def _title_period(rows: list[list[Any]]) -> str | None:
    for cells in rows:
        for cell in cells:
            if isinstance(cell, str) and (match := _TITLE_MONTH.search(cell)):
                return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
    return None
