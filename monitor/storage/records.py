"""Set-based upserts of imported records (inspections, survey replies) by their natural key."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Table, false, or_, select, tuple_

from monitor.storage.connections import dialect_insert
from monitor.storage.tickets import UpsertCounts

_BATCH = 2000


def upsert_records(
    connection: Connection,
    table: Table,
    key: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    carried: Sequence[str],
    now: datetime,
) -> UpsertCounts:
    """Insert new rows and update changed ones; a row equal to the stored one changes nothing.

    `carried` are the non-key columns the input has: they overwrite the stored values, the
    others are left as they were. Within `rows` the last row of a key wins.
    """
    by_key = {tuple(row[name] for name in key): row for row in rows}
    # In key order, like the tickets' upserts (monitor.storage.tickets): two imports that
    # write some of the same records lock them in one order and never wait in a cycle.
    unique = [by_key[found] for found in sorted(by_key, key=_sortable)]
    if not unique:
        return UpsertCounts(0, 0, 0)
    existing = _existing(connection, table, key, [tuple(row[n] for n in key) for row in unique])
    statement = dialect_insert(connection)(table)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=list(key),
        set_={**{name: excluded[name] for name in carried}, "updated_at": excluded.updated_at},
        where=or_(*(table.c[name].is_distinct_from(excluded[name]) for name in carried))
        if carried
        else false(),
    ).returning(table.c.id)
    stamp = {"created_at": now, "updated_at": now}
    payload = [{**{n: row.get(n) for n in (*key, *carried)}, **stamp} for row in unique]
    written = 0
    for offset in range(0, len(payload), _BATCH):
        written += len(connection.execute(statement, payload[offset : offset + _BATCH]).all())
    inserted = len(unique) - existing
    return UpsertCounts(inserted, written - inserted, len(unique) - written)


def _sortable(key: tuple[Any, ...]) -> tuple[tuple[bool, Any], ...]:
    """A key that sorts with empty parts (None) first."""
    return tuple((part is not None, part) for part in key)


def _existing(
    connection: Connection, table: Table, key: Sequence[str], keys: list[tuple[Any, ...]]
) -> int:
    columns = [table.c[name] for name in key]
    found = 0
    for offset in range(0, len(keys), _BATCH):
        chunk = keys[offset : offset + _BATCH]
        query = select(*columns).where(tuple_(*columns).in_(chunk))
        found += len(connection.execute(query).all())
    return found
