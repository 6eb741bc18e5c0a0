"""Tickets read as columns for the vector rules: timestamps straight into int64 arrays.

No Ticket object is built per row: SQLite's UTCDateTime text ("YYYY-MM-DD HH:MM:SS.ffffff",
UTC) is parsed by NumPy, PostgreSQL hands over whole microseconds since the epoch. A Ticket is
made only when someone reads one (`TicketView`), e.g. the alert planner for a ticket it alerts
on, and for the few tickets with a history, which the scalar rules evaluate.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, overload

import numpy as np
from sqlalchemy import BigInteger, Connection, Engine, String, cast, func, select, type_coerce

from monitor.batch_evaluation import ResultList, evaluate_all, paused_gc
from monitor.batch_rules import MISSING, TicketColumns, from_us, to_us
from monitor.calendar import BusinessCalendar
from monitor.contract import Contract
from monitor.domain import EVENT_FIELDS, Ticket
from monitor.storage.tickets import (
    TICKET_FIELDS,
    TICKET_TABLE,
    StoredTickets,
    _connected,
    _histories,
)

_CHUNK = 50_000
_TEXT = [name for name in TICKET_FIELDS if name not in EVENT_FIELDS and name != "restore_size_gb"]


@dataclass(frozen=True, slots=True)
class LoadedColumns:
    """The chosen tickets in database-key order: rules columns plus what rebuilds a Ticket."""

    pks: np.ndarray[Any, np.dtype[np.int64]]
    columns: TicketColumns
    text: dict[str, list[Any]]  # ticket_id, kind, severity, source, pool, … per ticket
    histories: dict[int, dict[str, Any]]  # row → {pauses, severity_changes, reopens}
    _tickets: dict[int, Ticket] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.pks)

    def ticket(self, row: int) -> Ticket:
        made = self._tickets.get(row)
        if made is None:
            values: dict[str, Any] = {name: self.text[name][row] for name in _TEXT}
            for name in EVENT_FIELDS:
                value = int(self.columns.events[name][row])
                values[name] = None if value == MISSING else from_us(value)
            size = float(self.columns.restore_size_gb[row])
            values["restore_size_gb"] = None if np.isnan(size) else size
            made = self._tickets[row] = Ticket(**values, **self.histories.get(row, {}))
        return made

    def keys(self) -> list[tuple[str, str]]:
        return list(zip(self.text["source"], self.text["ticket_id"], strict=True))

    def stored(self) -> StoredTickets:
        """The StoredTickets form (for on_stored hooks): tickets and keys made on first use."""
        return StoredTickets(TicketView(self), KeyIndex(self))

    def evaluate(self, contract: Contract, calendar: BusinessCalendar, now: datetime) -> ResultList:
        with_history = {row: self.ticket(row) for row in self.histories}
        found = evaluate_all(self.columns, with_history, contract, calendar, now)
        return ResultList(found, _LazyKeys(self), [target.id for target in contract.targets])


class TicketView(Sequence[Ticket]):
    def __init__(self, loaded: LoadedColumns) -> None:
        self._loaded = loaded

    def __len__(self) -> int:
        return len(self._loaded)

    @overload
    def __getitem__(self, index: int) -> Ticket: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Ticket]: ...

    def __getitem__(self, index: int | slice) -> Ticket | Sequence[Ticket]:
        if isinstance(index, slice):
            return [self._loaded.ticket(row) for row in range(len(self))[index]]
        return self._loaded.ticket(range(len(self))[index])

    def __iter__(self) -> Iterator[Ticket]:
        return (self._loaded.ticket(row) for row in range(len(self)))


class KeyIndex(Mapping[tuple[str, str], int]):
    """(source, ticket_id) → database key, built on first lookup."""

    def __init__(self, loaded: LoadedColumns) -> None:
        self._loaded = loaded
        self._index: dict[tuple[str, str], int] | None = None

    def _built(self) -> dict[tuple[str, str], int]:
        if self._index is None:
            self._index = dict(zip(self._loaded.keys(), self._loaded.pks.tolist(), strict=True))
        return self._index

    def __getitem__(self, key: tuple[str, str]) -> int:
        return self._built()[key]

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._built())

    def __len__(self) -> int:
        return len(self._loaded)


class _LazyKeys(Sequence[tuple[str, str]]):
    def __init__(self, loaded: LoadedColumns) -> None:
        self._loaded = loaded
        self._keys: list[tuple[str, str]] | None = None

    def __len__(self) -> int:
        return len(self._loaded)

    @overload
    def __getitem__(self, index: int) -> tuple[str, str]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, str]]: ...

    def __getitem__(self, index: int | slice) -> tuple[str, str] | Sequence[tuple[str, str]]:
        if self._keys is None:
            self._keys = self._loaded.keys()
        return self._keys[index]


def load_ticket_columns(
    engine: Engine | Connection, *, ids: Sequence[int] | None = None
) -> LoadedColumns:
    """Every stored ticket, or those with the given database keys, as columns (key order)."""
    with paused_gc():
        return _load(engine, ids)


def _load(engine: Engine | Connection, ids: Sequence[int] | None) -> LoadedColumns:
    table = TICKET_TABLE
    with _connected(engine) as connection:
        on_sqlite = connection.dialect.name == "sqlite"

        def timestamp(name: str) -> Any:
            column = table.c[name]
            if on_sqlite:
                return type_coerce(column, String).label(name)
            return cast(func.extract("epoch", column) * 1_000_000, BigInteger).label(name)

        query = select(
            table.c.id,
            *(table.c[name] for name in _TEXT),
            table.c.restore_size_gb,
            *(timestamp(name) for name in EVENT_FIELDS),
        ).order_by(table.c.id)
        if ids is not None:
            query = query.where(table.c.id.in_(list(ids)))
        histories = _histories(connection, query.whereclause)
        collected: list[list[Any]] = [[] for _ in range(2 + len(_TEXT) + len(EVENT_FIELDS))]
        result = connection.execute(query)
        while rows := result.fetchmany(_CHUNK):
            for values, column in zip(collected, zip(*rows, strict=True), strict=True):
                values.extend(column)
    pks = np.array(collected[0], dtype=np.int64)
    text = dict(zip(_TEXT, collected[1 : 1 + len(_TEXT)], strict=True))
    sizes = np.array(collected[1 + len(_TEXT)], dtype=np.float64)
    parse = parse_timestamps(on_sqlite)
    events = {
        name: parse(values)
        for name, values in zip(EVENT_FIELDS, collected[2 + len(_TEXT) :], strict=True)
    }
    groups: dict[tuple[str, str | None], int] = {}
    group = [
        groups.setdefault(pair, len(groups))
        for pair in zip(text["kind"], text["severity"], strict=True)
    ]
    row_of = {pk: row for row, pk in enumerate(collected[0])}
    by_row = {row_of[pk]: history for pk, history in histories.items() if pk in row_of}
    plain = np.ones(len(pks), dtype=bool)
    plain[list(by_row)] = False
    columns = TicketColumns(list(groups), np.array(group, dtype=np.intp), events, sizes, plain)
    return LoadedColumns(pks, columns, text, by_row)


def parse_timestamps(on_sqlite: bool) -> Callable[[list[Any]], np.ndarray[Any, np.dtype[np.int64]]]:
    """How a timestamp column selected as in load_ticket_columns becomes µs (MISSING: NULL)."""
    return _parse_text if on_sqlite else _whole_microseconds


def _whole_microseconds(values: list[int | None]) -> np.ndarray[Any, np.dtype[np.int64]]:
    return np.array([MISSING if value is None else value for value in values], dtype=np.int64)


def _parse_text(values: list[str | None]) -> np.ndarray[Any, np.dtype[np.int64]]:
    """UTCDateTime's SQLite text as µs; anything NumPy would not read exactly goes through
    datetime.fromisoformat, as UTCDateTime itself reads it."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            return np.array(values, dtype="datetime64[us]").view(np.int64)  # None → NaT
    except (ValueError, Warning):
        return np.array([MISSING if text is None else _read(text) for text in values], np.int64)


def _read(text: str) -> int:
    moment = datetime.fromisoformat(text)
    return to_us(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))
