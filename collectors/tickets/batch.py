"""A run of a ticket file's rows parsed a column at a time.

Each column's cells are read together: timestamps with NumPy (collectors.files.time_cells), kinds,
severities and sizes once per distinct cell, texts in one pass (ids in one more, for control
characters). What each row ends up with, value or problem, and the order of its problems (its
columns in file order, then the required fields left empty), are those of the per-cell path
(ticket_import._parse_cells, which the HTTP API still uses);
tests/collectors/tickets/test_ticket_columns_equivalence.py compares the two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import repeat, zip_longest
from operator import itemgetter
from typing import Any

import numpy as np

from collectors.files.import_report import REQUIRED, too_long
from collectors.files.time_cells import Ints, TimeColumns
from collectors.files.values import BadValue, VocabularyLookup, parse_size_gb, parse_text
from collectors.tickets.columns import REQUIRED_FIELDS, TIME_FIELDS, label
from monitor.contract.model import Contract
from monitor.domain.instants import MISSING
from monitor.domain.message import Message
from monitor.domain.text import CONTROL, control_problem
from monitor.storage.tickets import TEXT_LIMITS, ticket_row_fields

Parser = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class CellProblem:
    """A problem of one cell (or of a required field left empty), before it has its line."""

    column: str
    reason: Message


@dataclass
class ParsedRun:
    """One run of rows: per row, its ticket id, its problems (None: none) and its values, in
    the order of `fields`, ready to bind (timestamps as the parser's `bind_times` made them)."""

    ids: list[str | None]
    problems: list[list[CellProblem] | None]
    rows: list[tuple[Any, ...]]


class ColumnParser:
    """Parses runs of rows of one file: the columns it has (header → field), one contract."""

    def __init__(
        self,
        columns: dict[str, str],
        contract: Contract,
        source: str,
        bind_times: Callable[[Ints], list[Any]],
    ) -> None:
        """`bind_times` turns a column of µs (MISSING for none) into what the rows carry
        (monitor.storage.tickets.ticket_time_binding for the database written to)."""
        self.fields = ticket_row_fields(["source", *columns.values()])
        self._columns = columns
        self._source = source
        self._times = TimeColumns(contract.zone)
        self._bind_times = bind_times
        self._empty_times: dict[str, list[int]] = {}  # of the run being parsed
        self._by_value: dict[str, Parser] = {
            "kind": VocabularyLookup.of("kind", contract.kinds),
            "severity": VocabularyLookup.of("severity", contract.severities),
            "restore_size_gb": parse_size_gb,
        }

    def parse(self, records: Sequence[dict[str, Any]]) -> ParsedRun:
        """The rows' cells (header → cell); give a row that is broken as a whole as `blank`."""
        return self._parse(_cells(records, self._columns), len(records))

    def parse_lists(self, rows: Sequence[list[Any]], headers: list[str]) -> ParsedRun:
        """The rows' cells as lists in the order of `headers` (a short row lacks the last)."""
        by_place = list(zip_longest(*rows))
        places = [headers.index(header) for header in self._columns]  # each header is once
        missing = [None] * len(rows)
        cells = [by_place[place] if place < len(by_place) else missing for place in places]
        return self._parse(cells, len(rows))

    def _parse(self, cells_by_column: Sequence[Sequence[Any]], count: int) -> ParsedRun:
        values: dict[str, list[Any]] = {}
        bad_cells: dict[str, dict[int, Message]] = {}
        found: list[list[CellProblem] | None] = [None] * count
        for name, cells in zip(self._columns.values(), cells_by_column, strict=True):
            column, bad = self._column(name, cells)
            longest = TEXT_LIMITS.get(name)
            if longest is not None:
                for i in _too_long(column, longest):  # kept as read, like the per-cell path
                    bad.setdefault(i, too_long(len(column[i]), longest))
            where = label(name)
            for i in sorted(bad):
                _add(found, i, CellProblem(where, bad[i]))
            values[name], bad_cells[name] = column, bad
        for name in REQUIRED_FIELDS:
            where, bad = label(name), bad_cells.get(name, {})
            empty = self._empty_times.get(name) if name in TIME_FIELDS else None
            for i in _empty(values.get(name), count) if empty is None else empty:
                if i not in bad:
                    _add(found, i, CellProblem(where, REQUIRED))
        ids = values.get("ticket_id", [None] * count)  # the text even when too long
        named = [values.get(name, [None] * count) for name in self.fields[1:]]
        rows = list(zip(repeat(self._source, count), *named, strict=True))
        return ParsedRun(ids, found, rows)

    @property
    def blank(self) -> dict[str, Any]:
        """A row with no cells, to stand in for one that is broken as a whole."""
        return dict.fromkeys(self._columns)

    def _column(self, name: str, cells: Sequence[Any]) -> tuple[list[Any], dict[int, Message]]:
        """The column's values (None where empty or bad; timestamps as bound) and index →
        reason for its bad cells."""
        if name in TIME_FIELDS:
            moments, bad = self._times.parse(cells)
            self._empty_times[name] = np.flatnonzero(moments == MISSING).tolist()
            return self._bind_times(moments), bad
        parse = self._by_value.get(name)
        if parse is not None:
            return _by_distinct_cell(cells, parse)
        if name == "ticket_id":
            return _ids(cells)
        return _texts(cells)


def _cells(records: Sequence[dict[str, Any]], columns: dict[str, str]) -> list[Any]:
    """The cells of each header in `columns`, a column at a time (None where a row has none)."""
    if not records:
        return [[] for _ in columns]
    # A short row (fewer cells than headers) lacks the last headers: those are read with get.
    everywhere = set(records[0]).intersection(*records[1:])
    whole = [header for header in columns if header in everywhere]
    found: dict[str, Any] = {}
    if len(whole) == 1:  # itemgetter of one header gives the cell itself
        found[whole[0]] = [record[whole[0]] for record in records]
    elif whole:
        rows = list(map(itemgetter(*whole), records))
        found.update(zip(whole, zip(*rows, strict=True), strict=True))
    return [
        found[header] if header in found else [record.get(header) for record in records]
        for header in columns
    ]


def _add(found: list[list[CellProblem] | None], i: int, problem: CellProblem) -> None:
    problems = found[i]
    if problems is None:
        found[i] = [problem]
    else:
        problems.append(problem)


def _empty(column: list[Any] | None, count: int) -> list[int]:
    """Where a column of values is empty (None; all rows when the file lacks the column)."""
    if column is None:
        return list(range(count))
    if None not in column:
        return []
    return [i for i, value in enumerate(column) if value is None]


def _too_long(column: list[Any], longest: int) -> list[int]:
    if max(map(len, filter(None, column)), default=0) <= longest:  # texts or None
        return []
    return [i for i, value in enumerate(column) if value is not None and len(value) > longest]


def _texts(cells: Sequence[Any]) -> tuple[list[Any], dict[int, Message]]:
    """parse_text over a column: one pass when every cell is text (or missing)."""
    kinds = set(map(type, cells))
    if kinds <= {str}:
        return [cell.strip() or None for cell in cells], {}
    if kinds <= {str, type(None)}:
        return [None if cell is None else cell.strip() or None for cell in cells], {}
    return _each_cell(cells, parse_text)


def _ids(cells: Sequence[Any]) -> tuple[list[Any], dict[int, Message]]:
    """parse_id over a column: the texts, each id with a control character marked bad (and
    kept as read, like a too long one, so that its problems name it)."""
    column, bad = _texts(cells)
    if CONTROL.search("".join(filter(None, column))) is None:  # one scan for the usual file
        return column, bad
    for i, text in enumerate(column):
        problem = control_problem(text) if text is not None and i not in bad else None
        if problem is not None:
            bad[i] = problem
    return column, bad


def _by_distinct_cell(cells: Sequence[Any], parse: Parser) -> tuple[list[Any], dict[int, Message]]:
    """`parse` once per distinct cell when every cell is text (or missing), else per cell."""
    if not set(map(type, cells)) <= {str, type(None)}:
        return _each_cell(cells, parse)
    outcomes: dict[Any, Any] = {}
    failed = False
    for cell in set(cells):
        try:
            outcomes[cell] = parse(cell)
        except BadValue as error:
            outcomes[cell] = error
            failed = True
    values = [outcomes[cell] for cell in cells]
    bad: dict[int, Message] = {}
    if failed:
        for i, value in enumerate(values):
            if isinstance(value, BadValue):
                bad[i] = value.message
                values[i] = None
    return values, bad


def _each_cell(cells: Sequence[Any], parse: Parser) -> tuple[list[Any], dict[int, Message]]:
    values: list[Any] = []
    bad: dict[int, Message] = {}
    for i, cell in enumerate(cells):
        try:
            values.append(parse(cell))
        except BadValue as error:
            values.append(None)
            bad[i] = error.message
    return values, bad
