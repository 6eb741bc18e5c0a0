"""一云 vs 二云: the same figures for each resource pool, side by side."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Engine, and_, case, func, select

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import Period
from monitor.domain.tickets import Status
from monitor.domain.viewer import Viewer
from monitor.runs.period_measures import utilisation_report
from monitor.storage.access import ticket_scope
from monitor.storage.as_of import status_in
from monitor.storage.tables import TargetResultRow, TicketRow, WaiverRow
from monitor.storage.waivers import active_waiver_join
from monitor.views.measures import availability_for, inspections_for

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
WAIVER = WaiverRow.__table__  # type: ignore[attr-defined]
VIOLATIONS = [status.value for status in Status if status.is_violation]
NO_POOL = "—"


@dataclass
class PoolFigures:
    pool: str
    tickets: int = 0
    open: int = 0
    faults: int = 0
    violations: int = 0
    violated_tickets: int = 0
    waived: int = 0
    availability: float | None = None  # the pool's pooled availability, 0..1
    availability_status: str | None = None
    coverage: float | None = None
    utilisation: float | None = None  # percent, mean of CPU, memory and storage
    unclosed_findings: int = 0
    missed_days: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)


def pool_comparison(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    viewer: Viewer,
    period: Period,
    at: datetime,
) -> list[PoolFigures]:
    """Tickets, violations, availability, utilisation and inspections per pool in the period."""
    pools: dict[str, PoolFigures] = {}

    def of(pool: str | None) -> PoolFigures:
        return pools.setdefault(pool or NO_POOL, PoolFigures(pool or NO_POOL))

    in_period = and_(
        TICKET.c.reported_at >= period.start,
        TICKET.c.reported_at < min(period.end, at),
        ticket_scope(viewer),
    )
    tickets = (
        select(
            TICKET.c.pool,
            TICKET.c.kind,
            func.count(),
            func.sum(case((TICKET.c.closed_at.is_(None), 1), else_=0)),
        )
        .where(in_period)
        .group_by(TICKET.c.pool, TICKET.c.kind)
    )
    active = active_waiver_join()
    violations = (
        select(
            TICKET.c.pool,
            func.count(),
            func.count(func.distinct(RESULT.c.ticket_pk)),
            func.count(WAIVER.c.id),
        )
        .select_from(
            TICKET.join(RESULT, RESULT.c.ticket_pk == TICKET.c.id).outerjoin(WAIVER, active)
        )
        .where(in_period, status_in(at, VIOLATIONS))
        .group_by(TICKET.c.pool)
    )
    with engine.connect() as connection:
        for pool, kind, count, still_open in connection.execute(tickets):
            figures = of(pool)
            figures.tickets += count
            figures.open += still_open or 0
            figures.by_kind[kind] = count
            if kind in contract.scoring.fault_response_timeliness.kinds:
                figures.faults += count
        for pool, count, distinct, waived in connection.execute(violations):
            of(pool).violations, of(pool).violated_tickets, of(pool).waived = (
                count,
                distinct,
                waived,
            )
    for figure in availability_for(engine, contract, viewer, period, at).by_pool:
        target = of(figure.key if figure.key != "—" else None)
        target.availability, target.coverage = figure.availability, figure.coverage
        target.availability_status = figure.status.value if figure.status else None
    for pool_use in utilisation_report(engine, contract, calendar, period, at):
        if viewer.sees_pool(pool_use.pool):
            of(pool_use.pool).utilisation = pool_use.mean
    review = inspections_for(engine, contract, calendar, viewer, period, at)
    for check in review.unclosed:
        of(check.record.pool).unclosed_findings += 1
    for missed in review.missed:
        if missed.pool is not None:
            of(missed.pool).missed_days += 1
    return sorted(pools.values(), key=lambda figures: figures.pool)
