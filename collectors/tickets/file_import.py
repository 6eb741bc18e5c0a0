"""`slamon import tickets`: a CSV/XLSX/JSON file of tickets into the database.

Good rows are upserted by (source, ticket_id); bad rows are reported with line, ticket id,
column and reason and kept whole in the rejected_row table, so nothing is lost.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.files.import_report import (
    REQUIRED,
    ImportReport,
    RowProblem,
    column_twice,
    file_refused,
    headers_refused,
    raw_json,
    rejected_reasons,
    too_long,
)
from collectors.files.tabular import Table, UnreadableFile, read_table, storable
from collectors.files.values import (
    BadValue,
    VocabularyLookup,
    parse_id,
    parse_size_gb,
    parse_text,
    time_parser,
)
from collectors.tickets.batch import ColumnParser, ParsedRun
from collectors.tickets.columns import (
    REQUIRED_FIELDS,
    TIME_FIELDS,
    accepted_headers_text,
    field_for,
    label,
)
from monitor.contract.model import Contract
from monitor.domain.message import Message
from monitor.storage.columnar.bulk_insert import bulk_page_cache
from monitor.storage.import_runs import finish_import_run, keep_rejected_rows, start_import_run
from monitor.storage.ingest import ItemProblem, ParsedBatch
from monitor.storage.retry import retried
from monitor.storage.tickets import (
    TEXT_LIMITS,
    TicketRowUpserts,
    has_tickets,
    ticket_row_fields,
    ticket_time_binding,
)

Parser = Callable[[Any], Any]


def _parsers(contract: Contract) -> dict[str, Parser]:
    zone = contract.zone
    parse_time = time_parser(zone)
    parsers: dict[str, Parser] = {name: parse_time for name in TIME_FIELDS}
    parsers["kind"] = VocabularyLookup.of("kind", contract.kinds)
    parsers["severity"] = VocabularyLookup.of("severity", contract.severities)
    parsers["restore_size_gb"] = parse_size_gb
    parsers["ticket_id"] = parse_id
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
            raise column_twice(path, label(name))
        else:
            columns[header] = name
    missing = [label(name) for name in REQUIRED_FIELDS if name not in columns.values()]
    if unknown or missing:
        raise headers_refused(path, unknown, missing, accepted_headers_text())
    return columns


# Why an item of an API batch is rejected before its cells are read.
UNKNOWN_FIELD = Message("未知字段", "unknown field")
NOT_AN_OBJECT = Message("应为 JSON 对象", "expected a JSON object")
FIELD_TWICE = Message("同一字段出现了两次", "a field is given twice")
BATCH_ROWS = 20_000  # rows parsed and upserted at a time: memory stays flat whatever the file


class _WrittenTwice(Exception):
    """A ticket already written by an earlier batch turned up again in the file."""


@dataclass
class ParsedRows:
    """One batch of the file: tickets by ticket_id (the last row wins), each a tuple in the
    order of `fields`, ready to bind (see upsert_ticket_rows), and rejected rows."""

    fields: list[str]
    tickets: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    rejected: list[dict[str, Any]] = field(default_factory=list)


PARSE_ROWS = 5_000  # rows read from the file and parsed a column at a time


def parse_rows(
    table: Table,
    columns: dict[str, str],
    contract: Contract,
    source: str,
    report: ImportReport,
    *,
    batch_rows: int = BATCH_ROWS,
    repeated: dict[str, int] | None = None,
    dialect: str = "sqlite",
) -> Iterator[ParsedRows]:
    """The file's rows, parsed, in batches of about `batch_rows` tickets, ready to be bound
    for `dialect`'s database (see upsert_ticket_rows).

    A ticket is in exactly one batch, with its last good row: a ticket in `repeated` (ticket_id
    → the line of its last row in the file) is held back until that line. One that is not,
    yet turns up again after its batch was handed out, raises _WrittenTwice: the caller did
    not know the file repeats it, and starts again knowing (see repeated_ticket_ids).
    The cells are parsed PARSE_ROWS rows at a time, a column at a time (ColumnParser); the
    rows are then taken one by one, in file order.
    """
    parser = ColumnParser(columns, contract, source, ticket_time_binding(dialect))
    repeated = repeated or {}
    id_header = _id_header(columns)
    handed_out: set[str] = set()
    held: dict[str, tuple[Any, ...]] = {}
    batch = ParsedRows(parser.fields)
    blank = parser.blank
    headers = table.headers
    rows: Iterator[tuple[int, Any]] = table.rows if table.cell_lists is None else table.cell_lists
    for run in _runs(rows, PARSE_ROWS):
        if all(type(cells) is list for _line, cells in run):  # a CSV's good rows, not dicts
            structural: list[Any] = [None] * len(run)
            parsed = parser.parse_lists([cells for _line, cells in run], headers)
        else:
            run = [
                (line, dict(zip(headers, cells, strict=False)) if type(cells) is list else cells)
                for line, cells in run
            ]
            structural = [
                cells.pop("__error__") if "__error__" in cells else None for _, cells in run
            ]
            records = [cells for _line, cells in run]
            for i in (i for i, broken in enumerate(structural) if broken):
                records[i] = blank  # its cells are not parsed
            parsed = parser.parse(records)
            del records
        if not repeated and _all_new(parsed, structural, batch, handed_out):
            # Every row good, every ticket new: the rows go in whole, as the loop below would
            # put them, one ticket each, handing out a batch whenever one fills up.
            start = 0
            while start < len(run):
                end = min(len(run), start + batch_rows - len(batch.tickets))
                keys: list[str] = parsed.ids[start:end]  # type: ignore[assignment]
                batch.tickets.update(zip(keys, parsed.rows[start:end], strict=True))
                report.rows_read += end - start
                start = end
                if len(batch.tickets) >= batch_rows:
                    handed_out.update(batch.tickets)
                    yield batch
                    batch = ParsedRows(parser.fields)
            continue
        for i, (line, cells) in enumerate(run):
            report.rows_read += 1
            broken = structural[i]
            if broken:
                # The row itself is broken (quotes, cell count): its cells cannot be trusted.
                ticket_id = _id_in(cells, id_header)
                problems = [RowProblem(line, ticket_id, None, broken)]
            else:
                ticket_id = parsed.ids[i]
                found = parsed.problems[i]
                problems = (
                    [RowProblem(line, ticket_id, p.column, p.reason) for p in found]
                    if found
                    else []
                )
            if problems:
                report.problems.extend(problems)
                report.rejected_rows += 1
                if type(cells) is list:
                    cells = dict(zip(headers, cells, strict=False))  # as _csv_records makes it
                batch.rejected.append(_rejected(line, ticket_id, problems, cells))
                if ticket_id is not None and repeated.get(ticket_id) == line and ticket_id in held:
                    batch.tickets[ticket_id] = held.pop(ticket_id)  # its last row was bad
            else:
                key = ticket_id
                assert key is not None  # required: a row without one has a problem
                row = parsed.rows[i]
                if key in handed_out:
                    raise _WrittenTwice(key)
                if key in batch.tickets or key in held:
                    report.duplicate_rows += 1
                last = repeated.get(key)
                if last is None or last == line:
                    held.pop(key, None)
                    batch.tickets[key] = row
                else:
                    held[key] = row
            if len(batch.tickets) >= batch_rows or len(batch.rejected) >= batch_rows:
                handed_out.update(batch.tickets)
                yield batch
                batch = ParsedRows(parser.fields)
        del run, parsed
    for key, row in held.items():  # only if an id read differently than when counted
        if key in handed_out:
            raise _WrittenTwice(key)
        batch.tickets[key] = row
    if batch.tickets or batch.rejected:
        yield batch


def _all_new(
    parsed: ParsedRun, structural: list[Any], batch: ParsedRows, handed_out: set[str]
) -> bool:
    """Whether every row of the run is good and a ticket not seen before in the file."""
    if any(structural) or any(parsed.problems):
        return False
    keys = set(parsed.ids)
    return (
        len(keys) == len(parsed.ids)
        and keys.isdisjoint(batch.tickets)
        and keys.isdisjoint(handed_out)
    )


def _runs(rows: Iterator[tuple[int, Any]], size: int) -> Iterator[list[tuple[int, Any]]]:
    run: list[tuple[int, Any]] = []
    for row in rows:
        run.append(row)
        if len(run) >= size:
            yield run
            run = []
    if run:
        yield run


def repeated_ticket_ids(table: Table, columns: dict[str, str]) -> dict[str, int]:
    """ticket_id → the line of its last row, for every ticket_id on more than one row."""
    last: dict[str, int] = {}
    repeated: set[str] = set()
    id_header = _id_header(columns)
    for line, cells in table.rows:
        cells.pop("__error__", None)
        ticket_id = _id_in(cells, id_header)
        if ticket_id is None:
            continue
        if ticket_id in last:
            repeated.add(ticket_id)
        last[ticket_id] = line
    return {ticket_id: last[ticket_id] for ticket_id in repeated}


# (header, field, its parser, its longest text or None): how to read each column of a row.
Plan = list[tuple[str, str, Parser, int | None]]


def _plan(columns: dict[str, str], parsers: dict[str, Parser]) -> Plan:
    return [
        (header, name, parsers.get(name, parse_text), TEXT_LIMITS.get(name))
        for header, name in columns.items()
    ]


def _parse_cells(
    line: int,
    ticket_id: str | None,
    cells: dict[str, Any],
    plan: Plan,
    values: dict[str, Any],
) -> list[RowProblem]:
    """Fill `values` from the row's cells; the problems found on the way."""
    problems: list[RowProblem] = []
    get = cells.get
    for header, name, parse, longest in plan:
        try:
            value = parse(get(header))
        except BadValue as error:
            problems.append(RowProblem(line, ticket_id, label(name), error.message))
            continue
        if longest is not None and value is not None and len(value) > longest:
            problems.append(RowProblem(line, ticket_id, label(name), too_long(len(value), longest)))
        values[name] = value
    for name in REQUIRED_FIELDS:
        if values.get(name) is None and not any(p.column == label(name) for p in problems):
            problems.append(RowProblem(line, ticket_id, label(name), REQUIRED))
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
        cells, unstorable = storable(item) if isinstance(item, dict) else ({}, None)
        columns = {str(key): field_for(str(key)) for key in cells}
        known = {header: name for header, name in columns.items() if name is not None}
        ticket_id = _safe_text(cells, known)
        problems = [
            RowProblem(index, ticket_id, header, UNKNOWN_FIELD)
            for header, name in columns.items()
            if name is None
        ]
        if unstorable:
            problems.append(RowProblem(index, ticket_id, None, unstorable))
        if not isinstance(item, dict):
            problems.append(RowProblem(index, None, None, NOT_AN_OBJECT))
        elif len(set(known.values())) < len(known):
            problems.append(RowProblem(index, ticket_id, None, FIELD_TWICE))
        values: dict[str, Any] = {"source": source}
        if not problems:
            plan = _plan(known, parsers)
            problems.extend(_parse_cells(index, ticket_id, cells, plan, values))
        if problems:
            batch.problems.extend(
                ItemProblem(p.line, p.key, p.column, p.reason, p.message.zh) for p in problems
            )
            kept = cells or storable({"item": item})[0]
            batch.rejected.append(_rejected(index, ticket_id, problems, kept))
            continue
        batch.rows.append((values, tuple(known.values())))
        batch.lines.append(index)
    return batch


def _safe_text(cells: dict[str, Any], columns: dict[str, str]) -> str | None:
    return _id_in(cells, _id_header(columns))


def _id_header(columns: dict[str, str]) -> str | None:
    return next((header for header, name in columns.items() if name == "ticket_id"), None)


def _id_in(cells: dict[str, Any], header: str | None) -> str | None:
    """The row's ticket id as text, or None when it has none (or not one that is text)."""
    if header is None:
        return None
    try:
        return parse_text(cells.get(header))
    except BadValue:
        return None


def _rejected(
    line: int, ticket_id: str | None, problems: list[RowProblem], cells: dict[str, Any]
) -> dict[str, Any]:
    return {
        "line": line,
        "ticket_id": ticket_id[:200] if ticket_id else None,  # the whole id is in raw
        **rejected_reasons(problems),
        "raw": raw_json(cells),
    }


def import_tickets(
    engine: Engine,
    path: Path,
    contract: Contract,
    *,
    source: str,
    now: datetime,
    batch_rows: int = BATCH_ROWS,
) -> ImportReport:
    """Import one file in one transaction; raises ImportFileError when nothing can be used.

    The file is read, parsed and upserted `batch_rows` at a time, so memory does not grow with
    it; it is still one transaction (an interrupted import leaves nothing behind). A ticket
    is written once, with its last good row: when a ticket turns up again after its batch was
    written, the import starts over, knowing which tickets the file repeats. So it does when
    its transaction collides with another writer's (monitor.storage.retry): ended by
    PostgreSQL to break a deadlock, or still locked out of SQLite after the busy timeout.
    """
    return retried(
        lambda: _import_file(engine, path, contract, source, now, batch_rows),
        what=f"importing {path}",
    )


def _import_file(
    engine: Engine, path: Path, contract: Contract, source: str, now: datetime, batch_rows: int
) -> ImportReport:
    try:
        try:
            return _import(engine, path, contract, source, now, batch_rows, None)
        except _WrittenTwice:
            repeated = repeated_ticket_ids(*_open(path))
            return _import(engine, path, contract, source, now, batch_rows, repeated)
    except UnreadableFile as error:
        raise file_refused(error.message, accepted_headers_text()) from None


def _open(path: Path) -> tuple[Table, dict[str, str]]:
    table = read_table(path, _looks_like_header)
    return table, _columns(table, path)


def _import(
    engine: Engine,
    path: Path,
    contract: Contract,
    source: str,
    now: datetime,
    batch_rows: int,
    repeated: dict[str, int] | None,
) -> ImportReport:
    table, columns = _open(path)
    report = ImportReport(path, source)
    with engine.begin() as connection, bulk_page_cache(connection):
        # Written first: on SQLite this takes the write lock, so what is read next is not
        # changed by another writer before this import commits.
        run_id = start_import_run(connection, source, str(path), now)
        # The source's first import: no ticket of this batch or of a later one is stored yet
        # (a ticket is written once per import), so none need be looked up.
        first_of_source = not has_tickets(connection, source)
        batches = parse_rows(
            table,
            columns,
            contract,
            source,
            report,
            batch_rows=batch_rows,
            repeated=repeated,
            dialect=connection.dialect.name,
        )
        fields = ticket_row_fields(["source", *columns.values()])  # the parser's
        upserts = TicketRowUpserts(connection, fields, now, all_new=first_of_source)
        for batch in batches:
            upserts.add(list(batch.tickets.values()))
            keep_rejected_rows(connection, run_id, batch.rejected)
            del batch  # not kept alive while the next one is parsed
        counts = upserts.finish()
        report.inserted, report.updated = counts.inserted, counts.updated
        report.unchanged = counts.unchanged
        finish_import_run(
            connection,
            run_id,
            read=report.rows_read,
            stored=report.inserted + report.updated,
            unchanged=report.unchanged,
            rejected=report.rejected_rows,
        )
    return report
