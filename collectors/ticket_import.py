"""`slamon import tickets`: a CSV/XLSX/JSON file of tickets into the database.

Good rows are upserted by (source, ticket_id); bad rows are reported with line, ticket id,
column and reason and kept whole in the rejected_row table, so nothing is lost.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert

from collectors.tabular import NUL_PROBLEM, Table, UnreadableFile, read_table, without_nul
from collectors.ticket_columns import (
    REQUIRED_FIELDS,
    TIME_FIELDS,
    accepted_headers_text,
    field_for,
    label,
)
from collectors.values import BadValue, VocabularyLookup, parse_size_gb, parse_text, parse_time
from monitor.contract import Contract
from monitor.storage.ingest import ItemProblem, ParsedBatch
from monitor.storage.tables import ImportRunRow, RejectedRow
from monitor.storage.tickets import TEXT_LIMITS, upsert_tickets

EXIT_OK, EXIT_UNREADABLE, EXIT_REJECTED_ROWS = 0, 2, 3


class ImportFileError(Exception):
    """The whole file is unusable (unreadable, or headers we do not know); nothing was stored."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    line: int
    ticket_id: str | None
    column: str | None
    reason: str

    def describe(self) -> str:
        where = f"line {self.line}"
        if self.ticket_id:
            where += f", ticket {self.ticket_id}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.reason}"


@dataclass
class ImportReport:
    path: Path
    source: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate_rows: int = 0
    rejected_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_REJECTED_ROWS if self.rejected_rows else EXIT_OK


Parser = Callable[[Any], Any]


def _parsers(contract: Contract) -> dict[str, Parser]:
    zone = contract.zone
    parsers: dict[str, Parser] = {name: partial(parse_time, zone=zone) for name in TIME_FIELDS}
    parsers["kind"] = VocabularyLookup("kind", contract.kinds)
    parsers["severity"] = VocabularyLookup("severity", contract.severities)
    parsers["restore_size_gb"] = parse_size_gb
    return parsers


def _looks_like_header(cells: list[str]) -> bool:
    return sum(field_for(cell) is not None for cell in cells if cell) >= 2


def _columns(table: Table, path: Path) -> dict[str, str]:
    """header → field for every header, or ImportFileError naming what is wrong."""
    columns: dict[str, str] = {}
    unknown: list[str] = []
    for header in table.headers:
        if not header:
            continue
        name = field_for(header)
        if name is None:
            unknown.append(header)
        elif name in columns.values():
            raise ImportFileError(f"{path}: two columns are both {label(name)}; keep one")
        else:
            columns[header] = name
    missing = [label(name) for name in REQUIRED_FIELDS if name not in columns.values()]
    if unknown or missing:
        problems = []
        if unknown:
            problems.append(f"unknown column(s): {', '.join(unknown)}")
        if missing:
            problems.append(f"missing required column(s): {', '.join(missing)}")
        raise _nothing_imported(f"{path}: {'; '.join(problems)}")
    return columns


def _nothing_imported(problem: str) -> ImportFileError:
    # Whatever stopped the file, the user's next step is a file with headers we know.
    return ImportFileError(
        f"{problem}. Nothing was imported.\n"
        f"Accepted headers (English / 中文):\n{accepted_headers_text()}"
    )


def parse_rows(
    table: Table, columns: dict[str, str], contract: Contract, source: str, report: ImportReport
) -> tuple[dict[tuple[str, str], dict[str, Any]], list[dict[str, Any]]]:
    """Typed ticket rows keyed by (source, ticket_id) (the last row wins) and rejected rows."""
    parsers = _parsers(contract)
    plan = [(header, name, parsers.get(name, parse_text)) for header, name in columns.items()]
    tickets: dict[tuple[str, str], dict[str, Any]] = {}
    rejected: list[dict[str, Any]] = []
    for line, cells in table.rows:
        report.rows_read += 1
        values: dict[str, Any] = {"source": source}
        problems: list[RowProblem] = []
        structural = cells.pop("__error__", None)
        ticket_id = _safe_text(cells, columns)
        if structural:
            # The row itself is broken (quotes, cell count): its cells cannot be trusted.
            problems.append(RowProblem(line, ticket_id, None, structural))
        else:
            problems.extend(_parse_cells(line, ticket_id, cells, plan, values))
        if problems:
            report.problems.extend(problems)
            rejected.append(_rejected(line, ticket_id, problems, cells))
            continue
        key = (source, values["ticket_id"])
        if key in tickets:
            report.duplicate_rows += 1
        tickets[key] = values
    report.rejected_rows = len(rejected)
    return tickets, rejected


def _parse_cells(
    line: int,
    ticket_id: str | None,
    cells: dict[str, Any],
    plan: list[tuple[str, str, Parser]],
    values: dict[str, Any],
) -> list[RowProblem]:
    """Fill `values` from the row's cells; the problems found on the way."""
    problems: list[RowProblem] = []
    for header, name, parse in plan:
        try:
            value = parse(cells.get(header))
        except BadValue as error:
            problems.append(RowProblem(line, ticket_id, label(name), str(error)))
            continue
        if value is not None:
            longest = TEXT_LIMITS.get(name)
            if longest is not None and len(value) > longest:
                reason = f"{len(value)} characters; at most {longest} fit"
                problems.append(RowProblem(line, ticket_id, label(name), reason))
        values[name] = value
    for name in REQUIRED_FIELDS:
        if values.get(name) is None and not any(p.column == label(name) for p in problems):
            problems.append(RowProblem(line, ticket_id, label(name), "required but empty"))
    return problems


def parse_records(records: Sequence[Any], contract: Contract, source: str) -> ParsedBatch:
    """Ticket objects from the HTTP API, checked exactly like the rows of a file.

    Each object is keyed by field names or the file's headers (English or 中文); it carries
    only its own keys, so a missing key leaves the stored value alone. A bad object becomes a
    problem with its 1-based index, kept whole as a rejected row; the others are unaffected.
    """
    parsers = _parsers(contract)
    batch = ParsedBatch()
    for index, item in enumerate(records, start=1):
        cells: dict[str, Any] = without_nul(item) if isinstance(item, dict) else {}
        has_nul = cells.get("__error__") == NUL_PROBLEM and bool(cells.pop("__error__"))
        columns = {str(key): field_for(str(key)) for key in cells}
        known = {header: name for header, name in columns.items() if name is not None}
        ticket_id = _safe_text(cells, known)
        problems = [
            RowProblem(index, ticket_id, header, "unknown field")
            for header, name in columns.items()
            if name is None
        ]
        if has_nul:
            problems.append(RowProblem(index, ticket_id, None, NUL_PROBLEM))
        if not isinstance(item, dict):
            problems.append(RowProblem(index, None, None, "expected a JSON object"))
        elif len(set(known.values())) < len(known):
            problems.append(RowProblem(index, ticket_id, None, "a field is given twice"))
        values: dict[str, Any] = {"source": source}
        if not problems:
            plan = [(h, n, parsers.get(n, parse_text)) for h, n in known.items()]
            problems.extend(_parse_cells(index, ticket_id, cells, plan, values))
        if problems:
            batch.problems.extend(
                ItemProblem(p.line, p.ticket_id, p.column, p.reason) for p in problems
            )
            batch.rejected.append(_rejected(index, ticket_id, problems, cells or {"item": item}))
            continue
        batch.rows.append((values, tuple(known.values())))
    return batch


def _safe_text(cells: dict[str, Any], columns: dict[str, str]) -> str | None:
    for header, name in columns.items():
        if name == "ticket_id":
            try:
                return parse_text(cells.get(header))
            except BadValue:
                return None
    return None


def _rejected(
    line: int, ticket_id: str | None, problems: list[RowProblem], cells: dict[str, Any]
) -> dict[str, Any]:
    return {
        "line": line,
        "ticket_id": ticket_id[:200] if ticket_id else None,  # the whole id is in raw
        "column_name": ", ".join(p.column for p in problems if p.column)[:100] or None,
        "reason": "; ".join(
            p.reason if not p.column else f"{p.column}: {p.reason}" for p in problems
        ),
        "raw": json.dumps(cells, ensure_ascii=False, default=_json_cell),
    }


def _json_cell(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def import_tickets(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Import one file in one transaction; raises ImportFileError when nothing can be used."""
    try:
        table = read_table(path, _looks_like_header)
        columns = _columns(table, path)
        report = ImportReport(path, source)
        tickets, rejected = parse_rows(table, columns, contract, source, report)
    except UnreadableFile as error:
        raise _nothing_imported(str(error)) from None
    with engine.begin() as connection:
        counts = upsert_tickets(
            connection, list(tickets.values()), ["source", *columns.values()], now
        )
        report.inserted, report.updated, report.unchanged = (
            counts.inserted,
            counts.updated,
            counts.unchanged,
        )
        run_id = connection.execute(
            insert(ImportRunRow.__table__).returning(ImportRunRow.__table__.c.id),  # type: ignore[attr-defined]
            {
                "source": source,
                "path": str(path),
                "started_at": now,
                "rows_read": report.rows_read,
                "rows_stored": counts.inserted + counts.updated,
                "rows_unchanged": counts.unchanged,
                "rows_rejected": report.rejected_rows,
            },
        ).scalar_one()
        if rejected:
            connection.execute(
                insert(RejectedRow.__table__),  # type: ignore[attr-defined]
                [{**row, "import_run_id": run_id} for row in rejected],
            )
    return report
