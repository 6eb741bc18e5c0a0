"""Stored tickets looked up by key: some of one source's ticket ids.

On PostgreSQL each id is looked up by itself in the (source, ticket_id) index. Given the ids in
one IN list, the planner weighs one index descent per id against reading every stored ticket of
the source and filtering; while its statistics have not seen a source's rows (a new source, or
many tickets stored since the table was last analysed) it expects none and reads them all:
1.9 ms for 20 ids among 5,000 tickets of the source, against 0.09 ms each id alone, and growing
with every ticket the source stores.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ARRAY, Select, String, bindparam, func, select, true

from monitor.storage.tickets import TICKET_TABLE

T = TICKET_TABLE


def tickets_by_key(
    dialect: str,
    columns: Sequence[str],
    source: str,
    ticket_ids: Sequence[str],
    *,
    locked: bool = False,
) -> Select[Any]:
    """SELECT `columns` of `source`'s stored tickets among `ticket_ids`, in the order of the
    ids on PostgreSQL. `locked`: FOR NO KEY UPDATE, each row as it is found (pass the ids
    sorted to lock them in key order)."""
    if dialect != "postgresql":
        query = select(*(T.c[name] for name in columns)).where(
            T.c.source == source, T.c.ticket_id.in_(list(ticket_ids))
        )
        return query.with_for_update(key_share=True) if locked else query
    ids = (
        func.unnest(bindparam("ticket_ids", list(ticket_ids), type_=ARRAY(String)))
        .table_valued("ticket_id")
        .render_derived(name="wanted")
    )
    # OFFSET 0 keeps the subquery from being merged into a join the planner may reorder.
    one = (
        select(*(T.c[name] for name in columns))
        .where(T.c.source == source, T.c.ticket_id == ids.c.ticket_id)
        .offset(0)
    )
    if locked:
        one = one.with_for_update(key_share=True)
    found = one.lateral("found")
    return select(*found.c).select_from(ids).join(found, true())
