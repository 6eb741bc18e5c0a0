"""Properties of paused clocks for any input the contract allows (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.domain.tickets import Pause, Status
from monitor.rules.status import evaluate_target
from tests.rules.test_status_properties import CALENDAR, CONTRACT, TARGET_IDS, ticket_for

# Targets whose clock pauses for the user (security.report never pauses).
PAUSING = [t for t in TARGET_IDS if CONTRACT.target(t).pause_reasons is None]
instants = st.datetimes(
    min_value=datetime(2005, 1, 1), max_value=datetime(2026, 10, 31), timezones=st.just(UTC)
)
spans = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=10))
lengths = st.timedeltas(min_value=timedelta(seconds=1), max_value=timedelta(days=5))


def evaluate(target_id: str, ticket: object, now: datetime) -> object:
    return evaluate_target(ticket, CONTRACT.target(target_id), CALENDAR, now, CONTRACT)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PAUSING), instants, spans, spans, lengths, st.booleans(), spans)
def test_adding_a_pause_never_moves_a_deadline_earlier(
    target_id: str,
    start: datetime,
    took: timedelta,
    pause_after: timedelta,
    pause_length: timedelta,
    stopped: bool,
    look: timedelta,
) -> None:
    plain = ticket_for(target_id, start, start + took if stopped else None)
    paused = replace(
        plain,
        pauses=(Pause(start + pause_after, start + pause_after + pause_length, "awaiting_user"),),
    )
    now = start + look
    before, after = evaluate(target_id, plain, now), evaluate(target_id, paused, now)
    assert before.deadline is not None and after.deadline is not None  # type: ignore[attr-defined]
    assert after.deadline >= before.deadline  # type: ignore[attr-defined]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PAUSING), instants, spans, spans, lengths)
def test_a_pause_entirely_after_the_stop_changes_nothing(
    target_id: str, start: datetime, took: timedelta, gap: timedelta, length: timedelta
) -> None:
    stop = start + took
    plain = ticket_for(target_id, start, stop)
    paused = replace(plain, pauses=(Pause(stop + gap, stop + gap + length, "awaiting_user"),))
    now = stop + gap + length + timedelta(days=30)
    assert evaluate(target_id, paused, now) == evaluate(target_id, plain, now)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(PAUSING), instants, spans, spans)
def test_an_open_clock_waiting_since_before_its_deadline_is_never_breached(
    target_id: str, start: datetime, pause_after: timedelta, waited: timedelta
) -> None:
    plain = ticket_for(target_id, start)
    deadline = evaluate(target_id, plain, start).deadline  # type: ignore[attr-defined]
    pause_start = min(start + pause_after, deadline - timedelta(seconds=1))
    paused = replace(plain, pauses=(Pause(pause_start, None, "awaiting_user"),))
    result = evaluate(target_id, paused, pause_start + waited)
    assert result.status in (Status.PENDING, Status.AT_RISK)  # type: ignore[attr-defined]
    assert result.at_risk_from is None  # type: ignore[attr-defined]


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(TARGET_IDS), instants, spans, spans, lengths, spans)
def test_a_pause_for_a_reason_the_contract_does_not_count_changes_nothing(
    target_id: str,
    start: datetime,
    took: timedelta,
    pause_after: timedelta,
    length: timedelta,
    look: timedelta,
) -> None:
    plain = ticket_for(target_id, start, start + took)
    vendor = Pause(start + pause_after, start + pause_after + length, "awaiting_vendor")
    paused = replace(plain, pauses=(vendor,))
    now = start + look
    assert evaluate(target_id, paused, now) == evaluate(target_id, plain, now)
