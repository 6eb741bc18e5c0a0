"""Time is an input: a ticket evaluated at `at` gives exactly what the ticket built only from
the events up to `at` gives (hypothesis), for random status histories with waits, premature
resolutions and reopens and severity changes, under both reopen policies and with the
`resolved` stretch counted as a pause or not.

Histories close at most once, at their end: a ticket stores only its final closure, so a
closure a reopen later undid is not known as of a moment in between (see README, clocks).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.contract.clocks import ClockRules, ReopenPolicy
from monitor.contract.model import Contract, load_contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Ticket
from monitor.rules.history import Phase, StatusEvent, derive
from monitor.rules.status import evaluate

CONTRACT: Contract = load_contract()
CALENDAR = BusinessCalendar.from_config(CONTRACT.calendar)
BEGIN = datetime(2024, 9, 27, 1, 0, tzinfo=UTC)  # the working-day report spans National Day
SEVERITIES = ["major", "significant", "general"]


@st.composite
def histories(draw: st.DrawFn) -> list[StatusEvent]:
    count = draw(st.integers(1, 12))
    at = BEGIN
    events = [StatusEvent(at, 0, Phase.OPEN, None, False, draw(st.sampled_from(SEVERITIES)))]
    for sequence in range(1, count):
        at += draw(
            st.one_of(
                st.sampled_from([timedelta(minutes=m) for m in (1, 10, 30, 90)]),
                st.timedeltas(timedelta(seconds=1), timedelta(days=3)),
            )
        )
        last = sequence == count - 1
        phases = [Phase.OPEN, Phase.WAITING, Phase.RESOLVED] + ([Phase.CLOSED] if last else [])
        phase = draw(st.sampled_from(phases))
        reason = (
            draw(st.sampled_from(["awaiting_user", "awaiting_vendor"]))
            if phase is Phase.WAITING
            else None
        )
        severity = draw(st.one_of(st.none(), st.sampled_from(SEVERITIES)))
        events.append(StatusEvent(at, sequence, phase, reason, draw(st.booleans()), severity))
    return events


def ticket_from(events: list[StatusEvent], extra: dict[str, datetime | None]) -> Ticket:
    derived = derive(events)
    return Ticket(
        ticket_id="H-1",
        kind="fault",
        severity=derived.severity,
        reported_at=derived.first_at,
        responded_at=derived.responded_at,
        restored_at=derived.restored_at,
        closed_at=derived.closed_at,
        pauses=derived.pauses,
        reopens=derived.reopens,
        severity_changes=derived.severity_changes,
        **extra,  # type: ignore[arg-type]
    )


contracts = st.builds(
    lambda reopen, reasons: CONTRACT.model_copy(
        update={"clocks": ClockRules(reopen=reopen, pause_reasons=reasons)}
    ),
    st.sampled_from(list(ReopenPolicy)),
    st.sampled_from([("awaiting_user",), ("awaiting_user", "resolved"), ()]),
)
snapshot_events = st.fixed_dictionaries(
    {
        name: st.one_of(st.none(), st.timedeltas(timedelta(0), timedelta(days=4)))
        for name in ("arrived_at", "report_submitted_at")
    }
)


@settings(max_examples=400, deadline=None)
@given(histories(), snapshot_events, st.timedeltas(timedelta(0), timedelta(days=25)), contracts)
def test_evaluating_at_a_moment_equals_evaluating_the_history_known_then(
    events: list[StatusEvent],
    offsets: dict[str, timedelta | None],
    after: timedelta,
    contract: Contract,
) -> None:
    extra = {name: None if offset is None else BEGIN + offset for name, offset in offsets.items()}
    at = BEGIN + after
    known = [event for event in events if event.at <= at]
    full = evaluate([ticket_from(events, extra)], contract, CALENDAR, at)
    then = evaluate([ticket_from(known, extra)], contract, CALENDAR, at)
    assert full == then
