"""A status history → responded/restored/closed times, pauses, reopens, severity changes."""

from __future__ import annotations

from monitor.domain.tickets import Pause, SeverityChange
from monitor.rules.history import Phase, StatusEvent, derive
from tests.conftest import local

OPEN, WAITING, RESOLVED, CLOSED = Phase.OPEN, Phase.WAITING, Phase.RESOLVED, Phase.CLOSED


def event(
    at: str,
    phase: Phase,
    sequence: int = 0,
    reason: str | None = None,
    severity: str | None = "general",
) -> StatusEvent:
    responds = phase is not OPEN or sequence > 0
    return StatusEvent(local(at), sequence, phase, reason, responds, severity)


def test_a_wait_for_the_user_becomes_a_pause_ending_at_the_next_status() -> None:
    derived = derive(
        [
            event("2024-06-03 10:00", OPEN),
            event("2024-06-03 10:20", WAITING, 1, "awaiting_user"),
            event("2024-06-03 11:00", WAITING, 2, "awaiting_user"),  # an update while waiting
            event("2024-06-03 12:00", OPEN, 3),
            event("2024-06-03 12:30", RESOLVED, 4),
            event("2024-06-04 09:00", CLOSED, 5),
        ]
    )
    assert derived.pauses == (
        Pause(local("2024-06-03 10:20"), local("2024-06-03 12:00"), "awaiting_user"),
    )
    assert derived.responded_at == local("2024-06-03 10:20")
    assert derived.restored_at == local("2024-06-03 12:30")
    assert derived.closed_at == local("2024-06-04 09:00")
    assert derived.reopens == ()


def test_a_history_ending_in_a_wait_leaves_the_pause_open() -> None:
    derived = derive(
        [event("2024-06-03 10:00", OPEN), event("2024-06-03 10:20", WAITING, 1, "awaiting_user")]
    )
    assert derived.pauses == (Pause(local("2024-06-03 10:20"), None, "awaiting_user"),)
    assert derived.restored_at is None


def test_a_change_of_waiting_reason_splits_the_pause() -> None:
    derived = derive(
        [
            event("2024-06-03 10:00", WAITING, 0, "awaiting_user"),
            event("2024-06-03 11:00", WAITING, 1, "awaiting_vendor"),
            event("2024-06-03 12:00", OPEN, 2),
        ]
    )
    assert [(p.reason, p.end) for p in derived.pauses] == [
        ("awaiting_user", local("2024-06-03 11:00")),
        ("awaiting_vendor", local("2024-06-03 12:00")),
    ]


def test_a_reopen_discards_the_premature_resolution_and_records_the_stretch() -> None:
    derived = derive(
        [
            event("2024-06-03 10:00", OPEN),
            event("2024-06-03 11:00", RESOLVED, 1),
            event("2024-06-03 11:30", OPEN, 2),
            event("2024-06-03 13:30", RESOLVED, 3),
            event("2024-06-03 13:45", RESOLVED, 4),  # an update while resolved
            event("2024-06-05 09:00", CLOSED, 5),
        ]
    )
    assert derived.reopens == (local("2024-06-03 11:30"),)
    assert derived.pauses == (
        Pause(local("2024-06-03 11:00"), local("2024-06-03 11:30"), "resolved"),
    )
    assert derived.restored_at == local("2024-06-03 13:30")
    assert derived.closed_at == local("2024-06-05 09:00")


def test_a_ticket_reopened_and_still_open_has_no_restoration() -> None:
    derived = derive(
        [
            event("2024-06-03 10:00", OPEN),
            event("2024-06-03 11:00", CLOSED, 1),
            event("2024-06-03 11:30", OPEN, 2),
        ]
    )
    assert (derived.restored_at, derived.closed_at) == (None, None)


def test_events_are_taken_in_time_then_sequence_order_whatever_the_row_order() -> None:
    # ServiceNow's sys_mod_count is not always in time order (INC0000130); time wins.
    derived = derive(
        [
            event("2024-06-03 12:00", RESOLVED, 1),
            event("2024-06-03 10:00", OPEN, 2),
            event("2024-06-03 12:00", CLOSED, 3),
        ]
    )
    assert (derived.first_at, derived.restored_at, derived.closed_at) == (
        local("2024-06-03 10:00"),
        local("2024-06-03 12:00"),
        local("2024-06-03 12:00"),
    )


def test_a_severity_change_is_recorded_when_it_happens() -> None:
    derived = derive(
        [
            event("2024-06-03 10:00", OPEN, 0, severity="general"),
            event("2024-06-03 10:05", OPEN, 1, severity="general"),
            event("2024-06-03 10:30", OPEN, 2, severity="major"),
            event("2024-06-03 11:00", OPEN, 3, severity=None),  # not recorded on this update
        ]
    )
    # Led by the severity it was reported with, so that the old severity's targets are known.
    assert derived.severity_changes == (
        SeverityChange(local("2024-06-03 10:00"), "general"),
        SeverityChange(local("2024-06-03 10:30"), "major"),
    )
    assert derived.severity == "major"


def test_the_leading_severity_is_dated_from_the_sources_own_report_time() -> None:
    history = [
        event("2024-06-03 10:05", OPEN, 0, severity="major"),
        event("2024-06-03 10:40", OPEN, 1, severity="general"),
    ]
    derived = derive(history, reported_at=local("2024-06-03 10:00"))
    assert derived.severity_changes == (
        SeverityChange(local("2024-06-03 10:00"), "major"),
        SeverityChange(local("2024-06-03 10:40"), "general"),
    )


def test_a_severity_that_never_changes_records_no_change() -> None:
    derived = derive([event("2024-06-03 10:00", OPEN, 0), event("2024-06-03 10:30", OPEN, 1)])
    assert derived.severity_changes == ()
