"""总览: open incidents, the nearest deadlines, violations per month, results the calendar cannot
tell and the collectors' health, each one query over the viewer's tickets."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, and_, case, func, literal, select

from monitor import clock
from monitor.domain.periods import Period
from monitor.domain.tickets import Status
from monitor.domain.viewer import Viewer
from monitor.storage.access import ticket_scope
from monitor.storage.as_of import overdue_as_of, status_as_of, status_in
from monitor.storage.tables import (
    CollectorRunRow,
    CollectorStateRow,
    EvaluationRunRow,
    TargetResultRow,
    TicketRow,
    WaiverRow,
)
from monitor.storage.waivers import active_waiver_join

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
WAIVER = WaiverRow.__table__  # type: ignore[attr-defined]
STATE = CollectorStateRow.__table__  # type: ignore[attr-defined]
RUN = CollectorRunRow.__table__  # type: ignore[attr-defined]
EVALUATION = EvaluationRunRow.__table__  # type: ignore[attr-defined]
VIOLATIONS = [status.value for status in Status if status.is_violation]
RUNNING = [Status.PENDING.value, Status.AT_RISK.value, Status.BREACHED.value]


@dataclass(frozen=True, slots=True)
class OpenCount:
    kind: str
    severity: str | None
    count: int


def open_incidents(engine: Engine, viewer: Viewer) -> list[OpenCount]:
    """Tickets not closed yet, per kind and severity."""
    query = (
        select(TICKET.c.kind, TICKET.c.severity, func.count())
        .where(TICKET.c.closed_at.is_(None), ticket_scope(viewer))
        .group_by(TICKET.c.kind, TICKET.c.severity)
        .order_by(TICKET.c.kind, TICKET.c.severity)
    )
    with engine.connect() as connection:
        return [OpenCount(*row) for row in connection.execute(query)]


@dataclass(frozen=True, slots=True)
class OpenClock:
    """A target whose clock is still running (or overdue and not stopped), as of the request."""

    ticket_pk: int
    source: str
    ticket_id: str
    target_id: str
    status: str
    start: datetime | None
    deadline: datetime | None
    pool: str | None
    system: str | None
    title: str | None
    overdue_seconds: int | None = None
    at_risk_from: datetime | None = None

    @property
    def paused(self) -> bool:
        """Standing still in a counted pause: its deadline moves on until the clock resumes."""
        return self.status != Status.BREACHED.value and self.at_risk_from is None


def _running(viewer: Viewer, now: datetime) -> Any:
    return and_(RESULT.c.stop.is_(None), status_in(now, RUNNING), ticket_scope(viewer))


def open_clocks(
    engine: Engine, viewer: Viewer, limit: int = 10, now: datetime | None = None
) -> tuple[list[OpenClock], dict[str, int]]:
    """The running clocks nearest their deadline (overdue first), and how many per status,
    each status as of `now` (None: the clock's now)."""
    now = now or clock.now()
    joined = RESULT.join(TICKET, TICKET.c.id == RESULT.c.ticket_pk)
    status = status_as_of(now)
    rows = (
        select(
            RESULT.c.ticket_pk,
            TICKET.c.source,
            TICKET.c.ticket_id,
            RESULT.c.target_id,
            status.label("status"),
            RESULT.c.start,
            RESULT.c.deadline,
            TICKET.c.pool,
            TICKET.c.system,
            TICKET.c.title,
            overdue_as_of(now),
            RESULT.c.at_risk_from,
        )
        .select_from(joined)
        .where(_running(viewer, now))
        .order_by(RESULT.c.deadline, RESULT.c.id)
        .limit(limit)
    )
    counts = select(status, func.count()).select_from(joined).where(_running(viewer, now))
    with engine.connect() as connection:
        clocks = [OpenClock(*tuple(row)) for row in connection.execute(rows)]
        grouped = connection.execute(counts.group_by(status))
        by_status: dict[str, int] = {status: count for status, count in grouped}
    return clocks, by_status


@dataclass(frozen=True, slots=True)
class MonthViolations:
    label: str
    results: int  # violated (ticket, target) results
    tickets: int  # tickets with at least one
    waived: int  # results waived


def reported_in(periods: Sequence[Period]) -> Any:
    """Which of `periods` a ticket was reported in, as its place among them (-1: none)."""
    return case(
        *(
            (and_(TICKET.c.reported_at >= p.start, TICKET.c.reported_at < p.end), literal(i))
            for i, p in enumerate(periods)
        ),
        else_=literal(-1),
    )


def violations_by_period(
    engine: Engine, viewer: Viewer, periods: Sequence[Period], now: datetime | None = None
) -> list[MonthViolations]:
    """Violations as of `now` (None: the clock's now) among the tickets reported in each
    period, in one grouped query."""
    now = now or clock.now()
    if not periods:
        return []
    bucket = reported_in(periods).label("bucket")
    waiver_on = active_waiver_join()
    query = (
        select(
            bucket,
            func.count(),
            func.count(func.distinct(RESULT.c.ticket_pk)),
            func.count(WAIVER.c.id),
        )
        .select_from(
            TICKET.join(RESULT, RESULT.c.ticket_pk == TICKET.c.id).outerjoin(WAIVER, waiver_on)
        )
        .where(
            TICKET.c.reported_at >= min(p.start for p in periods),
            TICKET.c.reported_at < max(p.end for p in periods),
            status_in(now, VIOLATIONS),
            ticket_scope(viewer),
        )
        .group_by(bucket)
    )
    with engine.connect() as connection:
        found = {row[0]: row[1:] for row in connection.execute(query)}
    return [
        MonthViolations(period.label, *found.get(index, (0, 0, 0)))
        for index, period in enumerate(periods)
    ]


def calendar_unknown_starts(engine: Engine, viewer: Viewer) -> list[datetime | None]:
    """The start of every stored calendar_unknown result the viewer may see (the year each
    needs follows from it: monitor.rules.calendar_gaps)."""
    query = (
        select(RESULT.c.start)
        .select_from(RESULT.join(TICKET, TICKET.c.id == RESULT.c.ticket_pk))
        .where(RESULT.c.status == Status.CALENDAR_UNKNOWN.value, ticket_scope(viewer))
    )
    with engine.connect() as connection:
        return [start for (start,) in connection.execute(query)]


@dataclass(frozen=True, slots=True)
class CollectorHealth:
    name: str
    watermark: datetime | None
    lag_seconds: float | None  # how far behind `at` the watermark is
    last_run_at: datetime | None
    last_error: str | None
    runs: int  # in the last day
    failed_runs: int

    @property
    def healthy(self) -> bool:
        return self.last_error is None and self.watermark is not None


def collectors_health(engine: Engine, at: datetime) -> list[CollectorHealth]:
    """Every collector: its watermark, its last run (and error) and failures in the last day."""
    day_ago = at - timedelta(days=1)
    latest = select(RUN.c.name, func.max(RUN.c.id).label("last_id")).group_by(RUN.c.name).subquery()
    last_runs = select(RUN.c.name, RUN.c.started_at, RUN.c.error).join(
        latest, RUN.c.id == latest.c.last_id
    )
    recent = (
        select(
            RUN.c.name,
            func.count(),
            func.sum(case((RUN.c.error.is_not(None), 1), else_=0)),
        )
        .where(RUN.c.started_at >= day_ago)
        .group_by(RUN.c.name)
    )
    with engine.connect() as connection:
        states = connection.execute(select(STATE.c.name, STATE.c.watermark))
        marks: dict[str, datetime] = {name: mark for name, mark in states}
        last = {row.name: row for row in connection.execute(last_runs)}
        counts = {row[0]: (row[1], row[2] or 0) for row in connection.execute(recent)}
    health = []
    for name in sorted(set(marks) | set(last)):
        mark, run = marks.get(name), last.get(name)
        runs, failed = counts.get(name, (0, 0))
        health.append(
            CollectorHealth(
                name=name,
                watermark=mark,
                lag_seconds=None if mark is None else (at - mark).total_seconds(),
                last_run_at=None if run is None else run.started_at,
                last_error=None if run is None else run.error,
                runs=runs,
                failed_runs=failed,
            )
        )
    return health


def uncovered_tickets(engine: Engine, viewer: Viewer) -> int:
    """How many tickets the last whole evaluation found no contract for: shown to those who
    see every pool (a ticket without a contract may name no pool anyone else sees)."""
    if not viewer.sees_everything:
        return 0
    query = select(EVALUATION.c.uncovered).order_by(EVALUATION.c.id.desc()).limit(1)
    with engine.connect() as connection:
        return int(connection.execute(query).scalar() or 0)


def last_evaluation(engine: Engine) -> tuple[datetime, datetime] | None:
    """(evaluated as of, ran at) of the latest whole evaluation, None before the first."""
    query = select(EVALUATION.c.evaluated_at, EVALUATION.c.ran_at).order_by(EVALUATION.c.id.desc())
    with engine.connect() as connection:
        row = connection.execute(query.limit(1)).first()
    return None if row is None else (row[0], row[1])
