"""The rules: pure functions of (ticket, target, calendar, evaluation time) → status.

Nothing here reads the clock, the database or the network. An event stamped after the
evaluation time has not happened yet as of that time, so evaluating at a past instant shows
the state as it was then.

A ticket imported from a status history carries pauses, severity changes and reopens; their
arithmetic is in monitor.pauses, and a ticket without them takes exactly the plain path.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from monitor import pauses
from monitor.calendar import BusinessCalendar
from monitor.clock_contract import ReopenPolicy, SeverityChangePolicy
from monitor.contract import Contract, Target
from monitor.domain import Status, TargetResult, Ticket

GB_PER_TB = 1024


def deadline_for(
    ticket: Ticket, target: Target, start: datetime, calendar: BusinessCalendar, contract: Contract
) -> datetime | None:
    """When the target's clock runs out for a clock started at `start`; None if unknowable."""
    limit = target.limit
    if limit.duration is not None:
        return start + limit.duration
    if limit.working_days is not None:
        return calendar.working_days_deadline(start, limit.working_days, contract.zone)
    if limit.per_tb is not None:
        size_gb = ticket.restore_size_gb
        if size_gb is None:
            return None
        return start + limit.per_tb * (size_gb / GB_PER_TB)
    assert limit.by_operator_class is not None
    return start + limit.by_operator_class[contract.operator_class]


def at_risk_moment(
    target: Target, start: datetime, deadline: datetime, contract: Contract
) -> datetime:
    """The instant an open clock becomes at risk: a fixed lead time or a fraction of its span."""
    if target.warn_before is not None:
        return max(start, deadline - target.warn_before)
    fraction = target.at_risk_fraction or contract.at_risk_fraction
    return deadline - (deadline - start) * fraction


def clock_start(
    ticket: Ticket, target: Target, contract: Contract, now: datetime
) -> datetime | None:
    """The start event, moved by a severity change or a reopen as the contract says."""
    start = ticket.event(target.start)
    if start is None:
        return None
    rules = contract.clocks
    if (
        ticket.severity_changes
        and target.severities is not None
        and target.start == "reported_at"
        and rules.severity_change is SeverityChangePolicy.FROM_CHANGE
    ):
        since = severity_since(ticket)
        start = start if since is None else max(start, since)
    if ticket.reopens and target.stop == "restored_at" and rules.reopen is ReopenPolicy.RESTART:
        reopened = [moment for moment in ticket.reopens if moment <= now]
        start = max(start, *reopened) if reopened else start
    return start


def severity_since(ticket: Ticket) -> datetime | None:
    """When the ticket's current severity took effect; None: it had it from the report."""
    since = None
    for change in reversed(ticket.severity_changes):
        if change.severity != ticket.severity:
            break
        since = change.at
    return since


def paused_deadline(
    target: Target,
    start: datetime,
    deadline: datetime,
    stretches: list[pauses.Stretch],
    calendar: BusinessCalendar,
    contract: Contract,
    now: datetime,
) -> datetime:
    """The deadline moved by pauses; a pause still open counts as if the clock resumed `now`.

    7×24 limits skip the paused time itself; working-day limits do not count a working day
    whose end (24:00) fell during a pause (days are counted whole; a wait that ends the same
    day changes nothing).
    """
    closed = pauses.closed_at(stretches, now)
    limit = target.limit
    if limit.working_days is None:
        return pauses.extend_elapsed(deadline, closed)
    zone = contract.zone
    return pauses.extend_working_days(
        start.astimezone(zone).date(),
        limit.working_days,
        lambda n: calendar.working_days_deadline(start, n, zone),
        calendar.is_working_day,
        pauses.paused_days(closed, zone),
        zone,
    )


def _stretches(
    ticket: Ticket,
    target: Target,
    contract: Contract,
    start: datetime,
    stop: datetime | None,
    now: datetime,
) -> list[pauses.Stretch]:
    if not ticket.pauses:
        return []
    reasons = target.pause_reasons
    if reasons is None:
        reasons = contract.clocks.pause_reasons
    return pauses.paused_stretches(ticket.pauses, reasons, start, stop, now)


def _seen(moment: datetime | None, now: datetime) -> datetime | None:
    """An event counts only once it has happened as of the evaluation time."""
    return moment if moment is not None and moment <= now else None


def _late_seconds(moment: datetime, deadline: datetime) -> int:
    # Rounded up: a stop half a second late is late, and must not read as 0 seconds over.
    return max(0, math.ceil((moment - deadline) / timedelta(seconds=1)))


def evaluate_target(
    ticket: Ticket, target: Target, calendar: BusinessCalendar, now: datetime, contract: Contract
) -> TargetResult:
    """Decide one target's status for one ticket as of `now` — the single place statuses are set.

    While a counted pause is open the clock stands still: the status cannot become breached
    (unless the deadline had passed before the pause began), the deadline shown is the one
    if the clock resumed now, the status is at_risk when the time left is within the at-risk
    margin, and at_risk_from is None because no running clock will reach it.
    """
    # A ticket without a history (the common case) takes the plain path, at its plain cost.
    history = ticket.pauses or ticket.severity_changes or ticket.reopens
    start = _seen(
        clock_start(ticket, target, contract, now) if history else ticket.event(target.start),
        now,
    )
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
    stretches = _stretches(ticket, target, contract, start, stop, now) if history else []
    plain_deadline = deadline
    if stretches:
        deadline = paused_deadline(target, start, deadline, stretches, calendar, contract, now)
    if stop is not None:
        # Exactly on the deadline is met; a second later is breached.
        if stop <= deadline:
            return result(Status.MET, deadline, 0)
        return result(Status.BREACHED, deadline, _late_seconds(stop, deadline))
    if closed:
        return result(Status.MISSING_EVIDENCE, deadline)
    if now > deadline:
        return result(Status.BREACHED, deadline, _late_seconds(now, deadline))
    warn_at = at_risk_moment(target, start, plain_deadline, contract)
    if not stretches:
        status = Status.AT_RISK if now >= warn_at else Status.PENDING
        return result(status, deadline, 0, warn_at)
    # The at-risk moment moves with the deadline, as far as pauses moved it.
    warn_at += deadline - plain_deadline
    status = Status.AT_RISK if now >= warn_at else Status.PENDING
    if stretches[-1][1] is None:
        return result(status, deadline, 0, None)  # paused now: no running clock reaches it
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
