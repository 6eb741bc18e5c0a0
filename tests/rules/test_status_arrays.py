"""The column (NumPy) evaluation gives exactly monitor.rules.status.evaluate's results (hypothesis).

monitor.rules.status stays the one definition of a status; these properties pin the vector path to
it: the same TargetResult list (status, start, deadline, stop, overdue_seconds, at_risk_from),
in the same order. Over the default contract (and a variant with warn_before in a summer-time
zone), and over tests/data/contracts/every_option.yaml, which uses every limit kind, clock
kind, target option, operator class and calendar override a contract can have, in four zones
(summer time starting and ending at midnight, a half-hour shift, none). Tickets reach past the
calendar's known days: the default contract declares no year after the package's last (2026),
the every-option one declares 2027 whole and 2028 in part, so working-day clocks near the end
of what is known are calendar_unknown on both paths. Tickets are of every
kind and severity the contract names (and none), with events missing, stops exactly on, a
microsecond and a second either side of a deadline, stops before their starts, events after
the evaluation time, restore sizes from 0 to the largest float, times written in UTC or in the
contract's zone (the repeated hour included), and tickets with a history.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.contract.clocks import PAUSE_REASONS, ClockRules, OperatorClass
from monitor.contract.model import (
    CalendarConfig,
    CalendarYear,
    ClockKind,
    Contract,
    Limit,
    ScheduleClock,
    Target,
    load_contract,
)
from monitor.contract.schedules import ScheduleConfig
from monitor.domain.calendar import BusinessCalendar, UnknownYear
from monitor.domain.instants import to_us
from monitor.domain.tickets import EVENT_FIELDS, Pause, SeverityChange, Status, TargetResult, Ticket
from monitor.rules.all_tickets import evaluate_batch
from monitor.rules.status import (
    at_risk_moment,
    deadline_for,
    evaluate,
    limit_span,
    schedule_for,
)
from monitor.rules.status_arrays import local_days
from tests.conftest import local

CONTRACT: Contract = load_contract()
CALENDAR = BusinessCalendar.from_config(CONTRACT.calendar)
# The same contract with a fixed lead time on one target and a zone with summer time, so that
# warn_before and local dates across a DST change are covered too.
WARNING_CONTRACT = CONTRACT.model_copy(
    update={
        "timezone": "Europe/Berlin",
        "targets": [
            target.model_copy(update={"warn_before": timedelta(minutes=45)})
            if target.id == "monitoring.complete"
            else target
            for target in CONTRACT.targets
        ],
    }
)
EVERY_OPTION_PATH = Path(__file__).resolve().parents[1] / "data/contracts/every_option.yaml"
EVERY_OPTION: Contract = load_contract(EVERY_OPTION_PATH)
EVERY_CALENDAR = BusinessCalendar.from_config(EVERY_OPTION.calendar)
# Summer time starting and ending at local midnight, the usual 02:00/03:00 change, a half-hour
# change, and no summer time at all.
ZONES = ("America/Santiago", "Europe/Berlin", "Australia/Lord_Howe", "Asia/Shanghai")
EVERY_VARIANT = [
    EVERY_OPTION.model_copy(update={"operator_class": operator_class, "timezone": zone})
    for operator_class in OperatorClass
    for zone in ZONES
]


@dataclass(frozen=True)
class Scenario:
    """Contracts to compare the two paths on, their calendar, and the span tickets fall in
    (reaching past the calendar's known days, so that some deadlines are unknown)."""

    contracts: Sequence[Contract]
    calendar: BusinessCalendar
    first: datetime
    last: datetime


def _transitions(zone_name: str, first: datetime, last: datetime) -> list[datetime]:
    """The instants (to the minute) a zone's UTC offset changed between `first` and `last`."""
    zone = ZoneInfo(zone_name)

    def offset(moment: datetime) -> timedelta | None:
        return moment.astimezone(zone).utcoffset()

    found: list[datetime] = []
    day = first
    while day < last:
        if offset(day) != offset(day + timedelta(days=1)):
            moment = day
            for step in (timedelta(hours=1), timedelta(minutes=1)):
                while offset(moment + step) == offset(day):
                    moment += step
            found.append(moment + timedelta(minutes=1))
        day += timedelta(days=1)
    return found


def _noon(day: str) -> datetime:
    return datetime.fromisoformat(day).replace(hour=12, tzinfo=UTC)


def _deadline(
    ticket: Ticket, target: Target, start: datetime, scenario: Scenario, contract: Contract
) -> datetime | None:
    """deadline_for, or None where the calendar does not know the days it needs."""
    try:
        return deadline_for(ticket, target, start, scenario.calendar, contract)
    except UnknownYear:
        return None


# Days the every-option calendar overrides, the year its package stops knowing, its declared
# year's holidays, and the ends of what the calendars know (2026 for the default contract, the
# whole 2027 and the partial 2028 for the every-option one): working-day clocks starting near
# them cross the overrides or run past the known days.
CALENDAR_DAYS = [
    _noon(day)
    for day in (
        "2024-09-29",
        "2024-10-07",
        "2025-05-06",
        "2025-05-10",
        "2026-12-28",
        "2026-12-30",
        "2027-02-04",
        "2027-03-03",
        "2027-09-30",
        "2027-12-29",
        "2028-01-26",
        "2028-01-29",
    )
]
DEFAULT = Scenario(
    [CONTRACT], CALENDAR, datetime(2023, 1, 1, tzinfo=UTC), datetime(2027, 2, 28, tzinfo=UTC)
)
WARNING = Scenario([WARNING_CONTRACT], CALENDAR, DEFAULT.first, DEFAULT.last)
EVERY = Scenario(
    EVERY_VARIANT,
    EVERY_CALENDAR,
    datetime(2023, 12, 1, tzinfo=UTC),
    datetime(2028, 3, 31, tzinfo=UTC),
)


def _working_days_only(contract: Contract) -> Contract:
    targets = tuple(t for t in contract.targets if t.clock is ClockKind.WORKING_DAYS)
    return contract.model_copy(update={"targets": targets})


# The working-day targets of the same contracts, over the weeks where their calendars stop
# knowing days: many clocks there are calendar_unknown, some just make it.
DEFAULT_END = Scenario(
    [_working_days_only(CONTRACT)],
    CALENDAR,
    datetime(2026, 12, 1, tzinfo=UTC),
    datetime(2027, 2, 28, tzinfo=UTC),
)
EVERY_END = Scenario(
    [_working_days_only(contract) for contract in EVERY_VARIANT],
    EVERY_CALENDAR,
    datetime(2027, 12, 1, tzinfo=UTC),
    datetime(2028, 3, 31, tzinfo=UTC),
)
NEAR = {
    zone: _transitions(zone, DEFAULT.first, EVERY.last) + CALENDAR_DAYS
    for zone in {*ZONES, CONTRACT.timezone}
}

MAX_FLOAT = sys.float_info.max
nudges = st.sampled_from(
    [
        timedelta(0),
        timedelta(microseconds=1),
        -timedelta(microseconds=1),
        timedelta(seconds=1),
        -timedelta(seconds=1),
        timedelta(hours=1),
        -timedelta(hours=1),
    ]
)
offsets = st.one_of(
    st.timedeltas(min_value=timedelta(days=-1), max_value=timedelta(days=12)),
    # At or just before the report: a stop recorded before its start is missing evidence.
    st.sampled_from(
        [timedelta(0), -timedelta(microseconds=1), -timedelta(seconds=1), -timedelta(hours=2)]
    ),
)
sizes = st.one_of(
    st.none(),
    st.sampled_from(
        # 0 (the deadline is the start), subnormal, a TB exactly, a PB, 10 PB exactly, and
        # sizes past that bound (evaluation_error) up to the largest finite float.
        [0.0, 5e-324, 1e-9, 0.1, 1.0, 512.0, 1024.0, 700.3, 2.0**20, 1e7, 1e9, 1e10, MAX_FLOAT]
    ),
    st.floats(min_value=0, max_value=20000, allow_nan=False),
    st.floats(min_value=0, allow_nan=False, allow_infinity=False),
)


def _moments(scenario: Scenario, zone: str) -> st.SearchStrategy[datetime]:
    """Report times: anywhere in the span, within four days of a summer-time change or a
    calendar override, or in the last ten days the calendar knows (or just after them)."""
    near = [moment for moment in NEAR[zone] if scenario.first < moment < scenario.last]
    known_until = scenario.calendar.known_until()
    assert known_until is not None
    end = datetime.combine(known_until, datetime.min.time(), tzinfo=UTC)
    return st.one_of(
        st.builds(lambda shift: end + shift, st.timedeltas(timedelta(days=-10), timedelta(days=3))),
        st.datetimes(
            min_value=scenario.first.replace(tzinfo=None),
            max_value=(scenario.last - timedelta(days=30)).replace(tzinfo=None),
            timezones=st.just(UTC),
        ),
        st.builds(
            lambda base, shift: base + shift,
            st.sampled_from(near),
            st.timedeltas(timedelta(days=-4), timedelta(days=4)),
        ),
    )


@st.composite
def tickets(draw: st.DrawFn, number: int, contract: Contract, scenario: Scenario) -> Ticket:
    """A ticket of any kind and severity the contract names (or none), often aimed at one
    target with its stop on that target's deadline, its times in UTC or the contract's zone."""
    aim = draw(st.one_of(st.none(), st.sampled_from(contract.targets)))
    if aim is None:
        kind = draw(st.sampled_from(sorted(contract.kinds)))
        severity = draw(st.sampled_from([None, *contract.severities]))
    else:
        kind = aim.kind
        severity = draw(st.sampled_from(aim.severities or [None, *contract.severities]))
    reported = draw(_moments(scenario, contract.timezone))
    events: dict[str, datetime | None] = {}
    for name in EVENT_FIELDS[1:]:
        # Open tickets more often than not: a closed one without its stop is missing evidence.
        absent = st.none() | st.none() if name == "closed_at" else st.none()
        offset = draw(absent | offsets)
        events[name] = None if offset is None else reported + offset
    ticket = Ticket(
        f"T-{number}",
        kind,
        reported,
        severity,
        restore_size_gb=draw(sizes),
        **events,  # type: ignore[arg-type]
    )
    due = [target for target in contract.targets if target.applies_to(kind, severity)]
    for target in draw(st.lists(st.sampled_from(due), max_size=2)) if due else []:
        start = ticket.event(target.start)
        if start is None:
            continue
        deadline = _deadline(ticket, target, start, scenario, contract)
        if deadline is not None and deadline < scenario.last:
            ticket = replace(ticket, **{target.stop: deadline + draw(nudges)})
    ticket = _with_history(draw, ticket, contract)
    zone = contract.zone
    in_zone = {
        name: moment.astimezone(zone)
        for name in EVENT_FIELDS
        if (moment := ticket.event(name)) is not None and draw(st.booleans())
    }
    return replace(ticket, **in_zone)  # type: ignore[arg-type]


def _with_history(draw: st.DrawFn, ticket: Ticket, contract: Contract) -> Ticket:
    """Some tickets with a pause, a reopen or a severity change (the scalar path's)."""
    if draw(st.sampled_from(range(8))) != 7:
        return ticket
    reported = ticket.reported_at
    pauses: tuple[Pause, ...] = ()
    if draw(st.booleans()):
        begin = reported + draw(st.timedeltas(timedelta(0), timedelta(days=2)))
        end = draw(st.one_of(st.none(), st.just(begin + timedelta(hours=5))))
        pauses = (Pause(begin, end, draw(st.sampled_from(sorted(PAUSE_REASONS)))),)
    reopens: tuple[datetime, ...] = ()
    if draw(st.booleans()):
        # Restored too early, then reopened: the scalar rules show each restoration in its time.
        early = reported + draw(st.timedeltas(timedelta(0), timedelta(hours=6)))
        reopened = early + draw(st.timedeltas(timedelta(seconds=1), timedelta(hours=6)))
        pauses += (Pause(early, reopened, "resolved"),)
        reopens = (reopened,)
    severity = ticket.severity
    changes: tuple[SeverityChange, ...] = ()
    if draw(st.booleans()):
        # Reported with one severity, changed once (up or down), possibly after a breach.
        changed_at = reported + draw(st.timedeltas(timedelta(0), timedelta(days=2)))
        severity = draw(st.sampled_from([None, *contract.severities]))
        changes = (SeverityChange(reported, ticket.severity), SeverityChange(changed_at, severity))
    return replace(
        ticket, severity=severity, severity_changes=changes, pauses=pauses, reopens=reopens
    )


@st.composite
def cases(draw: st.DrawFn, scenario: Scenario) -> tuple[Contract, list[Ticket], datetime]:
    """A contract, a batch of tickets, and an evaluation time: anywhere, or on (or a nudge off)
    one of the batch's starts, at-risk moments or deadlines, or while at risk, or after a start
    without a deadline, in UTC or the contract's zone."""
    contract = draw(st.sampled_from(scenario.contracts))
    count = draw(st.integers(0, 12))
    batch = [draw(tickets(number, contract, scenario)) for number in range(count)]
    now = draw(
        st.datetimes(
            min_value=scenario.first.replace(tzinfo=None),
            max_value=scenario.last.replace(tzinfo=None),
            timezones=st.just(UTC),
        )
    )
    if batch and draw(st.integers(0, 2)) > 0:
        ticket = draw(st.sampled_from(batch))
        due = [t for t in contract.targets if t.applies_to(ticket.kind, ticket.severity)]
        if due:
            target = draw(st.sampled_from(due))
            start = ticket.event(target.start) or ticket.reported_at
            deadline = _deadline(ticket, target, start, scenario, contract)
            if deadline is not None and deadline < scenario.last:
                schedule = schedule_for(target, scenario.calendar, contract)
                span = limit_span(ticket, target, start, contract) if schedule else None
                warn = at_risk_moment(target, start, deadline, contract, schedule, span)
                at_risk = warn + (deadline - warn) / 2
                now = draw(st.sampled_from([start, warn, at_risk, deadline])) + draw(nudges)
            elif deadline is None:
                # No deadline (past the calendar's known days, or a restore without its size):
                # some time after the start, so the clock is seen.
                now = start + draw(st.timedeltas(timedelta(0), timedelta(days=12)))
    if draw(st.booleans()):
        now = now.astimezone(contract.zone)
    return contract, batch, now


def both_paths(
    batch: list[Ticket], contract: Contract, calendar: BusinessCalendar, now: datetime
) -> tuple[list[TargetResult], list[TargetResult]]:
    return evaluate_batch(batch, contract, calendar, now), evaluate(batch, contract, calendar, now)


@settings(max_examples=250, deadline=None)
@given(cases(DEFAULT))
def test_the_vector_path_returns_exactly_the_scalar_results(
    case: tuple[Contract, list[Ticket], datetime],
) -> None:
    contract, batch, now = case
    vector, scalar = both_paths(batch, contract, CALENDAR, now)
    assert vector == scalar


@settings(max_examples=100, deadline=None)
@given(cases(WARNING))
def test_the_vector_path_agrees_with_warn_before_and_a_summer_time_zone(
    case: tuple[Contract, list[Ticket], datetime],
) -> None:
    contract, batch, now = case
    vector, scalar = both_paths(batch, contract, CALENDAR, now)
    assert vector == scalar


@settings(max_examples=400, deadline=None)
@given(cases(EVERY))
def test_the_vector_path_agrees_on_every_option_of_a_contract(
    case: tuple[Contract, list[Ticket], datetime],
) -> None:
    contract, batch, now = case
    vector, scalar = both_paths(batch, contract, EVERY_CALENDAR, now)
    assert vector == scalar


@settings(max_examples=200, deadline=None)
@given(st.one_of(cases(DEFAULT_END), cases(EVERY_END)))
def test_the_vector_path_agrees_where_the_calendar_ends(
    case: tuple[Contract, list[Ticket], datetime],
) -> None:
    contract, batch, now = case
    calendar = CALENDAR if contract.name == CONTRACT.name else EVERY_CALENDAR
    vector, scalar = both_paths(batch, contract, calendar, now)
    assert vector == scalar


def test_the_every_option_contract_uses_every_option() -> None:
    """The contract the property above runs on writes out every option the contract model has,
    so that an option added to monitor.contract.model fails here until the file uses it."""
    targets = EVERY_OPTION.targets
    assert set().union(*(t.model_fields_set for t in targets)) == set(Target.model_fields)
    assert set().union(*(t.limit.model_fields_set for t in targets)) == set(Limit.model_fields)
    assert EVERY_OPTION.calendar.model_fields_set == set(CalendarConfig.model_fields)
    assert EVERY_OPTION.clocks.model_fields_set == set(ClockRules.model_fields)
    assert {"timezone", "at_risk_fraction", "operator_class"} <= EVERY_OPTION.model_fields_set
    assert {t.clock for t in targets if isinstance(t.clock, ClockKind)} == set(ClockKind)
    on_schedules = [t for t in targets if isinstance(t.clock, ScheduleClock)]
    assert set().union(*(t.clock.model_fields_set for t in on_schedules)) == set(  # type: ignore[union-attr]
        ScheduleClock.model_fields
    )
    assert {EVERY_OPTION.schedules[t.schedule or ""].days for t in on_schedules} == {
        "working_days",
        "every_day",
    }
    assert {"warn_before", "at_risk_fraction"} <= set().union(
        *(t.model_fields_set for t in on_schedules)
    )
    assert set().union(*(s.model_fields_set for s in EVERY_OPTION.schedules.values())) == set(
        ScheduleConfig.model_fields
    )
    assert any(len(s.hours) > 1 for s in EVERY_OPTION.schedules.values())  # a lunch break
    events = {name for target in EVERY_OPTION.targets for name in (target.start, target.stop)}
    assert events == set(EVENT_FIELDS)
    assert "closed_at" in {target.start for target in EVERY_OPTION.targets}
    for kind in ("duration", "working_days", "per_tb", "by_operator_class"):
        ways = {
            "warn_before" if t.warn_before else "fraction" if t.at_risk_fraction else "default"
            for t in EVERY_OPTION.targets
            if getattr(t.limit, kind) is not None
        }
        assert ways == {"warn_before", "fraction", "default"}, kind
    every_class = [t.limit.by_operator_class for t in EVERY_OPTION.targets]
    assert all(set(by) == set(OperatorClass) for by in every_class if by is not None)
    severities = [target.severities for target in EVERY_OPTION.targets]
    assert None in severities
    assert any(s is not None and len(s) == 1 for s in severities)
    assert any(s is not None and len(s) > 1 for s in severities)
    named = {s for group in severities if group for s in group}
    assert set(EVERY_OPTION.severities) - named  # a severity no target lists
    assert set(EVERY_OPTION.kinds) - {target.kind for target in EVERY_OPTION.targets}
    assert () in [target.pause_reasons for target in EVERY_OPTION.targets]
    assert any(
        t.warn_before is not None
        and t.limit.duration is not None
        and t.warn_before > t.limit.duration
        for t in EVERY_OPTION.targets
    )
    declared = EVERY_OPTION.calendar.years
    assert declared and all(days.holidays and days.workdays for days in declared.values())
    assert set().union(*(days.model_fields_set for days in declared.values())) == set(
        CalendarYear.model_fields
    )
    assert {days.partial for days in declared.values()} == {True, False}
    assert EVERY_OPTION.calendar.holidays and EVERY_OPTION.calendar.workdays
    # The tickets' span reaches past the known days, into the partial year and beyond it.
    assert EVERY_CALENDAR.knows(2027) and not EVERY_CALENDAR.knows(EVERY.last.year)
    known_until = EVERY_CALENDAR.known_until()
    assert known_until is not None and EVERY.first.date() < known_until < EVERY.last.date()
    assert not CALENDAR.knows(DEFAULT.last.year)
    clocks = EVERY_OPTION.clocks
    assert (clocks.reopen, clocks.severity_change) == ("restart", "from_report")


def test_the_every_option_contract_passes_slamon_contract_check() -> None:
    from click.testing import CliRunner

    from monitor.cli import cli

    checked = CliRunner().invoke(cli, ["contract", "check", str(EVERY_OPTION_PATH)])
    assert checked.exit_code == 0, checked.output
    assert all(target.id in checked.output for target in EVERY_OPTION.targets)
    assert "工作日历 2004–2027（至 2028-01-29）" in checked.output


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from([timedelta(minutes=m) for m in (30, 60, 120, 240, 480, 1440)]),
    st.sampled_from([timedelta(0), timedelta(microseconds=1), timedelta(seconds=1)]),
)
def test_every_case_of_a_major_fault_is_decided_alike(
    limit_like: timedelta, nudge: timedelta
) -> None:
    reported = local("2024-09-30 22:00")  # the working-day report spans the National Day week
    restored = reported + limit_like + nudge
    faults = [
        Ticket("A", "fault", reported, "major", arrived_at=reported + limit_like + nudge),
        Ticket("B", "fault", reported, "major", restored_at=restored, closed_at=restored),
        Ticket("C", "fault", reported, "major", closed_at=reported + nudge),
        Ticket("D", "fault", reported, "major", restored_at=restored),
    ]
    for now in (reported + limit_like, restored, local("2024-10-12 00:00")):
        vector, scalar = both_paths(faults, CONTRACT, CALENDAR, now)
        assert vector == scalar


def test_a_stop_exactly_on_the_deadline_is_met_and_a_microsecond_later_is_one_second_over() -> None:
    reported = local("2024-06-03 10:00")
    on_time = Ticket("A", "fault", reported, "major", arrived_at=local("2024-06-03 10:30"))
    late = Ticket(
        "B", "fault", reported, "major", arrived_at=local("2024-06-03 10:30") + timedelta(0, 0, 1)
    )
    found = evaluate_batch([on_time, late], CONTRACT, CALENDAR, local("2024-06-03 12:00"))
    arrival = [r for r in found if r.target_id == "major.arrival"]
    assert [(r.status, r.overdue_seconds) for r in arrival] == [
        (Status.MET, 0),
        (Status.BREACHED, 1),
    ]


def test_local_dates_follow_the_zone_across_a_summer_time_change() -> None:
    berlin = WARNING_CONTRACT
    # 2024-03-31 01:59 UTC is 03:59 CEST on the 31st; 2024-03-30 23:30 UTC is 00:30 CET the 31st.
    moments = [
        datetime(2024, 3, 30, 22, 59, tzinfo=UTC),
        datetime(2024, 3, 30, 23, 30, tzinfo=UTC),
        datetime(2024, 3, 31, 1, 59, tzinfo=UTC),
        datetime(2024, 3, 31, 22, 30, tzinfo=UTC),
    ]
    days = local_days(np.array([to_us(m) for m in moments], dtype=np.int64), berlin)
    epoch = datetime(1970, 1, 1).toordinal()
    assert [int(day) + epoch for day in days] == [
        m.astimezone(berlin.zone).date().toordinal() for m in moments
    ]


# Pinned cases where the two paths disagreed: the scalar rules did aware arithmetic and
# comparison in the contract's zone (wall-clock time across a summer-time change) and crashed
# on a restore size whose deadline lies past year 9999. Each is decided as the vector path
# does: real elapsed time, any zone the times are written in.

BERLIN = ZoneInfo("Europe/Berlin")


def _every_option_in(zone: str) -> Contract:
    return EVERY_OPTION.model_copy(update={"timezone": zone})


def _one(results: list[TargetResult], target_id: str) -> TargetResult:
    (found,) = [result for result in results if result.target_id == target_id]
    return found


def test_a_working_day_clock_is_at_risk_by_real_time_across_a_summer_time_change() -> None:
    # Restored Wed 2024-03-27 11:00 CET; 3 working days end at 2024-04-02 00:00 CEST (22:00 UTC
    # on the 1st), after the clocks went forward on the 31st. Half the 5 d 12 h span before the
    # deadline is 2024-03-30 04:00 UTC, not 05:00 (wall-clock subtraction in Berlin).
    contract = _every_option_in("Europe/Berlin")
    reported = datetime(2024, 3, 27, 9, tzinfo=UTC)
    ticket = Ticket("A", "fault", reported, "major", restored_at=reported + timedelta(hours=1))
    now = datetime(2024, 3, 28, tzinfo=UTC)
    vector, scalar = both_paths([ticket], contract, EVERY_CALENDAR, now)
    assert vector == scalar
    report = _one(scalar, "fault.report")
    assert report.deadline == datetime(2024, 4, 1, 22, tzinfo=UTC)
    assert report.at_risk_from == datetime(2024, 3, 30, 4, tzinfo=UTC)


def test_an_elapsed_limit_written_in_a_summer_time_zone_counts_real_hours() -> None:
    # A request closed Fri 2024-03-29 12:00 CET must be confirmed within 3 d = 72 real hours:
    # by 2024-04-01 13:00 CEST (11:00 UTC). Confirmed 12:30 CEST, it is met.
    contract = _every_option_in("Europe/Berlin")
    closed = datetime(2024, 3, 29, 12, tzinfo=BERLIN)
    ticket = Ticket(
        "A",
        "request",
        closed - timedelta(hours=1),
        closed_at=closed,
        confirmed_at=datetime(2024, 4, 1, 12, 30, tzinfo=BERLIN),
    )
    vector, scalar = both_paths(
        [ticket], contract, EVERY_CALENDAR, datetime(2024, 5, 1, tzinfo=UTC)
    )
    assert vector == scalar
    confirm = _one(scalar, "request.confirm")
    assert (confirm.status, confirm.deadline) == (Status.MET, datetime(2024, 4, 1, 11, tzinfo=UTC))


def test_an_arrival_in_the_repeated_hour_is_late_by_the_real_time() -> None:
    # Reported 2024-10-27 02:10 CEST (00:10 UTC), due on site by 02:40 CEST; the engineer
    # arrived at 02:20 CET, after the clocks went back — 01:20 UTC, 40 minutes late, although
    # 02:20 reads earlier than 02:40 on the wall.
    contract = _every_option_in("Europe/Berlin")
    reported = datetime(2024, 10, 27, 0, 10, tzinfo=UTC).astimezone(BERLIN)
    arrived = datetime(2024, 10, 27, 1, 20, tzinfo=UTC).astimezone(BERLIN)
    assert (arrived.hour, arrived.minute, arrived.fold) == (2, 20, 1)
    ticket = Ticket("A", "fault", reported, "major", arrived_at=arrived)
    vector, scalar = both_paths(
        [ticket], contract, EVERY_CALENDAR, datetime(2024, 11, 1, tzinfo=UTC)
    )
    assert vector == scalar
    arrival = _one(scalar, "fault.arrival")
    assert (arrival.status, arrival.overdue_seconds) == (Status.BREACHED, 40 * 60)


def test_overdue_seconds_count_real_seconds_when_now_is_written_in_the_zone() -> None:
    # Due 2024-10-26 23:30 CEST (21:30 UTC), still open at 2024-10-27 09:00 CET (08:00 UTC):
    # 10 h 30 min overdue, not the 9 h 30 min the wall clock shows.
    contract = _every_option_in("Europe/Berlin")
    ticket = Ticket("A", "fault", datetime(2024, 10, 26, 23, tzinfo=BERLIN), "major")
    now = datetime(2024, 10, 27, 9, tzinfo=BERLIN)
    vector, scalar = both_paths([ticket], contract, EVERY_CALENDAR, now)
    assert vector == scalar
    assert _one(scalar, "fault.arrival").overdue_seconds == 10 * 3600 + 30 * 60


def test_a_ticket_reported_in_the_repeated_hour_after_now_is_not_evaluated() -> None:
    # Reported 02:30 CET (01:30 UTC), evaluated at 02:45 CEST (00:45 UTC): not reported yet.
    contract = _every_option_in("Europe/Berlin")
    reported = datetime(2024, 10, 27, 1, 30, tzinfo=UTC).astimezone(BERLIN)
    now = datetime(2024, 10, 27, 0, 45, tzinfo=UTC).astimezone(BERLIN)
    ticket = Ticket("A", "fault", reported, "major")
    assert both_paths([ticket], contract, EVERY_CALENDAR, now) == ([], [])


def test_a_restore_past_10_pb_is_an_evaluation_error_on_both_paths() -> None:
    # 10¹⁰ GB (bytes typed as GB) or the largest float: outside the plausible bounds, so
    # every target of the ticket is evaluation_error with no times, on both paths alike.
    reported = datetime(2024, 5, 1, tzinfo=UTC)
    batch = [
        Ticket("A", "restore", reported, responded_at=reported, restore_size_gb=1e10),
        Ticket(
            "B",
            "restore",
            reported,
            responded_at=reported,
            restored_at=reported + timedelta(days=3),
            restore_size_gb=sys.float_info.max,
        ),
    ]
    vector, scalar = both_paths(batch, CONTRACT, CALENDAR, datetime(2024, 6, 1, tzinfo=UTC))
    assert vector == scalar
    assert [(r.ticket_id, r.target_id, r.status, r.deadline) for r in scalar] == [
        ("A", "restore.response", Status.EVALUATION_ERROR, None),
        ("A", "restore.duration", Status.EVALUATION_ERROR, None),
        ("B", "restore.response", Status.EVALUATION_ERROR, None),
        ("B", "restore.duration", Status.EVALUATION_ERROR, None),
    ]
