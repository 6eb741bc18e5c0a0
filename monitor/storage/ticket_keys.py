"""Stored tickets looked up by key: some of one source's ticket ids.

On PostgreSQL each id is looked up by itself in the (source, ticket_id) index. Given the ids in
one IN list, the planner weighs one index descent per id against reading every stored ticket of
the source and filtering; while its statistics have not seen a source's rows (a new source, or
many tickets stored since the table was last analysed) it expects none and reads them all:
1.9 ms for 20 ids among 5,000 tickets of the source, against 0.09 ms each id alone, and growing
with every ticket the source stores. The statement's text is the same for any number of ids,
so the driver and the server prepare it once, and it goes to the driver directly: every API
batch runs it twice, and SQLAlchemy's work on a statement costs more than the lookup.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Connection, select

from monitor.storage.tickets import TICKET_TABLE

T = TICKET_TABLE


def tickets_by_key(
    connection: Connection,
    columns: Sequence[str],
    source: str,
    ticket_ids: Sequence[str],
    *,
    locked: bool = False,
) -> list[tuple[Any, ...]]:
    """The `columns` of `source`'s stored tickets among `ticket_ids`, a tuple each, in the
    order of the ids on PostgreSQL. `locked`: FOR NO KEY UPDATE, each row as it is found
    (pass the ids sorted to lock them in key order)."""
    if connection.dialect.name != "postgresql":
        query = select(*(T.c[name] for name in columns)).where(
            T.c.source == source, T.c.ticket_id.in_(list(ticket_ids))
        )
        if locked:
            query = query.with_for_update(key_share=True)
        return [tuple(row) for row in connection.execute(query)]
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor:
        cursor.execute(_by_key_sql(tuple(columns), locked), (list(ticket_ids), source))
        return list(cursor)


@cache
def _by_key_sql(columns: tuple[str, ...], locked: bool) -> str:
    # OFFSET 0 keeps the subquery from being merged into a join the planner may reorder.
    listed = ", ".join(f"found.{name}" for name in columns)
    inner = ", ".join(f"ticket.{name}" for name in columns)
    lock = " FOR NO KEY UPDATE" if locked else ""
    return (
        f"SELECT {listed} FROM unnest(%s::text[]) AS wanted (ticket_id) "
        f"CROSS JOIN LATERAL (SELECT {inner} FROM ticket WHERE ticket.source = %s "
        f"AND ticket.ticket_id = wanted.ticket_id OFFSET 0{lock}) AS found"
    )
