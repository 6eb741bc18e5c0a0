"""Properties every rule must keep for any input the contract allows (hypothesis)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.contract.model import Contract, load_contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Status, Ticket
from monitor.rules.status import deadline_for, evaluate_target

CONTRACT: Contract = load_contract()
CALENDAR = BusinessCalendar.from_config(CONTRACT.calendar)
TARGET_IDS = [target.id for target in CONTRACT.targets]
# Years the calendar package knows, leaving room for deadlines to land in a known year.
instants = st.datetimes(
    min_value=datetime(2005, 1, 1), max_value=datetime(2026, 11, 30), timezones=st.just(UTC)
)
offsets = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))


def ticket_for(
    target_id: str, start: datetime, stop: datetime | None = None, **extra: object
) -> Ticket:
    target = CONTRACT.target(target_id)
    fields: dict[str, object] = {
        "ticket_id": "P-1",
        "kind": target.kind,
        "reported_at": start,
        "severity": target.severities[0] if target.severities else None,
        "restore_size_gb": 700.0,
        **extra,
    }
    fields[target.start] = start
    if stop is not None:
        fields[target.stop] = stop
    return Ticket(**fields)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TARGET_IDS), instants, offsets)
def test_a_deadline_never_moves_earlier_when_the_start_moves_later(
    target_id: str, start: datetime, later_by: timedelta
) -> None:
    target = CONTRACT.target(target_id)
    first = deadline_for(ticket_for(target_id, start), target, start, CALENDAR, CONTRACT)
    later = start + later_by
    second = deadline_for(ticket_for(target_id, later), target, later, CALENDAR, CONTRACT)
    assert first is not None and second is not None
    assert second >= first
    assert first > start


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TARGET_IDS), instants, offsets)
def test_a_stopped_clock_is_met_exactly_when_the_stop_is_not_after_the_deadline(
    target_id: str, start: datetime, took: timedelta
) -> None:
    ticket = ticket_for(target_id, start, start + took)
    result = evaluate_target(
        ticket, CONTRACT.target(target_id), CALENDAR, start + timedelta(days=60), CONTRACT
    )
    assert result.deadline is not None
    if start + took <= result.deadline:
        assert (result.status, result.overdue_seconds) == (Status.MET, 0)
    else:
        assert result.status is Status.BREACHED
        assert result.overdue_seconds is not None and result.overdue_seconds > 0


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TARGET_IDS), instants, offsets, offsets)
def test_an_open_clock_once_breached_stays_breached(
    target_id: str, start: datetime, first_look: timedelta, then: timedelta
) -> None:
    ticket = ticket_for(target_id, start)
    target = CONTRACT.target(target_id)
    earlier = evaluate_target(ticket, target, CALENDAR, start + first_look, CONTRACT)
    later = evaluate_target(ticket, target, CALENDAR, start + first_look + then, CONTRACT)
    if earlier.status is Status.BREACHED:
        assert later.status is Status.BREACHED
        assert (later.overdue_seconds or 0) >= (earlier.overdue_seconds or 0)
    assert earlier.status in (Status.PENDING, Status.AT_RISK, Status.BREACHED)


@settings(max_examples=100, deadline=None)
@given(st.sampled_from(TARGET_IDS), instants, offsets)
def test_closing_a_ticket_without_its_stop_is_always_missing_evidence(
    target_id: str, start: datetime, closed_after: timedelta
) -> None:
    ticket = ticket_for(target_id, start, closed_at=start + closed_after)
    result = evaluate_target(
        ticket, CONTRACT.target(target_id), CALENDAR, start + closed_after, CONTRACT
    )
    assert result.status is Status.MISSING_EVIDENCE
