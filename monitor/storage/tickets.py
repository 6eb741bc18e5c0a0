"""Set-based reads and writes of tickets: one statement per batch, never one per ticket."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, false, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from monitor.domain import HISTORY_FIELDS, Pause, SeverityChange, Ticket
from monitor.storage.tables import TicketHistoryRow, TicketRow

TICKET_TABLE = TicketRow.__table__  # type: ignore[attr-defined]
HISTORY_TABLE = TicketHistoryRow.__table__  # type: ignore[attr-defined]
# The ticket fields a source can set; everything but bookkeeping columns. The histories
# (pauses …) come last in Ticket and live in ticket_history.
TICKET_FIELDS: tuple[str, ...] = tuple(
    field.name for field in fields(Ticket) if field.name not in HISTORY_FIELDS
)
_KEY = ("source", "ticket_id")
# Bounded text columns and their sizes: a longer value is a bad row, not a failed import.
TEXT_LIMITS: dict[str, int] = {
    column.name: column.type.length
    for column in TICKET_TABLE.columns
    if getattr(column.type, "length", None)
}
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class UpsertCounts:
    inserted: int
    updated: int
    unchanged: int


def upsert_tickets(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    columns: Iterable[str],
    now: datetime,
) -> UpsertCounts:
    """Insert new tickets and update changed ones, keyed by (source, ticket_id).

    `columns` are the fields the input actually carries: those overwrite the stored values
    (an empty cell clears one), the others are left as they were. A row equal to what is
    stored changes nothing, not even updated_at, so importing a file twice is a no-op.
    """
    carried = [name for name in TICKET_FIELDS if name in set(columns) and name not in _KEY]
    # One row per key, the last one winning: a multi-row upsert may not touch a row twice.
    unique = list({(row["source"], row["ticket_id"]): row for row in rows}.values())
    if not unique:
        return UpsertCounts(0, 0, 0)
    existing = _existing_keys(connection, {(row["source"], row["ticket_id"]) for row in unique})
    statement = _insert_for(connection)(TICKET_TABLE)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=list(_KEY),
        set_={**{name: excluded[name] for name in carried}, "updated_at": excluded.updated_at},
        where=or_(*(TICKET_TABLE.c[name].is_distinct_from(excluded[name]) for name in carried))
        if carried
        else false(),
    ).returning(TICKET_TABLE.c.id)
    # Every row needs every carried column; absent ones stay out of the statement entirely.
    stamp = {"created_at": now, "updated_at": now}
    payload = [{**{name: row.get(name) for name in (*_KEY, *carried)}, **stamp} for row in unique]
    written = 0
    for offset in range(0, len(payload), _BATCH):
        # RETURNING yields a row only for tickets inserted or actually changed; rowcount of an
        # executemany is not reliable across drivers.
        written += len(connection.execute(statement, payload[offset : offset + _BATCH]).all())
    inserted = len(unique) - len(existing)
    return UpsertCounts(inserted, written - inserted, len(unique) - written)


def _insert_for(connection: Connection) -> Any:
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


def _existing_keys(connection: Connection, keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    found: set[tuple[str, str]] = set()
    by_source: dict[str, list[str]] = {}
    for source, ticket_id in keys:
        by_source.setdefault(source, []).append(ticket_id)
    key_columns = (TICKET_TABLE.c.source, TICKET_TABLE.c.ticket_id)
    for source, ticket_ids in by_source.items():
        for offset in range(0, len(ticket_ids), _BATCH):
            chunk = ticket_ids[offset : offset + _BATCH]
            query = select(*key_columns).where(
                TICKET_TABLE.c.source == source, TICKET_TABLE.c.ticket_id.in_(chunk)
            )
            found.update((row.source, row.ticket_id) for row in connection.execute(query))
    return found


@dataclass(frozen=True, slots=True)
class StoredTickets:
    """Tickets as domain objects, with the database key of each for writing results back."""

    tickets: list[Ticket]
    primary_keys: dict[tuple[str, str], int]


def load_tickets(
    engine: Engine | Connection,
    *,
    kinds: Sequence[str] | None = None,
    reported_from: datetime | None = None,
    reported_before: datetime | None = None,
    ids: Sequence[int] | None = None,
) -> StoredTickets:
    """Every stored ticket, or those of some kinds reported in [from, before), in one query.

    `ids` (database keys, at most a few thousand) narrows it to those tickets.
    """
    query = select(TICKET_TABLE.c.id, *(TICKET_TABLE.c[name] for name in TICKET_FIELDS))
    if kinds is not None:
        query = query.where(TICKET_TABLE.c.kind.in_(list(kinds)))
    if reported_from is not None:
        query = query.where(TICKET_TABLE.c.reported_at >= reported_from)
    if reported_before is not None:
        query = query.where(TICKET_TABLE.c.reported_at < reported_before)
    if ids is not None:
        query = query.where(TICKET_TABLE.c.id.in_(list(ids)))
    query = query.order_by(TICKET_TABLE.c.id)
    tickets: list[Ticket] = []
    keys: dict[tuple[str, str], int] = {}
    with _connected(engine) as connection:
        # One more query for the pauses, reopens and severity changes, grouped by ticket.
        histories = _histories(connection, query.whereclause)
        for row in connection.execute(query):
            values = tuple(row)
            ticket = Ticket(*values[1:])
            if values[0] in histories:
                ticket = replace(ticket, **histories[values[0]])
            tickets.append(ticket)
            keys[(ticket.source, ticket.ticket_id)] = values[0]
    return StoredTickets(tickets, keys)


def _histories(connection: Connection, where: Any) -> dict[int, dict[str, Any]]:
    """ticket pk → {pauses, severity_changes, reopens} for the chosen tickets with a history."""
    history = HISTORY_TABLE
    query = select(history.c.ticket_pk, history.c.kind, history.c.start, history.c.end)
    query = query.add_columns(history.c.value).order_by(history.c.id)
    if where is not None:
        chosen = select(TICKET_TABLE.c.id).where(where)
        query = query.where(history.c.ticket_pk.in_(chosen.scalar_subquery()))
    grouped: dict[int, dict[str, list[Any]]] = {}
    for ticket_pk, kind, start, end, value in connection.execute(query):
        lists = grouped.setdefault(ticket_pk, {name: [] for name in HISTORY_FIELDS})
        if kind == "pause":
            lists["pauses"].append(Pause(start, end, value))
        elif kind == "severity":
            lists["severity_changes"].append(SeverityChange(start, value))
        elif kind == "reopen":
            lists["reopens"].append(start)
    return {
        pk: {name: tuple(items) for name, items in lists.items()} for pk, lists in grouped.items()
    }


class _connected:
    """Use a given connection as it is, or open (and close) one from an engine."""

    def __init__(self, bind: Engine | Connection) -> None:
        self._bind = bind
        self._opened: Connection | None = None

    def __enter__(self) -> Connection:
        if isinstance(self._bind, Connection):
            return self._bind
        self._opened = self._bind.connect()
        return self._opened

    def __exit__(self, *_exc: object) -> None:
        if self._opened is not None:
            self._opened.close()
