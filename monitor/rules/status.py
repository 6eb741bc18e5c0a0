"""The rules: pure functions of (ticket, target, calendar, evaluation time) → status.

Nothing here reads the clock, the database or the network. An event stamped after the
evaluation time has not happened yet as of that time, so evaluating at a past instant shows
the state as it was then — for a history too: the restoration a later reopen undid, the
severity the ticket had then (tests/rules/test_status_history_as_of.py: evaluating at `at` equals
evaluating the ticket built from its events up to `at`).

A ticket imported from a status history carries pauses, severity changes and reopens; their
arithmetic is in monitor.rules.pauses, and a ticket without them takes exactly the plain path. A
stop recorded before its start event is missing evidence, never met. A deadline that needs working
days no calendar source knows (monitor.domain.calendar.UnknownYear) is calendar_unknown: no
verdict and no deadline for that result, every other result decided as usual. A ticket holding a
value outside monitor.domain.bounds (a time outside 1990–2100, a restore size past 10 PB), or
whose clock would run past the last instant a datetime holds, is evaluation_error on the
targets concerned: no times, a finding on that ticket, every other ticket judged as usual.

A target on business hours (clock: {schedule: NAME}) measures its limit, its at-risk lead and
its pauses in the schedule's open time (monitor.domain.schedule); its overdue seconds are wall
time past the deadline, as for every clock.

Instants are added, subtracted and compared in UTC, and results carry UTC times: aware
arithmetic in a zone with summer time is wall-clock arithmetic (2 h after 01:30 on the night
clocks go forward would be 03:30, one real hour), and aware comparison within one zone ignores
`fold` in the repeated hour. So a verdict does not depend on the zone its times are written in,
and monitor.rules.status_arrays, which reads every time as UTC microseconds, gives the same one
(tests/rules/test_status_arrays.py).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from monitor.contract.clocks import ReopenPolicy, SeverityChangePolicy
from monitor.contract.model import Contract, Target
from monitor.contract.schedules import business_schedule
from monitor.domain.bounds import within_bounds
from monitor.domain.calendar import BusinessCalendar, UnknownYear
from monitor.domain.schedule import BusinessSchedule
from monitor.domain.tickets import Status, TargetResult, Ticket
from monitor.rules import pauses

GB_PER_TB = 1024
LAST_INSTANT = pauses.LAST_INSTANT


def deadline_for(
    ticket: Ticket, target: Target, start: datetime, calendar: BusinessCalendar, contract: Contract
) -> datetime | None:
    """When the target's clock runs out for a clock started at `start` (UTC); None if unknowable.

    UnknownYear when a working-day limit or a schedule needs a day no calendar source knows.
    A target on a schedule runs out once the schedule has been open for the limit's duration.
    """
    start = start.astimezone(UTC)
    limit = target.limit
    schedule = schedule_for(target, calendar, contract)
    if schedule is not None:
        span = limit_span(ticket, target, start, contract)
        if span is None or start + span >= LAST_INSTANT:
            return None if span is None else LAST_INSTANT
        try:
            return schedule.deadline(start, span)
        except OverflowError:
            return LAST_INSTANT  # open hours run out past the last instant a datetime holds
    if limit.duration is not None:
        return start + limit.duration
    if limit.working_days is not None:
        deadline = calendar.working_days_deadline(start, limit.working_days, contract.zone)
        return deadline.astimezone(UTC)
    if limit.per_tb is not None:
        size_gb = ticket.restore_size_gb
        if size_gb is None:
            return None
        return per_tb_deadline(start, limit.per_tb, size_gb)
    assert limit.by_operator_class is not None
    return start + limit.by_operator_class[contract.operator_class]


def schedule_for(
    target: Target, calendar: BusinessCalendar, contract: Contract
) -> BusinessSchedule | None:
    """The business-hours schedule the target's clock runs on; None: elapsed or working days."""
    name = target.schedule
    if name is None:
        return None
    return business_schedule(name, contract.schedules[name], contract.zone, calendar)


def limit_span(
    ticket: Ticket, target: Target, start: datetime, contract: Contract
) -> timedelta | None:
    """The limit as a duration (per TB: times the restored size); None without the size."""
    limit = target.limit
    if limit.duration is not None:
        return limit.duration
    if limit.per_tb is not None:
        if ticket.restore_size_gb is None:
            return None
        return per_tb_deadline(start, limit.per_tb, ticket.restore_size_gb) - start
    assert limit.by_operator_class is not None
    return limit.by_operator_class[contract.operator_class]


def per_tb_deadline(start: datetime, per_tb: timedelta, size_gb: float) -> datetime:
    """`start` + `per_tb` for every TB of `size_gb`, or LAST_INSTANT if that is later still.

    Only a contract's per-TB limit of years reaches LAST_INSTANT (sizes past 10 PB are
    evaluation_error before this), and must not stop the whole evaluation: such a restore
    cannot be late.
    """
    factor = size_gb / GB_PER_TB
    room = LAST_INSTANT - start
    # Estimated in float first: the exact product of a huge factor overflows timedelta.
    if per_tb.total_seconds() * factor > room.total_seconds() + 1:
        return LAST_INSTANT
    span = per_tb * factor
    return LAST_INSTANT if span >= room else start + span


def at_risk_moment(
    target: Target,
    start: datetime,
    deadline: datetime,
    contract: Contract,
    schedule: BusinessSchedule | None = None,
    span: timedelta | None = None,
) -> datetime:
    """The instant (UTC) an open clock becomes at risk: a fixed lead time or a fraction of its
    span. On a schedule both are schedule time back from the deadline (`span`: the limit, in
    schedule time)."""
    start = start.astimezone(UTC)
    deadline = deadline.astimezone(UTC)
    if schedule is not None:
        if deadline >= LAST_INSTANT:
            return deadline  # a clock that cannot run out is never at risk
        assert span is not None
        if target.warn_before is not None:
            if target.warn_before >= span:
                return start  # back_from would reach before the start, maybe an unknown year
            return max(start, schedule.back_from(deadline, target.warn_before))
        fraction = target.at_risk_fraction or contract.at_risk_fraction
        return schedule.back_from(deadline, span * fraction)
    if target.warn_before is not None:
        return max(start, deadline - target.warn_before)
    fraction = target.at_risk_fraction or contract.at_risk_fraction
    return deadline - (deadline - start) * fraction


def event_as_of(ticket: Ticket, name: str, now: datetime) -> datetime | None:
    """The named event as it stood at `now`, or None if it had not happened by then.

    A ticket keeps only its final restoration; one that a later reopen undid still stood
    before that reopen, so a ticket evaluated then is restored as it was then.
    """
    moment = ticket.event(name)
    if name == "restored_at" and ticket.reopens:
        moment = restoration_as_of(ticket, now)
    return _seen(moment, now)


def restoration_as_of(ticket: Ticket, now: datetime) -> datetime | None:
    """The restoration standing at `now` (maybe not yet reached): the final one once every
    reopen has happened, else the one the first reopen after `now` undid — the start of the
    `resolved` pause ending at that reopen (monitor.rules.history records it so)."""
    undone_later = [moment.astimezone(UTC) for moment in ticket.reopens if moment > now]
    if not undone_later:
        return ticket.restored_at
    reopen = min(undone_later)
    for pause in ticket.pauses:
        if pause.reason != pauses.RESOLVED or pause.end is None:
            continue
        if pause.end.astimezone(UTC) == reopen:
            return pause.start
    return None  # resolved and reopened in the same instant: not restored before it


# A stretch during which a target was due: from `begin` (None: from the report) until `end`
# (None: still due at the evaluation time).
Episode = tuple[datetime | None, datetime | None]


def severity_episodes(ticket: Ticket, target: Target, now: datetime) -> list[Episode]:
    """When, as known at `now`, the ticket had a severity the target names.

    Without severity changes it is the ticket's one severity throughout; with them, the
    severity before the first entry is unknown (a history stored without its leading entry).
    """
    names = target.severities
    if names is None:
        return [(None, None)]
    if not ticket.severity_changes:
        return [(None, None)] if ticket.severity in names else []
    episodes: list[Episode] = []
    begin: datetime | None = None
    changes = sorted(
        ((change.at.astimezone(UTC), change.severity) for change in ticket.severity_changes),
        key=lambda change: change[0],
    )
    for at, severity in changes:
        if at > now:
            break
        due = severity in names
        if due and begin is None:
            begin = at
        elif not due and begin is not None:
            episodes.append((begin, at))
            begin = None
    if begin is not None:
        episodes.append((begin, None))
    return episodes


def clock_start(
    ticket: Ticket,
    target: Target,
    contract: Contract,
    now: datetime,
    due_since: datetime | None = None,
) -> datetime | None:
    """The start event as of `now`, moved by a severity change or a reopen as the contract says.

    `due_since`: when the ticket took a severity the target names (None: from the report).
    """
    start = event_as_of(ticket, target.start, now)
    if start is None:
        return None
    rules = contract.clocks
    if due_since is not None and rules.severity_change is SeverityChangePolicy.FROM_CHANGE:
        start = max(start, due_since)
    if ticket.reopens and target.stop == "restored_at" and rules.reopen is ReopenPolicy.RESTART:
        reopened = [moment.astimezone(UTC) for moment in ticket.reopens if moment <= now]
        start = max(start, *reopened) if reopened else start
    return start


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
    day changes nothing); a limit on a schedule runs out that much later in schedule time as
    the pauses before it covered open hours.
    """
    closed = pauses.closed_at(stretches, now)
    limit = target.limit
    schedule = schedule_for(target, calendar, contract)
    if schedule is not None:
        return pauses.extend_schedule(schedule, start, deadline, closed, LAST_INSTANT)
    if limit.working_days is None:
        return pauses.extend_elapsed(deadline, closed)
    zone = contract.zone
    moved = pauses.extend_working_days(
        start.astimezone(zone).date(),
        limit.working_days,
        lambda n: calendar.working_days_deadline(start, n, zone),
        calendar.is_working_day,
        pauses.paused_days(closed, zone),
        zone,
    )
    return moved.astimezone(UTC)


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
    """The event in UTC once it has happened as of the evaluation time; None before that."""
    if moment is None or moment > now:
        return None
    return moment.astimezone(UTC)


def _late_seconds(moment: datetime, deadline: datetime) -> int:
    # Rounded up: a stop half a second late is late, and must not read as 0 seconds over.
    return max(0, math.ceil((moment - deadline) / timedelta(seconds=1)))


def evaluate_target(
    ticket: Ticket, target: Target, calendar: BusinessCalendar, now: datetime, contract: Contract
) -> TargetResult:
    """Decide one target's status for one ticket as of `now` — the single place statuses are set.

    For a target the ticket's severity names. A ticket with a history is judged as its history
    stood at `now`: see history_verdict (which also says when a target is not due at all).
    """
    now = now.astimezone(UTC)
    if not within_bounds(ticket):
        return evaluation_error(ticket, target)
    if not (ticket.pauses or ticket.severity_changes or ticket.reopens):
        return _decided(ticket, target, calendar, now, contract)
    try:
        verdict = history_verdict(ticket, target, calendar, now, contract)
    except (OverflowError, ValueError):  # as _decided: past the instants a datetime holds
        return evaluation_error(ticket, target)
    if verdict is not None:
        return verdict
    # Not due as of `now` (it takes that severity later): the clock from when it will be.
    later = [
        change.at.astimezone(UTC)
        for change in ticket.severity_changes
        if change.at > now and target.severities and change.severity in target.severities
    ]
    return _clock(ticket, target, calendar, now, contract, min(later, default=None))


def history_verdict(
    ticket: Ticket, target: Target, calendar: BusinessCalendar, now: datetime, contract: Contract
) -> TargetResult | None:
    """The target's verdict for a ticket with a history; None: the target is not due.

    A severity change ends the old severity's targets and starts the new one's. A target whose
    severity ended keeps the verdict it had reached at the change — a breach that had already
    happened is a fact and stays (its clock stops at the change: `stop` is the change, overdue
    the lateness then), and so does a met one; one still running is no longer due. A target
    due again later is judged on its latest stretch, unless an earlier one was breached.
    """
    now = now.astimezone(UTC)
    episodes = severity_episodes(ticket, target, now)
    reached: TargetResult | None = None
    # An ended stretch whose deadline the calendar cannot tell may have been breached: only a
    # known violation outranks it.
    unknown: TargetResult | None = None
    for begin, end in episodes:
        if end is None:
            current = _clock(ticket, target, calendar, now, contract, begin)
            return current if unknown is None or current.status.is_violation else unknown
        ended = _clock(ticket, target, calendar, end, contract, begin)
        if ended.status.is_violation:
            if ended.stop is None and ended.status is Status.BREACHED:
                return replace(ended, stop=end, at_risk_from=None)
            return ended
        if ended.status is Status.CALENDAR_UNKNOWN:
            unknown = unknown or ended
        elif ended.status is Status.MET:
            reached = ended
    return unknown or reached


def _clock(
    ticket: Ticket,
    target: Target,
    calendar: BusinessCalendar,
    now: datetime,
    contract: Contract,
    due_since: datetime | None = None,
) -> TargetResult:
    """One clock as of `now` (due since `due_since`, None: from the report).

    While a counted pause is open the clock stands still: the status cannot become breached
    (unless the deadline had passed before the pause began), the deadline shown is the one
    if the clock resumed now, the status is at_risk when the time left is within the at-risk
    margin, and at_risk_from is None because no running clock will reach it.

    A stop recorded before its start event is a data error, not a fast stop: missing evidence
    (domain.STOP_BEFORE_START), whatever the deadline. Otherwise a deadline the calendar cannot
    tell (UnknownYear) is calendar_unknown, with no deadline, overdue or at-risk moment.
    """
    now = now.astimezone(UTC)
    # A ticket without a history (the common case) takes the plain path, at its plain cost.
    history = ticket.pauses or ticket.severity_changes or ticket.reopens
    if history:
        recorded = event_as_of(ticket, target.start, now)
        start = _seen(clock_start(ticket, target, contract, now, due_since), now)
        stop = event_as_of(ticket, target.stop, now)
    else:
        recorded = start = _seen(ticket.event(target.start), now)
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
    known = True
    try:
        deadline = deadline_for(ticket, target, start, calendar, contract)
    except UnknownYear:
        deadline, known = None, False
    if stop is not None and recorded is not None and stop < recorded:
        return result(Status.MISSING_EVIDENCE, deadline)
    if not known:
        return result(Status.CALENDAR_UNKNOWN)
    if deadline is None:
        # Only a per-TB limit without the restored size gets here.
        return result(Status.MISSING_EVIDENCE if closed else Status.PENDING)
    stretches = _stretches(ticket, target, contract, start, stop, now) if history else []
    plain_deadline = deadline
    if stretches:
        try:
            deadline = paused_deadline(target, start, deadline, stretches, calendar, contract, now)
        except UnknownYear:
            return result(Status.CALENDAR_UNKNOWN)  # the days pauses add run past the calendar
    if stop is not None:
        # Exactly on the deadline is met; a second later is breached.
        if stop <= deadline:
            return result(Status.MET, deadline, 0)
        return result(Status.BREACHED, deadline, _late_seconds(stop, deadline))
    if closed:
        return result(Status.MISSING_EVIDENCE, deadline)
    if now > deadline:
        return result(Status.BREACHED, deadline, _late_seconds(now, deadline))
    schedule = schedule_for(target, calendar, contract)
    span = limit_span(ticket, target, start, contract) if schedule is not None else None
    warn_at = at_risk_moment(target, start, plain_deadline, contract, schedule, span)
    if not stretches:
        status = Status.AT_RISK if now >= warn_at else Status.PENDING
        return result(status, deadline, 0, warn_at)
    # The at-risk moment moves with the deadline, as far as pauses moved it (on a schedule:
    # the same schedule time before the moved deadline).
    if schedule is not None:
        warn_at = at_risk_moment(target, start, deadline, contract, schedule, span)
    else:
        warn_at += deadline - plain_deadline
    status = Status.AT_RISK if now >= warn_at else Status.PENDING
    if stretches[-1][1] is None:
        return result(status, deadline, 0, None)  # paused now: no running clock reaches it
    return result(status, deadline, 0, warn_at)


def evaluation_error(ticket: Ticket, target: Target) -> TargetResult:
    """The result of a target whose clock cannot be computed for the ticket: no times; why is
    monitor.domain.bounds.evaluation_error_reason of the ticket's fields."""
    return TargetResult(
        ticket.source, ticket.ticket_id, target.id, Status.EVALUATION_ERROR, None, None, None, None
    )


def _decided(
    ticket: Ticket, target: Target, calendar: BusinessCalendar, now: datetime, contract: Contract
) -> TargetResult:
    """_clock, or evaluation_error where its arithmetic runs past the instants a datetime
    holds (OverflowError, or ValueError for a year out of range)."""
    try:
        return _clock(ticket, target, calendar, now, contract)
    except (OverflowError, ValueError):
        return evaluation_error(ticket, target)


def _unjudged_targets(ticket: Ticket, contract: Contract) -> Iterator[tuple[int, Target]]:
    """(place, target) of every target a ticket outside the bounds would be due for: those of
    its kind naming its severity, or any severity its history had."""
    severities = {ticket.severity, *(change.severity for change in ticket.severity_changes)}
    for index, target in enumerate(contract.targets):
        if target.kind != ticket.kind:
            continue
        if target.severities is None or severities & set(target.severities):
            yield index, target


def targets_for(ticket: Ticket, contract: Contract) -> Iterator[Target]:
    """The targets a ticket's (final) severity names; see evaluate_ticket for one with a history."""
    for target in contract.targets:
        if target.applies_to(ticket.kind, ticket.severity):
            yield target


def evaluate_ticket(
    ticket: Ticket, contract: Contract, calendar: BusinessCalendar, now: datetime
) -> Iterator[tuple[int, TargetResult]]:
    """(the target's place in the contract, its result) for every target due on one ticket.

    With a history, the targets are those of every severity the ticket had by `now`
    (history_verdict); without one, those of its severity. A ticket outside the bounds is
    evaluation_error on every target it could be due for.
    """
    now = now.astimezone(UTC)
    if not within_bounds(ticket):
        for index, target in _unjudged_targets(ticket, contract):
            yield index, evaluation_error(ticket, target)
        return
    history = ticket.pauses or ticket.severity_changes or ticket.reopens
    for index, target in enumerate(contract.targets):
        if target.kind != ticket.kind:
            continue
        if not history:
            if target.applies_to(ticket.kind, ticket.severity):
                yield index, _decided(ticket, target, calendar, now, contract)
            continue
        try:
            verdict = history_verdict(ticket, target, calendar, now, contract)
        except (OverflowError, ValueError):  # as _decided: past the instants a datetime holds
            verdict = evaluation_error(ticket, target)
        if verdict is not None:
            yield index, verdict


def evaluate(
    tickets: Iterable[Ticket], contract: Contract, calendar: BusinessCalendar, now: datetime
) -> list[TargetResult]:
    """Every due target of every ticket reported by `now`, as one set-based pass; a ticket
    that cannot be judged gets evaluation_error and stops no other."""
    now = now.astimezone(UTC)
    by_kind_and_severity: dict[tuple[str, str | None], list[Target]] = {}
    results: list[TargetResult] = []
    for ticket in tickets:
        if ticket.reported_at > now:
            continue  # not yet reported as of the evaluation time
        if ticket.pauses or ticket.severity_changes or ticket.reopens:
            results.extend(result for _, result in evaluate_ticket(ticket, contract, calendar, now))
            continue
        key = (ticket.kind, ticket.severity)
        targets = by_kind_and_severity.get(key)
        if targets is None:
            targets = by_kind_and_severity[key] = list(targets_for(ticket, contract))
        if not within_bounds(ticket):
            results.extend(evaluation_error(ticket, target) for target in targets)
            continue
        for target in targets:
            results.append(_decided(ticket, target, calendar, now, contract))
    return results
