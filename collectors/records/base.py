"""Importing a CSV/XLSX/JSON file of records (inspections, survey replies) with the ticket rules.

Good rows are upserted; a bad row is reported with its line, key, column and reason and kept
whole in rejected_row; headers nobody knows stop the file (exit 2) with the accepted headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine

from collectors.files.import_report import (
    REQUIRED,
    ImportReport,
    RowProblem,
    column_twice,
    file_refused,
    headers_refused,
    raw_json,
    rejected_reasons,
)
from collectors.files.tabular import Table, UnreadableFile, read_table
from collectors.files.values import BadValue, is_blank, parse_time
from monitor.storage.import_runs import finish_import_run, keep_rejected_rows, start_import_run
from monitor.storage.retry import retried
from monitor.storage.tickets import UpsertCounts

Parser = Callable[[Any], Any]
_DATE_ONLY = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


@dataclass(frozen=True, slots=True)
class Column:
    field: str
    headers: tuple[str, ...]  # English first, then Chinese; the first Chinese one labels it
    parse: Parser
    required: bool = False

    @property
    def label(self) -> str:
        return f"{self.field} ({self.headers[1] if len(self.headers) > 1 else self.field})"


@dataclass(frozen=True, slots=True)
class RecordFormat:
    """What one kind of record file looks like and how a parsed row becomes a stored one."""

    table: str  # rejected_row.target_table
    noun: str  # "record", "unit": how the key is named in messages
    columns: tuple[Column, ...]
    key_field: str  # the field shown next to a line number
    # Parsed values → the stored row (derived key, JSON …); BadValue rejects the row.
    finish: Callable[[dict[str, Any]], dict[str, Any]]
    upsert: Callable[
        [Connection, Sequence[Mapping[str, Any]], Sequence[str], datetime], UpsertCounts
    ]
    # Headers outside `columns` this format still accepts (e.g. per-question ratings).
    extra_header: Callable[[str], bool] = lambda _header: False
    extra_help: str = ""
    # How the file is read: read_table, or a layout's own reader (a statement profile's).
    read: Callable[[Path, Callable[[list[str]], bool]], Table] = read_table
    # The field that keeps each row's line of the file, for records cited by their line.
    line_field: str | None = None

    def field_for(self, header: str) -> Column | None:
        folded = normalise(header)
        for column in self.columns:
            if folded in (normalise(name) for name in column.headers):
                return column
        return None

    def accepted_headers_text(self) -> str:
        lines = [f"  {' / '.join(column.headers)}" for column in self.columns]
        return "\n".join([*lines, *([self.extra_help] if self.extra_help else [])])


def normalise(header: str) -> str:
    """Case, spaces and hyphens do not matter in English headers."""
    return re.sub(r"[\s\-]+", "_", header.strip()).casefold()


def parse_day_or_time(value: Any, zone: ZoneInfo) -> datetime | None:
    """A time, or a bare date (then 00:00 of that day in the contract's zone)."""
    if isinstance(value, str) and (match := _DATE_ONLY.match(value.strip())):
        try:
            day = date(*(int(part) for part in match.groups()))
        except ValueError as error:
            raise BadValue(
                f"'{value.strip()}' 不是有效的日期（年、月或日超出范围）",
                f"'{value.strip()}' is not a valid date ({error})",
            ) from None
        return parse_time(datetime.combine(day, time(0)), zone)
    if isinstance(value, str) and value.strip() and not any(c in value for c in ":："):
        raise BadValue(
            f"'{value.strip()}' 不是日期或时间，请写成 YYYY-MM-DD [HH:MM]",
            f"'{value.strip()}' is not a date or time; write YYYY-MM-DD [HH:MM]",
        )
    return parse_time(value, zone)


def import_records(
    engine: Engine, path: Path, fmt: RecordFormat, *, source: str, now: datetime
) -> ImportReport:
    """Import one file in one transaction; ImportFileError when nothing in it can be used."""
    report = ImportReport(path, source)
    try:
        table = fmt.read(path, lambda cells: sum(fmt.field_for(c) is not None for c in cells) >= 2)
        columns, extras = _columns(table, path, fmt)
        rows, rejected = _parse_rows(table, columns, extras, fmt, source, report)
    except UnreadableFile as error:
        raise file_refused(error.message, fmt.accepted_headers_text()) from None
    carried = [column.field for column in columns.values()]
    if extras:
        carried.append("answers")

    def store() -> UpsertCounts:
        with engine.begin() as connection:
            run_id = start_import_run(connection, f"{fmt.table}:{source}", str(path), now)
            counts = fmt.upsert(connection, rows, carried, now)
            _finish_run(connection, run_id, report, counts, rejected)
        return counts

    # The rows are parsed once; a transaction that collides with another writer's is
    # rolled back and run again (monitor.storage.retry).
    counts = retried(store, what=f"importing {path}")
    report.inserted, report.updated, report.unchanged = (
        counts.inserted,
        counts.updated,
        counts.unchanged,
    )
    return report


def _columns(table: Table, path: Path, fmt: RecordFormat) -> tuple[dict[str, Column], list[str]]:
    columns: dict[str, Column] = {}
    extras: list[str] = []
    unknown: list[str] = []
    for header in table.headers:
        if not header:
            continue
        column = fmt.field_for(header)
        if column is None:
            (extras if fmt.extra_header(header) else unknown).append(header)
        elif column in columns.values():
            raise column_twice(path, column.label)
        else:
            columns[header] = column
    missing = [c.label for c in fmt.columns if c.required and c not in columns.values()]
    if unknown or missing:
        raise headers_refused(path, unknown, missing, fmt.accepted_headers_text())
    return columns, extras


def _parse_rows(
    table: Table,
    columns: dict[str, Column],
    extras: list[str],
    fmt: RecordFormat,
    source: str,
    report: ImportReport,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    rows: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for line, cells in table.rows:
        report.rows_read += 1
        key = _key_text(cells, columns, fmt.key_field)
        problems: list[RowProblem] = []
        structural = cells.pop("__error__", None)
        if structural:
            problems.append(RowProblem(line, key, None, structural, fmt.noun))
        values: dict[str, Any] = {"source": source}
        if fmt.line_field is not None:
            values[fmt.line_field] = line
        for header, column in columns.items():
            try:
                values[column.field] = column.parse(cells.get(header))
            except BadValue as error:
                problems.append(RowProblem(line, key, column.label, error.message, fmt.noun))
                continue
            if column.required and values[column.field] is None:
                problems.append(RowProblem(line, key, column.label, REQUIRED, fmt.noun))
        values["__extras__"] = {h: cells.get(h) for h in extras if not is_blank(cells.get(h))}
        if not problems:
            try:
                rows.append(fmt.finish(values))
            except BadValue as error:
                problems.append(RowProblem(line, key, None, error.message, fmt.noun))
        if problems:
            report.problems.extend(problems)
            rejected.append(_rejected(line, key, problems, cells, fmt.table))
    report.rejected_rows = len(rejected)
    return rows, rejected


def _key_text(cells: dict[str, Any], columns: dict[str, Column], key_field: str) -> str | None:
    for header, column in columns.items():
        if column.field == key_field and not is_blank(cells.get(header)):
            return str(cells[header]).strip()[:200]
    return None


def _rejected(
    line: int, key: str | None, problems: list[RowProblem], cells: dict[str, Any], table: str
) -> dict[str, Any]:
    return {
        "line": line,
        "ticket_id": None,
        "target_table": table,
        "row_key": key,
        **rejected_reasons(problems),
        "raw": raw_json(cells),
    }


def _finish_run(
    connection: Connection,
    run_id: int,
    report: ImportReport,
    counts: UpsertCounts,
    rejected: list[dict[str, Any]],
) -> None:
    finish_import_run(
        connection,
        run_id,
        read=report.rows_read,
        stored=counts.inserted + counts.updated,
        unchanged=counts.unchanged,
        rejected=report.rejected_rows,
    )
    keep_rejected_rows(connection, run_id, rejected)
