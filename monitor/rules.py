"""The rules: pure functions of (ticket, target, calendar, evaluation time) → status.

Nothing here reads the clock, the database or the network. An event stamped after the
evaluation time has not happened yet as of that time, so evaluating at a past instant shows
the state as it was then.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from monitor.calendar import BusinessCalendar
from monitor.contract import Contract, Target
from monitor.domain import Status, TargetResult, Ticket

GB_PER_TB = 1024


def deadline_for(
    ticket: Ticket, target: Target, start: datetime, calendar: BusinessCalendar, contract: Contract
) -> datetime | None:
    """When the target's clock runs out for a clock started at `start`; None if unknowable."""
    limit = target.limit
    if limit.working_days is not None:
        return calendar.working_days_deadline(start, limit.working_days, contract.zone)
    if limit.per_tb is not None:
        size_gb = ticket.restore_size_gb
        if size_gb is None:
            return None
        return start + limit.per_tb * (size_gb / GB_PER_TB)
    assert limit.duration is not None
    return start + limit.duration


def at_risk_moment(
    target: Target, start: datetime, deadline: datetime, contract: Contract
) -> datetime:
    """The instant an open clock becomes at risk: a fixed lead time or a fraction of its span."""
    if target.warn_before is not None:
        return max(start, deadline - target.warn_before)
    fraction = target.at_risk_fraction or contract.at_risk_fraction
    return deadline - (deadline - start) * fraction


def _seen(moment: datetime | None, now: datetime) -> datetime | None:
    """An event counts only once it has happened as of the evaluation time."""
    return moment if moment is not None and moment <= now else None


def _late_seconds(moment: datetime, deadline: datetime) -> int:
    # Rounded up: a stop half a second late is late, and must not read as 0 seconds over.
    return max(0, math.ceil((moment - deadline) / timedelta(seconds=1)))


def evaluate_target(
    ticket: Ticket, target: Target, calendar: BusinessCalendar, now: datetime, contract: Contract
) -> TargetResult:
    """Decide one target's status for one ticket as of `now` — the single place statuses are set."""
    start = _seen(ticket.event(target.start), now)
    stop = _seen(ticket.event(target.stop), now)
    closed = _seen(ticket.closed_at, now) is not None

    def result(
        status: Status,
        deadline: datetime | None = None,
        overdue: int | None = None,
        at_risk_from: datetime | None = None,
    ) -> TargetResult:
        return TargetResult(
            ticket.source,
            ticket.ticket_id,
            target.id,
            status,
            start,
            deadline,
            stop,
            overdue,
            at_risk_from,
        )

    if start is None:
        # A closed ticket that never recorded its start cannot prove it kept the target.
        return result(Status.MISSING_EVIDENCE if closed else Status.NOT_STARTED)
    deadline = deadline_for(ticket, target, start, calendar, contract)
    if deadline is None:
        # Only a per-TB limit without the restored size gets here.
        return result(Status.MISSING_EVIDENCE if closed else Status.PENDING)
    if stop is not None:
        # Exactly on the deadline is met; a second later is breached.
        if stop <= deadline:
            return result(Status.MET, deadline, 0)
        return result(Status.BREACHED, deadline, _late_seconds(stop, deadline))
    if closed:
        return result(Status.MISSING_EVIDENCE, deadline)
    if now > deadline:
        return result(Status.BREACHED, deadline, _late_seconds(now, deadline))
    warn_at = at_risk_moment(target, start, deadline, contract)
    status = Status.AT_RISK if now >= warn_at else Status.PENDING
    return result(status, deadline, 0, warn_at)


def targets_for(ticket: Ticket, contract: Contract) -> Iterator[Target]:
    for target in contract.targets:
        if target.applies_to(ticket.kind, ticket.severity):
            yield target


def evaluate(
    tickets: Iterable[Ticket], contract: Contract, calendar: BusinessCalendar, now: datetime
) -> list[TargetResult]:
    """Every applicable target of every ticket reported by `now`, as one set-based pass."""
    by_kind_and_severity: dict[tuple[str, str | None], list[Target]] = {}
    results: list[TargetResult] = []
    for ticket in tickets:
        if ticket.reported_at > now:
            continue  # not yet reported as of the evaluation time
        key = (ticket.kind, ticket.severity)
        targets = by_kind_and_severity.get(key)
        if targets is None:
            targets = by_kind_and_severity[key] = list(targets_for(ticket, contract))
        for target in targets:
            results.append(evaluate_target(ticket, target, calendar, now, contract))
    return results
