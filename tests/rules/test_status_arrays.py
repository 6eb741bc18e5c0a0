"""The column (NumPy) evaluation gives exactly monitor.rules.status.evaluate's results (hypothesis).

monitor.rules.status stays the one definition of a status; these properties pin the vector path to
it: the same TargetResult list (status, start, deadline, stop, overdue_seconds, at_risk_from),
in the same order, for random tickets of every kind and severity, with events missing,
closed tickets, late stops, stops before their starts, events after the evaluation time and
tickets with a history.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.contract.model import Contract, load_contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.instants import to_us
from monitor.domain.tickets import EVENT_FIELDS, Pause, SeverityChange, Status, Ticket
from monitor.rules.all_tickets import evaluate_batch
from monitor.rules.status import evaluate
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
KINDS = [*sorted({target.kind for target in CONTRACT.targets}), "request"]
SEVERITIES = [None, "major", "significant", "general"]
# The contract's limits, so that stops land exactly on, a second before and after a deadline.
EXACT = [timedelta(minutes=m) for m in (30, 60, 120, 240, 480, 1440)]

reported_times = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2025, 6, 30), timezones=st.just(UTC)
)
offsets = st.one_of(
    st.timedeltas(min_value=timedelta(days=-1), max_value=timedelta(days=12)),
    # Just before the report: a stop recorded before its start (a data error, missing evidence).
    st.sampled_from([-timedelta(microseconds=1), -timedelta(seconds=1), -timedelta(hours=2)]),
    st.builds(
        lambda base, nudge: base + nudge,
        st.sampled_from(EXACT),
        st.sampled_from(
            [timedelta(0), timedelta(seconds=1), -timedelta(seconds=1), timedelta(microseconds=1)]
        ),
    ),
)
sizes = st.one_of(
    st.none(),
    st.sampled_from([0.0, 0.1, 1.0, 512.0, 1024.0, 700.3]),
    st.floats(min_value=0, max_value=20000, allow_nan=False),
)


@st.composite
def tickets(draw: st.DrawFn, number: int) -> Ticket:
    reported = draw(reported_times)
    events: dict[str, datetime | None] = {}
    for name in EVENT_FIELDS[1:]:
        offset = draw(st.one_of(st.none(), offsets))
        events[name] = None if offset is None else reported + offset
    pauses: tuple[Pause, ...] = ()
    if draw(st.integers(0, 9)) == 0:
        begin = reported + draw(st.timedeltas(timedelta(0), timedelta(days=2)))
        end = draw(st.one_of(st.none(), st.just(begin + timedelta(hours=5))))
        pauses = (Pause(begin, end, "awaiting_user"),)
    reopens: tuple[datetime, ...] = ()
    if draw(st.integers(0, 9)) == 0:
        # Restored too early, then reopened: the scalar rules show each restoration in its time.
        early = reported + draw(st.timedeltas(timedelta(0), timedelta(hours=6)))
        reopened = early + draw(st.timedeltas(timedelta(seconds=1), timedelta(hours=6)))
        pauses += (Pause(early, reopened, "resolved"),)
        reopens = (reopened,)
    severity = draw(st.sampled_from(SEVERITIES))
    changes: tuple[SeverityChange, ...] = ()
    if draw(st.integers(0, 9)) == 0:
        # Reported with one severity, changed once (up or down), possibly after a breach.
        changed_at = reported + draw(st.timedeltas(timedelta(0), timedelta(days=2)))
        later = draw(st.sampled_from(SEVERITIES))
        changes = (SeverityChange(reported, severity), SeverityChange(changed_at, later))
        severity = later
    return Ticket(
        ticket_id=f"T-{number}",
        kind=draw(st.sampled_from(KINDS)),
        severity=severity,
        severity_changes=changes,
        reported_at=reported,
        restore_size_gb=draw(sizes),
        pauses=pauses,
        reopens=reopens,
        **events,  # type: ignore[arg-type]
    )


@st.composite
def ticket_lists(draw: st.DrawFn) -> list[Ticket]:
    count = draw(st.integers(0, 25))
    return [draw(tickets(number)) for number in range(count)]


evaluation_times = st.datetimes(
    min_value=datetime(2023, 1, 1), max_value=datetime(2025, 8, 1), timezones=st.just(UTC)
)


@settings(max_examples=300, deadline=None)
@given(ticket_lists(), evaluation_times)
def test_the_vector_path_returns_exactly_the_scalar_results(
    batch: list[Ticket], now: datetime
) -> None:
    assert evaluate_batch(batch, CONTRACT, CALENDAR, now) == evaluate(
        batch, CONTRACT, CALENDAR, now
    )


@settings(max_examples=150, deadline=None)
@given(ticket_lists(), evaluation_times)
def test_the_vector_path_agrees_with_warn_before_and_a_summer_time_zone(
    batch: list[Ticket], now: datetime
) -> None:
    assert evaluate_batch(batch, WARNING_CONTRACT, CALENDAR, now) == evaluate(
        batch, WARNING_CONTRACT, CALENDAR, now
    )


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(EXACT),
    st.sampled_from([timedelta(0), timedelta(microseconds=1), timedelta(seconds=1)]),
)
def test_every_case_of_a_major_fault_is_decided_alike(
    limit_like: timedelta, nudge: timedelta
) -> None:
    reported = local("2024-09-30 22:00")  # the working-day report spans the National Day week
    restored = reported + limit_like + nudge
    cases = [
        Ticket("A", "fault", reported, "major", arrived_at=reported + limit_like + nudge),
        Ticket("B", "fault", reported, "major", restored_at=restored, closed_at=restored),
        Ticket("C", "fault", reported, "major", closed_at=reported + nudge),
        Ticket("D", "fault", reported, "major", restored_at=restored),
    ]
    for now in (reported + limit_like, restored, local("2024-10-12 00:00")):
        assert evaluate_batch(cases, CONTRACT, CALENDAR, now) == evaluate(
            cases, CONTRACT, CALENDAR, now
        )


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
    import numpy as np

    days = local_days(np.array([to_us(m) for m in moments], dtype=np.int64), berlin)
    epoch = datetime(1970, 1, 1).toordinal()
    assert [int(day) + epoch for day in days] == [
        m.astimezone(berlin.zone).date().toordinal() for m in moments
    ]
