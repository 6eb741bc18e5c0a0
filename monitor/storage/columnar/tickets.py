"""Tickets read as columns for the vector rules: timestamps straight into int64 arrays.

No Ticket object is built per row, and no Python object per value: the rules' columns (kind,
severity, the events) come packed, a chunk of rows per string (monitor.storage.columnar.packed). The
descriptive text (source, ticket_id, pool, title …) is read only when someone wants it: a
Ticket for the alert planner, a result's ticket_id for the CLI, the few tickets with a
history, which the scalar rules evaluate.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

import numpy as np
from sqlalchemy import Connection, Engine, select

from monitor.domain.columns import TicketColumns, paused_gc
from monitor.domain.instants import MISSING, from_us
from monitor.domain.tickets import EVENT_FIELDS, Ticket
from monitor.storage.columnar.packed import KEYS_PER_STATEMENT, Column, read_columns
from monitor.storage.connections import connected
from monitor.storage.tickets import TICKET_FIELDS, TICKET_TABLE, StoredTickets, _histories

Ints = np.ndarray[Any, np.dtype[np.int64]]
_GROUPED = ("kind", "severity")
_PLACED = ("pool", "operator")  # read as codes too: they pick each ticket's contract
_TEXT = [name for name in TICKET_FIELDS if name not in EVENT_FIELDS and name != "restore_size_gb"]
# Read on demand: what a Ticket carries besides the rules' columns.
_DESCRIBED = [name for name in _TEXT if name not in _GROUPED]


@dataclass(frozen=True, slots=True)
class LoadedColumns:
    """The chosen tickets in database-key order: rules columns plus what rebuilds a Ticket."""

    pks: Ints
    columns: TicketColumns
    histories: dict[int, dict[str, Any]]  # row → {pauses, severity_changes, reopens}
    descriptions: Descriptions
    _tickets: dict[int, Ticket] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.pks)

    def ticket(self, row: int) -> Ticket:
        made = self._tickets.get(row)
        if made is None:
            values: dict[str, Any] = self.descriptions.of(row)
            values.update(zip(_GROUPED, self.columns.groups[self.columns.group[row]], strict=True))
            for name in EVENT_FIELDS:
                value = int(self.columns.events[name][row])
                values[name] = None if value == MISSING else from_us(value)
            size = float(self.columns.restore_size_gb[row])
            values["restore_size_gb"] = None if np.isnan(size) else size
            made = self._tickets[row] = Ticket(**values, **self.histories.get(row, {}))
        return made

    def prepare(self, rows: Sequence[int]) -> None:
        """Read the text of these rows in bulk before making their tickets one by one (one
        query per ticket would cost seconds per thousand; a million took half an hour)."""
        if len(rows) > KEYS_PER_STATEMENT:
            self.descriptions.every(*_DESCRIBED)
        else:
            self.descriptions.prefetch(rows)

    def keys(self) -> list[tuple[str, str]]:
        text = self.descriptions.every("source", "ticket_id")
        return list(zip(text["source"], text["ticket_id"], strict=True))

    def stored(self) -> StoredTickets:
        """The StoredTickets form (for on_stored hooks): tickets and keys made on first use."""
        return StoredTickets(TicketView(self), KeyIndex(self))

    def tickets_with_history(self) -> dict[int, Ticket]:
        """row → Ticket of every ticket with a status history (the scalar rules judge them)."""
        self.descriptions.prefetch(sorted(self.histories))
        return {row: self.ticket(row) for row in self.histories}

    def lazy_keys(self) -> Sequence[tuple[str, str]]:
        """(source, ticket_id) per row, read from the database on first use."""
        return _LazyKeys(self)


class Descriptions:
    """The text columns of the loaded tickets, read by database key when first wanted.

    Read through `bind` (the engine, or the connection the columns came from); a key's source
    and ticket_id never change, and tickets are never deleted, so reading later is the same.
    """

    def __init__(self, bind: Engine | Connection, pks: Ints) -> None:
        self._bind = bind
        self._pks = pks
        self._every: dict[str, list[Any]] = {}
        self._rows: dict[int, dict[str, Any]] = {}

    def of(self, row: int) -> dict[str, Any]:
        if len(self._every) == len(_DESCRIBED):
            return {name: self._every[name][row] for name in _DESCRIBED}
        if row not in self._rows:
            self.prefetch([row])
        return dict(self._rows[row])

    def prefetch(self, rows: Sequence[int]) -> None:
        """Read the text of these rows (a few: tickets with a history, one ticket)."""
        wanted = [row for row in rows if row not in self._rows]
        if not wanted or len(self._every) == len(_DESCRIBED):
            return
        pks = self._pks[wanted].tolist()
        row_of = dict(zip(pks, wanted, strict=True))
        with connected(self._bind) as connection:
            for offset in range(0, len(pks), KEYS_PER_STATEMENT):
                chunk = pks[offset : offset + KEYS_PER_STATEMENT]
                query = _described_query(_DESCRIBED).where(TICKET_TABLE.c.id.in_(chunk))
                for values in connection.execute(query):
                    self._rows[row_of[values[0]]] = dict(zip(_DESCRIBED, values[1:], strict=True))
        _check_found(set(row_of.values()) - set(self._rows), self._pks)

    def every(self, *names: str) -> dict[str, list[Any]]:
        """These columns for every row."""
        missing = [name for name in names if name not in self._every]
        if missing:
            self._every.update(self._read_every(missing))
        return {name: self._every[name] for name in names}

    def _read_every(self, names: list[str]) -> dict[str, list[Any]]:
        with paused_gc(), connected(self._bind) as connection:
            if len(self._pks) <= KEYS_PER_STATEMENT:
                query = _described_query(names).where(TICKET_TABLE.c.id.in_(self._pks.tolist()))
            else:  # every ticket or nearly: one pass over the table, then keep the loaded ones
                query = _described_query(names)
            rows = connection.execute(query.order_by(TICKET_TABLE.c.id)).all()
        columns = list(zip(*rows, strict=True)) or [() for _ in range(len(names) + 1)]
        found = np.array(columns[0], dtype=np.int64)
        place = np.searchsorted(found, self._pks)
        place = np.minimum(place, max(len(found) - 1, 0))
        hit = found[place] == self._pks if len(found) else np.zeros(len(self._pks), dtype=bool)
        _check_found(set(np.nonzero(~hit)[0].tolist()), self._pks)
        if len(found) == len(self._pks):
            return {name: list(values) for name, values in zip(names, columns[1:], strict=True)}
        chosen = place.tolist()
        return {
            name: [values[i] for i in chosen]
            for name, values in zip(names, columns[1:], strict=True)
        }


def _described_query(names: Sequence[str]) -> Any:
    return select(TICKET_TABLE.c.id, *(TICKET_TABLE.c[name] for name in names))


def _check_found(missing_rows: set[int], pks: Ints) -> None:
    if missing_rows:
        keys = sorted(int(pks[row]) for row in missing_rows)[:5]
        raise LookupError(f"tickets {keys} were deleted while being evaluated")


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
            rows = range(len(self))[index]
            self._loaded.prepare(rows)
            return [self._loaded.ticket(row) for row in rows]
        return self._loaded.ticket(range(len(self))[index])

    def __iter__(self) -> Iterator[Ticket]:
        self._loaded.prepare(range(len(self)))
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
    engine: Engine | Connection, *, ids: Sequence[int] | None = None, places: bool = True
) -> LoadedColumns:
    """Every stored ticket, or those with the given database keys, as columns (key order).

    Without `places` the (pool, operator) codes are not read (no contract's scope needs them):
    every row is in one place, (None, None).
    """
    with paused_gc():
        return _load(engine, ids, places)


def _load(bind: Engine | Connection, ids: Sequence[int] | None, places: bool) -> LoadedColumns:
    table = TICKET_TABLE
    only = None if ids is None else ("id", list(ids))
    with connected(bind) as connection:
        coded = (*_GROUPED, *_PLACED) if places else _GROUPED
        vocabulary = _vocabulary(connection, only, coded)
        packed = read_columns(
            connection,
            table.name,
            [
                *(Column(name, "code", vocabulary=vocabulary[name]) for name in coded),
                *(Column(name, "time") for name in EVENT_FIELDS),
            ],
            only=only,
        )
        pks = packed.arrays["id"]
        sizes = _sizes(connection, pks, only)
        where = None if ids is None else table.c.id.in_(list(ids))
        histories = _histories(connection, where)
        descriptions = Descriptions(bind, pks)
        if ids is not None or isinstance(bind, Connection):  # a few, or no engine to go back to
            descriptions.every(*_DESCRIBED)
    groups, group = _pairs(packed, _GROUPED)
    if places:
        found_places, place = _pairs(packed, _PLACED)
    else:
        found_places, place = [(None, None)], np.zeros(len(pks), dtype=np.intp)
    row_of = {pk: row for row, pk in enumerate(pks.tolist())} if histories else {}
    by_row = {row_of[pk]: history for pk, history in histories.items() if pk in row_of}
    plain = np.ones(len(pks), dtype=bool)
    plain[list(by_row)] = False
    events = {name: packed.arrays[name] for name in EVENT_FIELDS}
    columns = TicketColumns(groups, group, events, sizes, plain, found_places, place)
    return LoadedColumns(pks, columns, by_row, descriptions)


def _pairs(packed: Any, names: tuple[str, str]) -> tuple[list[Any], Any]:
    """The distinct pairs of two code columns, and each row's place among them."""
    first, second = (packed.arrays[name] for name in names)
    width = len(packed.vocabulary[names[1]]) + 1
    codes, place = np.unique(first * width + second, return_inverse=True)
    pairs = [
        (packed.vocabulary[names[0]][code // width], packed.vocabulary[names[1]][code % width])
        for code in codes.tolist()
    ]
    return pairs, place.astype(np.intp)


def _none_first(value: str | None) -> tuple[bool, str]:
    return (value is not None, value or "")


def _vocabulary(
    connection: Connection, only: tuple[str, Sequence[int]] | None, names: Sequence[str]
) -> dict[str, list[str | None]]:
    """The distinct kinds, severities, pools and operators of the chosen tickets (each its own
    DISTINCT: kind's is read from its index, and the pairs' was several times slower than
    both)."""
    table = TICKET_TABLE
    found: dict[str, set[str | None]] = {name: set() for name in names}
    keys = None if only is None else list(only[1])
    for name in found:
        query = select(table.c[name]).distinct()
        if keys is None:
            found[name].update(connection.execute(query).scalars())
            continue
        for offset in range(0, len(keys), KEYS_PER_STATEMENT):
            chunk = keys[offset : offset + KEYS_PER_STATEMENT]
            found[name].update(connection.execute(query.where(table.c.id.in_(chunk))).scalars())
    return {name: sorted(values, key=_none_first) for name, values in found.items()}


def _sizes(connection: Connection, pks: Ints, only: tuple[str, Sequence[int]] | None) -> Any:
    """restore_size_gb per row, NaN where not recorded (few tickets have one)."""
    table = TICKET_TABLE
    query = select(table.c.id, table.c.restore_size_gb).where(table.c.restore_size_gb.is_not(None))
    rows: list[Any] = []
    if only is None:
        rows.extend(connection.execute(query).all())
    else:
        keys = list(only[1])
        for offset in range(0, len(keys), KEYS_PER_STATEMENT):
            chunk = keys[offset : offset + KEYS_PER_STATEMENT]
            rows.extend(connection.execute(query.where(table.c.id.in_(chunk))).all())
    sizes = np.full(len(pks), np.nan)
    if rows:
        found_pks, values = zip(*rows, strict=True)
        place = np.searchsorted(pks, np.array(found_pks, dtype=np.int64))
        inside = place < len(pks)
        place, kept = place[inside], np.array(values, dtype=np.float64)[inside]
        hit = pks[place] == np.array(found_pks, dtype=np.int64)[inside]
        sizes[place[hit]] = kept[hit]
    return sizes
