"""违约: every stored violation with its age, its waiver in force and its newest request or
appeal, filtered (a text search by ticket id or title among them) and paginated in SQL."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import Engine, and_, exists, false, func, or_, select

from monitor import clock
from monitor.domain.tickets import Status
from monitor.domain.viewer import Viewer
from monitor.storage.access import ticket_scope
from monitor.storage.as_of import overdue_as_of, status_as_of, status_in
from monitor.storage.tables import TargetResultRow, TicketRow, WaiverRow
from monitor.storage.text_match import contains_text
from monitor.storage.waiver_requests import REQUEST, WaiverRequest, latest_requests
from monitor.storage.waivers import active_waiver_join
from monitor.views.paging import Page, bounded

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
WAIVER = WaiverRow.__table__  # type: ignore[attr-defined]
VIOLATIONS = [status.value for status in Status if status.is_violation]
WAIVER_STATES = ("any", "waived", "unwaived")


@dataclass(frozen=True, slots=True)
class ViolationQuery:
    statuses: tuple[str, ...] = ()  # breached / missing_evidence; empty: both
    waived: str = "any"  # any | waived | unwaived
    pools: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    reported_from: datetime | None = None
    reported_before: datetime | None = None
    text: str = ""  # a part of the ticket id or the title
    without_pending: bool = False  # leave out violations with a request awaiting a decision
    page: int = 1
    page_size: int = 50


@dataclass(frozen=True, slots=True)
class ViolationLine:
    ticket_pk: int
    source: str
    ticket_id: str
    target_id: str
    status: str
    pool: str | None
    system: str | None
    title: str | None
    reported_at: datetime
    deadline: datetime | None
    stop: datetime | None
    overdue_seconds: int | None
    first_violation_at: datetime | None
    waiver_id: int | None
    waived_by: str | None
    waived_at: datetime | None
    waiver_reason: str | None
    attachment_ref: str | None
    request: WaiverRequest | None = None  # the newest waiver request or appeal, if any

    def age_seconds(self, at: datetime) -> float | None:
        """How long it has been a violation: since its deadline, or since it was first seen."""
        since = self.deadline or self.first_violation_at
        return None if since is None else max(0.0, (at - since).total_seconds())


def _where(viewer: Viewer, query: ViolationQuery, now: datetime) -> list[object]:
    for status in query.statuses:
        if status not in VIOLATIONS:
            raise ValueError(f"'{status}' is not a violation status")
    if query.waived not in WAIVER_STATES:
        raise ValueError(f"unknown waiver filter '{query.waived}'")
    clauses: list[object] = [
        status_in(now, list(query.statuses) or VIOLATIONS),
        ticket_scope(viewer),
    ]
    if query.pools:
        clauses.append(TICKET.c.pool.in_(list(query.pools)))
    if query.targets:
        clauses.append(RESULT.c.target_id.in_(list(query.targets)))
    if query.reported_from is not None:
        clauses.append(TICKET.c.reported_at >= query.reported_from)
    if query.reported_before is not None:
        clauses.append(TICKET.c.reported_at < query.reported_before)
    if query.waived == "waived":
        clauses.append(WAIVER.c.id.is_not(None))
    elif query.waived == "unwaived":
        clauses.append(WAIVER.c.id.is_(None))
    if query.text.strip():
        clauses.append(_text_filter(query.text.strip()))
    if query.without_pending:
        clauses.append(
            ~exists().where(
                REQUEST.c.ticket_pk == RESULT.c.ticket_pk,
                REQUEST.c.target_id == RESULT.c.target_id,
                REQUEST.c.state == "pending",
            )
        )
    return clauses


def _text_filter(text: str) -> object:
    if "\x00" in text:  # no stored text holds a NUL; SQLite would cut the pattern there
        return false()
    return or_(contains_text(TICKET.c.ticket_id, text), contains_text(TICKET.c.title, text))


def _joined() -> object:
    return RESULT.join(TICKET, TICKET.c.id == RESULT.c.ticket_pk).outerjoin(
        WAIVER, active_waiver_join()
    )


def list_violations(
    engine: Engine, viewer: Viewer, query: ViolationQuery, now: datetime | None = None
) -> Page[ViolationLine]:
    """One page of violations as of `now` (None: the clock's now), latest deadline first, each
    with its waiver in force."""
    now = now or clock.now()
    limit, offset = bounded(query.page, query.page_size)
    where = and_(*_where(viewer, query, now))  # type: ignore[arg-type]
    joined = _joined()
    rows = (
        select(
            RESULT.c.ticket_pk,
            TICKET.c.source,
            TICKET.c.ticket_id,
            RESULT.c.target_id,
            status_as_of(now),
            TICKET.c.pool,
            TICKET.c.system,
            TICKET.c.title,
            TICKET.c.reported_at,
            RESULT.c.deadline,
            RESULT.c.stop,
            overdue_as_of(now),
            RESULT.c.first_violation_at,
            WAIVER.c.id,
            WAIVER.c.waived_by,
            WAIVER.c.waived_at,
            WAIVER.c.reason,
            WAIVER.c.attachment_ref,
        )
        .select_from(joined)  # type: ignore[arg-type]
        .where(where)
        .order_by(TICKET.c.reported_at.desc(), RESULT.c.id)
        .limit(limit)
        .offset(offset)
    )
    count = select(func.count()).select_from(joined).where(where)  # type: ignore[arg-type]
    with engine.connect() as connection:
        total = connection.execute(count).scalar_one()
        lines = [ViolationLine(*tuple(row)) for row in connection.execute(rows)]
    requests = latest_requests(engine, viewer, ((v.ticket_pk, v.target_id) for v in lines))
    lines = [replace(v, request=requests.get((v.ticket_pk, v.target_id))) for v in lines]
    return Page(lines, total, max(1, query.page), limit)


def violation_counts(
    engine: Engine, viewer: Viewer, query: ViolationQuery, now: datetime | None = None
) -> dict[str, int]:
    """How many violations match as of `now` (None: the clock's now), per status, and how
    many of them are waived."""
    now = now or clock.now()
    where = and_(*_where(viewer, query, now))  # type: ignore[arg-type]
    as_of = status_as_of(now)
    grouped = (
        select(as_of, func.count(), func.count(WAIVER.c.id))
        .select_from(_joined())  # type: ignore[arg-type]
        .where(where)
        .group_by(as_of)
    )
    counts = {"total": 0, "waived": 0}
    with engine.connect() as connection:
        for status, count, waived in connection.execute(grouped):
            counts[status] = count
            counts["total"] += count
            counts["waived"] += waived
    return counts
