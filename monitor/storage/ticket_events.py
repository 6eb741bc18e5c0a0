"""Set-based reads and writes of status histories and the pauses, reopens and severity changes
derived from them: one statement per batch, never one per ticket."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, delete, insert, select

from monitor.storage.connections import dialect_insert
from monitor.storage.tables import TicketEventRow
from monitor.storage.ticket_keys import tickets_by_key
from monitor.storage.tickets import HISTORY_TABLE

EVENT_TABLE = TicketEventRow.__table__  # type: ignore[attr-defined]
_EVENT_KEY = ("source", "ticket_id", "at", "sequence")
_HISTORY_COLUMNS = ("kind", "start", "end", "value")
_BATCH = 5000


def _chunks(items: Sequence[Any]) -> Iterable[Sequence[Any]]:
    for offset in range(0, len(items), _BATCH):
        yield items[offset : offset + _BATCH]


def add_events(connection: Connection, events: Sequence[Mapping[str, Any]]) -> int:
    """Insert the events not stored yet; how many were new. A known event is left as it is.

    In key order, like the tickets' upserts (monitor.storage.tickets): two imports of
    overlapping histories then wait for each other's events in one order, never in a cycle."""
    statement = dialect_insert(connection)(EVENT_TABLE).on_conflict_do_nothing(
        index_elements=list(_EVENT_KEY)
    )
    statement = statement.returning(EVENT_TABLE.c.id)
    added = 0
    for chunk in _chunks(sorted(events, key=_event_key)):
        added += len(connection.execute(statement, list(chunk)).all())
    return added


def _event_key(event: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(event[name] for name in _EVENT_KEY)


def load_events(
    connection: Connection, source: str, ticket_ids: Sequence[str]
) -> dict[str, list[Any]]:
    """ticket_id → its stored events, rows with .at .sequence .status .severity .hold_reason."""
    columns = [EVENT_TABLE.c[name] for name in ("ticket_id", "at", "sequence", "status")]
    columns += [EVENT_TABLE.c.severity, EVENT_TABLE.c.hold_reason]
    found: dict[str, list[Any]] = {}
    for chunk in _chunks(list(ticket_ids)):
        query = select(*columns).where(
            EVENT_TABLE.c.source == source, EVENT_TABLE.c.ticket_id.in_(chunk)
        )
        for row in connection.execute(query):
            found.setdefault(row.ticket_id, []).append(row)
    return found


def ticket_keys(connection: Connection, source: str, ticket_ids: Sequence[str]) -> dict[str, int]:
    """ticket_id → database key, for the stored tickets of one source."""
    keys: dict[str, int] = {}
    for chunk in _chunks(list(ticket_ids)):
        keys.update(tickets_by_key(connection, ["ticket_id", "id"], source, chunk))
    return keys


def replace_histories(
    connection: Connection, source: str, histories: Mapping[str, Sequence[Mapping[str, Any]]]
) -> int:
    """Make each ticket's stored history equal the given one; how many tickets changed."""
    keys = ticket_keys(connection, source, list(histories))
    stored: dict[int, list[tuple[Any, ...]]] = {}
    columns = [HISTORY_TABLE.c.ticket_pk, *(HISTORY_TABLE.c[name] for name in _HISTORY_COLUMNS)]
    for chunk in _chunks(list(keys.values())):
        query = select(*columns).where(HISTORY_TABLE.c.ticket_pk.in_(chunk))
        for ticket_pk, *values in connection.execute(query.order_by(HISTORY_TABLE.c.id)):
            stored.setdefault(ticket_pk, []).append(tuple(values))
    changed: list[int] = []
    rows: list[dict[str, Any]] = []
    for ticket_id, history in histories.items():
        pk = keys.get(ticket_id)
        if pk is None:
            continue
        wanted = [tuple(item[name] for name in _HISTORY_COLUMNS) for item in history]
        if wanted != stored.get(pk, []):
            changed.append(pk)
            rows += [
                {"ticket_pk": pk, **dict(zip(_HISTORY_COLUMNS, item, strict=True))}
                for item in wanted
            ]
    changed.sort()  # deleted in ticket order, like every write of tickets
    for chunk in _chunks(changed):
        connection.execute(delete(HISTORY_TABLE).where(HISTORY_TABLE.c.ticket_pk.in_(chunk)))
    for chunk in _chunks(rows):
        connection.execute(insert(HISTORY_TABLE), list(chunk))
    return len(changed)
