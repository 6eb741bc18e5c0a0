"""The rules of monitor.rules.status over whole columns of tickets at once (NumPy), same verdicts.

Times are int64 microseconds since the Unix epoch (UTC), MISSING where an event was never
recorded; the scalar rules compute in UTC too, so neither depends on the zone a time was
written in. A target's rows are the tickets whose (kind, severity) it applies to; its deadline
is start + limit (a duration, the contract's operator class's duration, or per TB restored, at
most the last instant a datetime holds), or for working-day limits a lookup per distinct local
start date answered by the calendar itself, or for a clock on business hours the schedule's
deadline over the column (monitor.domain.schedule_arrays), one start at a time only where a
start's clock needs a year the calendar does not know. Statuses are then decided with array
comparisons following monitor.rules.status._clock line by line: exactly on the deadline is met,
events after `now` have not happened yet, a closed ticket without the stop event is missing
evidence, so is a stop recorded before its start (a data error), a deadline the calendar cannot
tell (working days or a schedule's open days) is calendar_unknown, overdue seconds are rounded
up. A ticket holding a value outside monitor.domain.bounds is evaluation_error on each of its
targets before any arithmetic, and a row whose deadline would run past the last instant a
datetime holds is evaluation_error alone: the other rows are judged as usual.

Tickets with a status history (pauses, severity changes, reopens) are not handled here: the
caller evaluates them with monitor.rules.status, which stays the one definition of a status.
Every function here says in its docstring which rule of monitor.rules.status it mirrors;
tests/rules/test_status_mirrors.py checks that those rules exist and that neither copy changes
alone, and tests/rules/test_status_arrays.py that both paths agree on random tickets over every
option a contract has. Wherever float arithmetic could round differently from Python's
timedelta (a product within a hair of a half microsecond, or too large for float64 to be
exact) the value is computed with timedelta.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from monitor.contract.model import Contract, Target
from monitor.domain.bounds import rows_outside
from monitor.domain.calendar import BusinessCalendar, UnknownYear
from monitor.domain.columns import (
    NO_OVERDUE,
    RESULT_DTYPES,
    RESULT_FIELDS,
    STATUS_CODE,
    ResultColumns,
    TicketColumns,
    empty_results,
)
from monitor.domain.instants import DAY_US, EPOCH, MICROSECOND, MISSING, from_us, to_us
from monitor.domain.schedule import BusinessSchedule
from monitor.domain.schedule_arrays import back_from_us, deadlines_us
from monitor.domain.tickets import Status
from monitor.rules.status import GB_PER_TB, LAST_INSTANT, schedule_for

Int64s = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
# A float product of this size is within 2**-12 µs of the exact one, so only a value that is
# within _TIE of a half microsecond could round differently from timedelta's exact rounding.
_EXACT_BELOW = float(2**40)
_TIE = 1e-3
_LAST_US = to_us(LAST_INSTANT)


def evaluate_columns(
    columns: TicketColumns, contract: Contract, calendar: BusinessCalendar, now: datetime
) -> ResultColumns:
    """Every applicable target of every plain ticket reported by `now`, in rules order.

    Mirrors monitor.rules.status.evaluate for tickets without a history; the targets of a
    (kind, severity) mirror monitor.rules.status.targets_for.
    """
    now_us = to_us(now)
    reported = columns.events["reported_at"]
    eligible = columns.plain & (reported != MISSING) & (reported <= now_us)
    # Checked before any arithmetic: such a row's times could overflow it for every row.
    unjudged = eligible & rows_outside(columns.events, columns.restore_size_gb)
    eligible &= ~unjudged
    parts = []
    for index, target in enumerate(contract.targets):
        wanted = [
            number
            for number, (kind, severity) in enumerate(columns.groups)
            if target.applies_to(kind, severity)
        ]
        if not wanted:
            continue
        due = np.isin(columns.group, wanted)
        rows = np.nonzero(eligible & due)[0].astype(np.int64)
        if len(rows):
            parts.append(_decided(columns, rows, index, target, contract, calendar, now_us))
        errors = np.nonzero(unjudged & due)[0].astype(np.int64)
        if len(errors):
            parts.append(_evaluation_errors(errors, index))
    if not parts:
        return empty_results()
    return _in_rules_order(parts, len(columns))


def _in_rules_order(parts: list[ResultColumns], tickets: int) -> ResultColumns:
    """The parts (one per target, in contract order, rows ascending) merged by ticket, then
    target, without a sort: each result's place is the results of earlier tickets plus those
    of earlier targets of its own ticket. Mirrors monitor.rules.status.evaluate's order."""
    counts = np.zeros(tickets, dtype=np.int64)
    for part in parts:
        counts[part.row] += 1
    place = np.cumsum(counts) - counts
    merged = {
        name: np.empty(int(counts.sum()), dtype=RESULT_DTYPES[name]) for name in RESULT_FIELDS
    }
    for part in parts:
        slots = place[part.row]
        for name in RESULT_FIELDS:
            merged[name][slots] = getattr(part, name)
        place[part.row] += 1
    return ResultColumns(*(merged[name] for name in RESULT_FIELDS))


def _evaluation_errors(rows: Int64s, index: int) -> ResultColumns:
    """evaluation_error for the target at `index` on each row: no times. Mirrors
    monitor.rules.status.evaluation_error."""
    missing = np.full(len(rows), MISSING, dtype=np.int64)
    return ResultColumns(
        rows,
        np.full(len(rows), index, dtype=np.int64),
        np.full(len(rows), STATUS_CODE[Status.EVALUATION_ERROR], dtype=np.int8),
        missing,
        missing.copy(),
        missing.copy(),
        np.full(len(rows), NO_OVERDUE, dtype=np.int64),
        missing.copy(),
    )


def _decided(
    columns: TicketColumns,
    rows: Int64s,
    index: int,
    target: Target,
    contract: Contract,
    calendar: BusinessCalendar,
    now_us: int,
) -> ResultColumns:
    """_evaluate_target, with evaluation_error for each row whose deadline lies past the last
    instant a datetime holds (or wrapped around int64), and row by row where the arithmetic
    raises. Mirrors monitor.rules.status._decided."""
    try:
        found = _evaluate_target(columns, rows, index, target, contract, calendar, now_us)
    except (OverflowError, ValueError):
        if len(rows) == 1:
            return _evaluation_errors(rows, index)
        one_by_one = [
            _decided(columns, rows[i : i + 1], index, target, contract, calendar, now_us)
            for i in range(len(rows))
        ]
        return ResultColumns.concat(one_by_one)
    known = found.deadline != MISSING
    beyond = known & ((found.deadline > _LAST_US) | (found.deadline < found.start))
    if not beyond.any():
        return found
    errors = _evaluation_errors(found.row[beyond], index)
    values = {name: getattr(found, name).copy() for name in RESULT_FIELDS}
    for name in RESULT_FIELDS:
        values[name][beyond] = getattr(errors, name)
    return ResultColumns(**values)


def _seen(values: Int64s, now_us: int) -> Int64s:
    """Each event once it has happened by `now`, else MISSING. Mirrors
    monitor.rules.status._seen."""
    # MISSING is below every `now`, so it stays MISSING.
    return np.where(values <= now_us, values, MISSING)


def _evaluate_target(
    columns: TicketColumns,
    rows: Int64s,
    index: int,
    target: Target,
    contract: Contract,
    calendar: BusinessCalendar,
    now_us: int,
) -> ResultColumns:
    """One target's results for its rows (tickets without a history).

    Mirrors monitor.rules.status._clock, status by status, with the deadline of
    monitor.rules.status.deadline_for.
    """
    start = _seen(columns.events[target.start][rows], now_us)
    stop = _seen(columns.events[target.stop][rows], now_us)
    closed = columns.events["closed_at"][rows]
    closed = (closed != MISSING) & (closed <= now_us)
    has_start = start != MISSING
    deadline = np.full(len(rows), MISSING, dtype=np.int64)
    # A working-day deadline that needs a day no calendar source knows: no verdict.
    unknown = np.zeros(len(rows), dtype=bool)
    limit = target.limit
    schedule = schedule_for(target, calendar, contract)  # a lookup, not a rule: shared
    spans = np.full(len(rows), MISSING, dtype=np.int64)
    if schedule is not None:
        spans[has_start] = _limit_spans(
            columns, rows[has_start], start[has_start], target, contract
        )
        deadline[has_start], unknown[has_start] = _schedule_deadlines(
            schedule, start[has_start], spans[has_start]
        )
    elif limit.per_tb is not None:
        size = columns.restore_size_gb[rows]
        known = has_start & ~np.isnan(size)
        deadline[known] = _per_tb_deadlines(start[known], limit.per_tb // MICROSECOND, size[known])
    elif limit.working_days is not None:
        deadline[has_start], unknown[has_start] = _working_day_deadlines(
            start[has_start], limit.working_days, calendar, contract
        )
    else:
        span = limit.duration
        if span is None:
            assert limit.by_operator_class is not None
            span = limit.by_operator_class[contract.operator_class]
        deadline[has_start] = start[has_start] + span // MICROSECOND
    has_deadline = deadline != MISSING
    # A stop before its start is a data error: missing evidence whatever the deadline says.
    inverted = has_start & (stop != MISSING) & (stop < start)
    stopped = has_deadline & (stop != MISSING)
    met = stopped & (stop <= deadline)
    late_stop = stopped & ~met
    running = has_deadline & ~stopped
    evidence_missing = running & closed
    running &= ~closed
    overdue_now = running & (now_us > deadline)
    running &= ~overdue_now

    warn = np.full(len(rows), MISSING, dtype=np.int64)
    warn[running] = _at_risk_moments(
        target, start[running], deadline[running], contract, schedule, spans[running]
    )
    at_risk = running & (now_us >= warn)

    status = np.full(len(rows), STATUS_CODE[Status.PENDING], dtype=np.int8)
    status[~has_start & ~closed] = STATUS_CODE[Status.NOT_STARTED]
    status[~has_deadline & closed] = STATUS_CODE[Status.MISSING_EVIDENCE]  # covers no start too
    status[met] = STATUS_CODE[Status.MET]
    status[late_stop | overdue_now] = STATUS_CODE[Status.BREACHED]
    status[evidence_missing] = STATUS_CODE[Status.MISSING_EVIDENCE]
    status[at_risk] = STATUS_CODE[Status.AT_RISK]
    status[unknown] = STATUS_CODE[Status.CALENDAR_UNKNOWN]
    status[inverted] = STATUS_CODE[Status.MISSING_EVIDENCE]

    overdue = np.full(len(rows), NO_OVERDUE, dtype=np.int64)
    overdue[(met & ~inverted) | running] = 0
    overdue[late_stop] = _late_seconds(stop[late_stop], deadline[late_stop])
    overdue[overdue_now] = _late_seconds(
        np.full(int(overdue_now.sum()), now_us), deadline[overdue_now]
    )
    return ResultColumns(
        rows,
        np.full(len(rows), index, dtype=np.int64),
        status,
        start,
        deadline,
        stop,
        overdue,
        warn,
    )


def _late_seconds(moment: Int64s, deadline: Int64s) -> Int64s:
    """Whole seconds from each deadline to each moment, rounded up, at least 0. Mirrors
    monitor.rules.status._late_seconds."""
    # Ceil of the true quotient: exact while the gap is under 2**53 µs.
    late = np.ceil((moment - deadline) / 1_000_000)
    return np.maximum(late, 0).astype(np.int64)


def _per_tb_deadlines(start: Int64s, per_tb_us: int, size_gb: Floats) -> Int64s:
    """Each start + per_tb for every TB of its size, at most _LAST_US. Mirrors
    monitor.rules.status.per_tb_deadline."""
    factors = size_gb / GB_PER_TB
    room = _LAST_US - start
    # Estimated in float first, as the scalar rule does: a huge factor overflows int64 too.
    with np.errstate(over="ignore"):
        beyond = per_tb_us * factors > room + 1_000_000
    spans = np.zeros(len(start), dtype=np.int64)
    spans[~beyond] = _times(per_tb_us, factors[~beyond])
    beyond |= spans >= room
    return np.where(beyond, _LAST_US, start + spans)


def _times(duration_us: int, factors: Floats) -> Int64s:
    """timedelta(microseconds=duration_us) * factor, in µs, rounded exactly as timedelta does.

    Mirrors the product `per_tb * factor` in monitor.rules.status.per_tb_deadline.
    """
    product = duration_us * factors
    with np.errstate(invalid="ignore"):
        doubtful = ~(np.abs(product) < _EXACT_BELOW) | (
            np.abs(product - np.floor(product) - 0.5) < _TIE
        )
    result = np.zeros(len(factors), dtype=np.int64)
    result[~doubtful] = np.rint(product[~doubtful]).astype(np.int64)
    span = timedelta(microseconds=duration_us)
    for position in np.nonzero(doubtful)[0]:
        result[position] = (span * float(factors[position])) // MICROSECOND
    return result


def _at_risk_moments(
    target: Target,
    start: Int64s,
    deadline: Int64s,
    contract: Contract,
    schedule: BusinessSchedule | None = None,
    spans: Int64s | None = None,
) -> Int64s:
    """The instant each open clock becomes at risk (on a schedule: schedule time back from the
    deadline, `spans` the limits in µs). Mirrors monitor.rules.status.at_risk_moment."""
    if schedule is not None:
        assert spans is not None
        on_schedule = deadline.copy()
        endless = deadline >= _LAST_US  # a clock that cannot run out is never at risk
        if target.warn_before is not None:
            lead_us = target.warn_before // MICROSECOND
            early = ~endless & (lead_us >= spans)
            on_schedule[early] = start[early]
            back = ~endless & ~early
            on_schedule[back] = np.maximum(
                start[back], back_from_us(schedule, deadline[back], lead_us)
            )
            return on_schedule
        fraction = target.at_risk_fraction or contract.at_risk_fraction
        leads = np.full(len(spans), MISSING, dtype=np.int64)
        distinct, inverse = np.unique(spans[~endless], return_inverse=True)
        shares = np.array(
            [
                (timedelta(microseconds=span) * fraction) // MICROSECOND
                for span in distinct.tolist()
            ],
            dtype=np.int64,
        )
        leads[~endless] = shares[inverse.reshape(-1)]
        for lead in np.unique(leads[~endless]).tolist():
            group = ~endless & (leads == lead)
            on_schedule[group] = back_from_us(schedule, deadline[group], lead)
        return on_schedule
    if target.warn_before is not None:
        return np.maximum(start, deadline - target.warn_before // MICROSECOND)
    fraction = target.at_risk_fraction or contract.at_risk_fraction
    spans = deadline - start
    distinct, inverse = np.unique(spans, return_inverse=True)
    shares = np.empty(len(distinct), dtype=np.int64)
    # One timedelta product per distinct span (few: a duration limit has one).
    for position, span in enumerate(distinct.tolist()):
        shares[position] = (timedelta(microseconds=span) * fraction) // MICROSECOND
    moments: Int64s = deadline - shares[inverse.reshape(-1)]
    return moments


def _limit_spans(
    columns: TicketColumns, rows: Int64s, start: Int64s, target: Target, contract: Contract
) -> Int64s:
    """Each row's limit in µs (per TB: times its size, capped at the last instant), MISSING
    without the size. Mirrors monitor.rules.status.limit_span."""
    limit = target.limit
    if limit.duration is not None:
        return np.full(len(rows), limit.duration // MICROSECOND, dtype=np.int64)
    if limit.per_tb is not None:
        size = columns.restore_size_gb[rows]
        known = ~np.isnan(size)
        spans = np.full(len(rows), MISSING, dtype=np.int64)
        spans[known] = (
            _per_tb_deadlines(start[known], limit.per_tb // MICROSECOND, size[known]) - start[known]
        )
        return spans
    assert limit.by_operator_class is not None
    span = limit.by_operator_class[contract.operator_class]
    return np.full(len(rows), span // MICROSECOND, dtype=np.int64)


def _schedule_deadlines(
    schedule: BusinessSchedule, start: Int64s, spans: Int64s
) -> tuple[Int64s, npt.NDArray[np.bool_]]:
    """schedule.deadline per start and span (MISSING span: MISSING, at most _LAST_US), and
    which starts the calendar cannot answer (their deadline MISSING).

    Mirrors the schedule branch of monitor.rules.status.deadline_for, and its UnknownYear as
    monitor.rules.status._clock catches it.
    """
    deadlines = np.full(len(start), MISSING, dtype=np.int64)
    unknown = np.zeros(len(start), dtype=bool)
    known = spans != MISSING
    endless = known & (start >= _LAST_US - spans)
    deadlines[endless] = _LAST_US
    for span in np.unique(spans[known & ~endless]).tolist():
        group = np.nonzero(known & ~endless & (spans == span))[0]
        try:
            deadlines[group] = deadlines_us(schedule, start[group], span)
            continue
        except (UnknownYear, OverflowError):
            pass
        # Some start's clock needs an unknown year (or runs past the last instant): one by one.
        for i in group.tolist():
            try:
                deadlines[i] = to_us(
                    schedule.deadline(from_us(int(start[i])), timedelta(microseconds=span))
                )
            except UnknownYear:
                unknown[i] = True
            except OverflowError:
                deadlines[i] = _LAST_US
    return deadlines, unknown


def _working_day_deadlines(
    start: Int64s, working_days: int, calendar: BusinessCalendar, contract: Contract
) -> tuple[Int64s, npt.NDArray[np.bool_]]:
    """calendar.working_days_deadline per start, asked once per distinct local start date, and
    which starts the calendar cannot answer (their deadline MISSING).

    Mirrors the working-day branch of monitor.rules.status.deadline_for, and its UnknownYear
    as monitor.rules.status._clock catches it.
    """
    days = local_days(start, contract)
    _days, first, inverse = np.unique(days, return_index=True, return_inverse=True)
    deadlines = np.full(len(first), MISSING, dtype=np.int64)
    for position, i in enumerate(first.tolist()):
        try:
            found = calendar.working_days_deadline(
                from_us(int(start[i])), working_days, contract.zone
            )
        except UnknownYear:
            continue
        deadlines[position] = to_us(found)
    each = deadlines[inverse.reshape(-1)]
    return each, each == MISSING


def local_days(moments: Int64s, contract: Contract) -> Int64s:
    """The local calendar date (days since 1970-01-01) of each instant in the contract's zone.

    Mirrors start.astimezone(zone).date(), the day
    monitor.domain.calendar.BusinessCalendar.working_days_deadline counts from. The zone's UTC
    offset is looked up once per distinct UTC day; a day whose offset differs at its two ends
    (a DST change) has its instants converted one by one.
    """
    zone = contract.zone
    utc_days = moments // DAY_US
    distinct, inverse = np.unique(utc_days, return_inverse=True)
    inverse = inverse.reshape(-1)
    offsets = np.empty(len(distinct), dtype=np.int64)
    changing = np.zeros(len(distinct), dtype=bool)
    for position, day in enumerate(distinct.tolist()):
        begin = from_us(day * DAY_US).astimezone(zone).utcoffset()
        end = from_us((day + 1) * DAY_US - 1).astimezone(zone).utcoffset()
        assert begin is not None and end is not None
        offsets[position] = begin // MICROSECOND
        changing[position] = begin != end
    local = (moments + offsets[inverse]) // DAY_US
    for position in np.nonzero(changing[inverse])[0].tolist():
        moment = from_us(int(moments[position])).astimezone(zone)
        local[position] = moment.date().toordinal() - EPOCH.date().toordinal()
    return local
