"""工单 search: one box over any field or a chosen one, filters, pagination — all in SQL."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, and_, exists, false, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from monitor import clock
from monitor.domain.tickets import Status
from monitor.domain.viewer import Viewer
from monitor.storage.access import ticket_scope
from monitor.storage.as_of import status_as_of, status_in
from monitor.storage.tables import TargetResultRow, TicketRow, WaiverRow
from monitor.storage.text_match import contains_text
from monitor.views.paging import Page, bounded

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
WAIVER = WaiverRow.__table__  # type: ignore[attr-defined]
VIOLATIONS = [status.value for status in Status if status.is_violation]
# The text fields a search can name; "any" searches them all.
SEARCH_FIELDS = ("ticket_id", "system", "user_unit", "title", "operator", "pool", "source")
STATES = ("any", "open", "closed", "violated", "waived")
FEW_MATCHES = 5_000  # a text search matching at most this many is read whole in one pass


@dataclass(frozen=True, slots=True)
class TicketQuery:
    """What the 工单 page asks for; every value reaches SQL as a bound parameter."""

    text: str = ""
    field: str = "any"  # "any" or one of SEARCH_FIELDS
    pools: tuple[str, ...] = ()
    operators: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    severities: tuple[str, ...] = ()
    state: str = "any"  # one of STATES
    reported_from: datetime | None = None
    reported_before: datetime | None = None
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True, slots=True)
class TicketLine:
    pk: int
    source: str
    ticket_id: str
    kind: str
    severity: str | None
    pool: str | None
    operator: str | None
    user_unit: str | None
    system: str | None
    title: str | None
    reported_at: datetime
    closed_at: datetime | None
    violations: int = 0
    waived: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def _text_filter(query: TicketQuery) -> ColumnElement[bool] | None:
    text = query.text.strip()
    if not text:
        return None
    if query.field != "any" and query.field not in SEARCH_FIELDS:
        raise ValueError(f"unknown search field '{query.field}'")
    names = SEARCH_FIELDS if query.field == "any" else (query.field,)
    if "\x00" in text:
        # No stored text holds a NUL; SQLite would cut the pattern there (matching everything)
        # and PostgreSQL would refuse it.
        return false()
    return or_(*(contains_text(TICKET.c[name], text) for name in names))


def _has_result(*conditions: Any) -> ColumnElement[bool]:
    # The tickets of the qualifying results rather than EXISTS per ticket: the results are
    # found once through the status index, where EXISTS probes them for every ticket (a
    # million probes for a million tickets, at twice the time).
    found: ColumnElement[bool] = TICKET.c.id.in_(select(RESULT.c.ticket_pk).where(*conditions))
    return found


def _state_filter(state: str, now: datetime) -> ColumnElement[bool] | None:
    if state not in STATES:
        raise ValueError(f"unknown state '{state}'")
    closed: ColumnElement[bool] = TICKET.c.closed_at.is_not(None)
    if state == "open":
        return ~closed
    if state == "closed":
        return closed
    if state == "violated":
        return _has_result(status_in(now, VIOLATIONS))
    if state == "waived":
        return exists().where(WAIVER.c.ticket_pk == TICKET.c.id, WAIVER.c.revoked_at.is_(None))
    return None


def ticket_filters(viewer: Viewer, query: TicketQuery, now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a query: the viewer's scope first, then what was asked (violated:
    as of `now`)."""
    clauses = [ticket_scope(viewer)]
    for column, wanted in (
        ("pool", query.pools),
        ("operator", query.operators),
        ("kind", query.kinds),
        ("severity", query.severities),
    ):
        if wanted:
            clauses.append(TICKET.c[column].in_(list(wanted)))
    if query.reported_from is not None:
        clauses.append(TICKET.c.reported_at >= query.reported_from)
    if query.reported_before is not None:
        clauses.append(TICKET.c.reported_at < query.reported_before)
    clauses += [c for c in (_text_filter(query), _state_filter(query.state, now)) if c is not None]
    return clauses


def search_tickets(
    engine: Engine, viewer: Viewer, query: TicketQuery, now: datetime | None = None
) -> Page[TicketLine]:
    """One page of matching tickets, newest first, with their violation and waiver counts as of
    `now` (None: the clock's now)."""
    now = now or clock.now()
    limit, offset = bounded(query.page, query.page_size)
    where = and_(*ticket_filters(viewer, query, now))
    columns = [TICKET.c[name] for name in TicketLine.__dataclass_fields__ if name in TICKET.c]
    rows_query = (
        select(TICKET.c.id.label("pk"), *columns)
        .where(where)
        .order_by(TICKET.c.reported_at.desc(), TICKET.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    with engine.connect() as connection:
        few = _few_matches(connection, where, query) if query.text.strip() else None
        if few is None:
            total = connection.execute(
                select(func.count()).select_from(TICKET).where(where)
            ).scalar_one()
            rows = [row._asdict() for row in connection.execute(rows_query)]
        else:
            total = len(few)
            newest_first = sorted(few, reverse=True)  # as the SQL orders: reported, then id
            page = [pk for _, pk in newest_first[offset : offset + limit]]
            rows = _rows_in_order(connection, columns, page)
        pks = [row["pk"] for row in rows]
        statuses = _status_counts(connection, pks, now)
        waived = _waived_counts(connection, pks)
    lines = []
    for row in rows:
        counts = statuses.get(row["pk"], {})
        lines.append(
            TicketLine(
                **row,
                violations=sum(counts.get(status, 0) for status in VIOLATIONS),
                waived=waived.get(row["pk"], 0),
                statuses=counts,
            )
        )
    return Page(lines, total, max(1, query.page), limit)


def _few_matches(
    connection: Any, where: ColumnElement[bool], query: TicketQuery
) -> list[tuple[datetime, int]] | None:
    """Every match's (reported_at, id) when a text search matches at most FEW_MATCHES
    tickets, from one pass over the table; None when it matches more. A rare text (a ticket
    id) then costs one scan, not a count's scan and the newest-first walk of every ticket that
    looks for its page; a common one stops early and pages by the index as before."""
    found = connection.execute(
        select(TICKET.c.id, TICKET.c.reported_at).where(where).limit(FEW_MATCHES + 1)
    ).all()
    if len(found) > FEW_MATCHES:
        return None
    return [(reported, pk) for pk, reported in found]


def _rows_in_order(connection: Any, columns: list[Any], pks: list[int]) -> list[dict[str, Any]]:
    """The tickets of `pks`, in that order."""
    if not pks:
        return []
    query = select(TICKET.c.id.label("pk"), *columns).where(TICKET.c.id.in_(pks))
    by_pk = {row.pk: row._asdict() for row in connection.execute(query)}
    return [by_pk[pk] for pk in pks]


def _status_counts(connection: Any, pks: list[int], now: datetime) -> dict[int, dict[str, int]]:
    if not pks:
        return {}
    as_of = status_as_of(now)
    query = (
        select(RESULT.c.ticket_pk, as_of, func.count())
        .where(RESULT.c.ticket_pk.in_(pks))
        .group_by(RESULT.c.ticket_pk, as_of)
    )
    counts: dict[int, dict[str, int]] = {}
    for pk, status, count in connection.execute(query):
        counts.setdefault(pk, {})[status] = count
    return counts


def _waived_counts(connection: Any, pks: list[int]) -> dict[int, int]:
    if not pks:
        return {}
    query = (
        select(WAIVER.c.ticket_pk, func.count())
        .where(WAIVER.c.ticket_pk.in_(pks), WAIVER.c.revoked_at.is_(None))
        .group_by(WAIVER.c.ticket_pk)
    )
    return {pk: count for pk, count in connection.execute(query)}


def filter_choices(engine: Engine, viewer: Viewer) -> dict[str, list[str]]:
    """The pools and operators present among the viewer's tickets (kinds and severities are
    the contract's vocabulary)."""
    choices: dict[str, list[str]] = {}
    with engine.connect() as connection:
        for name in ("pool", "operator"):
            column = TICKET.c[name]
            query = (
                select(column)
                .where(ticket_scope(viewer), column.is_not(None))
                .group_by(column)
                .order_by(column)
            )
            choices[name] = list(connection.execute(query).scalars())
    return choices
