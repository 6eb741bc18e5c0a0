"""The API's reads: tickets and target results with filters, in keyset pages (by id)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, or_, select

from monitor.domain.viewer import Viewer
from monitor.storage.access import ticket_scope
from monitor.storage.as_of import (
    overdue_as_of,
    status_as_of,
    status_in,
    status_since_as_of,
)
from monitor.storage.results import RESULT_TABLE
from monitor.storage.tickets import TICKET_FIELDS, TICKET_TABLE

R, T = RESULT_TABLE, TICKET_TABLE


@dataclass(frozen=True, slots=True)
class TicketFilter:
    source: str | None = None
    pool: str | None = None
    operator: str | None = None
    kind: str | None = None
    severity: str | None = None
    open: bool | None = None  # closed_at unset
    text: str | None = None  # part of the ticket id or title
    reported_from: datetime | None = None
    reported_before: datetime | None = None


def _ticket_conditions(f: TicketFilter) -> list[Any]:
    conditions: list[Any] = []
    for name in ("source", "pool", "operator", "kind", "severity"):
        value = getattr(f, name)
        if value is not None:
            conditions.append(T.c[name] == value)
    if f.open is not None:
        conditions.append(T.c.closed_at.is_(None) if f.open else T.c.closed_at.is_not(None))
    if f.text:
        # The user's own %, _ and backslash are matched as themselves, not as wildcards.
        text = f.text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        pattern = f"%{text}%"
        conditions.append(
            or_(
                T.c.ticket_id.like(pattern, escape="\\"),
                T.c.title.like(pattern, escape="\\"),
            )
        )
    if f.reported_from is not None:
        conditions.append(T.c.reported_at >= f.reported_from)
    if f.reported_before is not None:
        conditions.append(T.c.reported_at < f.reported_before)
    return conditions


def list_tickets(
    engine: Engine, f: TicketFilter, after: int, limit: int, viewer: Viewer
) -> list[Any]:
    """Up to `limit` tickets `viewer` may see with an id above `after`, in id order."""
    fields = [name for name in TICKET_FIELDS if name in T.c]
    query = (
        select(T.c.id, *(T.c[name] for name in fields))
        .where(T.c.id > after, ticket_scope(viewer), *_ticket_conditions(f))
        .order_by(T.c.id)
        .limit(limit)
    )
    with engine.connect() as connection:
        return list(connection.execute(query))


def list_results(
    engine: Engine,
    f: TicketFilter,
    statuses: Sequence[str],
    target: str | None,
    open_clock: bool | None,
    after: int,
    limit: int,
    viewer: Viewer,
    *,
    now: datetime,
) -> list[Any]:
    """Target results (with their ticket's keys and owners) of the given statuses as of `now`,
    of the tickets `viewer` may see, by id."""
    query = (
        select(
            R.c.id,
            T.c.source,
            T.c.ticket_id,
            T.c.pool,
            T.c.operator,
            T.c.kind,
            T.c.severity,
            R.c.target_id,
            status_as_of(now).label("status"),
            R.c.start,
            R.c.deadline,
            R.c.stop,
            overdue_as_of(now).label("overdue_seconds"),
            status_since_as_of(now).label("status_since"),
        )
        .select_from(R.join(T, T.c.id == R.c.ticket_pk))
        .where(
            R.c.id > after,
            status_in(now, statuses),
            ticket_scope(viewer),
            *_ticket_conditions(f),
        )
        .order_by(R.c.id)
        .limit(limit)
    )
    if target is not None:
        query = query.where(R.c.target_id == target)
    if open_clock is not None:
        query = query.where(R.c.stop.is_(None) if open_clock else R.c.stop.is_not(None))
    with engine.connect() as connection:
        return list(connection.execute(query))
