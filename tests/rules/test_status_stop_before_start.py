"""A stop recorded before its start is a data error: missing evidence, never met.

Both the scalar rules and the column rules decide it (tests/rules/test_status_arrays.py compares
them
on random tickets too); the scorecard counts it as it counts any missing evidence.
"""

from __future__ import annotations

from datetime import timedelta

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.tickets import STOP_BEFORE_START, SeverityChange, Status, TargetResult, Ticket
from monitor.rules.all_tickets import evaluate_batch
from monitor.rules.status import evaluate
from monitor.scorecard.ticket_indicators import fault_response_timeliness
from tests.conftest import local

REPORTED = local("2024-06-03 10:00")
LATER = local("2024-06-10 00:00")


def major_fault(ticket_id: str = "GZ-X", **events: object) -> Ticket:
    return Ticket(
        ticket_id=ticket_id,
        kind="fault",
        severity="major",
        reported_at=REPORTED,
        **events,  # type: ignore[arg-type]
    )


def results(
    contract: Contract, calendar: BusinessCalendar, *tickets: Ticket
) -> dict[tuple[str, str], TargetResult]:
    scalar = evaluate(list(tickets), contract, calendar, LATER)
    assert evaluate_batch(list(tickets), contract, calendar, LATER) == scalar
    return {(r.ticket_id, r.target_id): r for r in scalar}


def test_a_restoration_before_the_report_is_missing_evidence_with_its_reason(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(restored_at=REPORTED - timedelta(hours=1))
    restore = results(contract, calendar, ticket)[("GZ-X", "major.restore")]
    assert (restore.status, restore.start, restore.stop, restore.overdue_seconds) == (
        Status.MISSING_EVIDENCE,
        REPORTED,
        REPORTED - timedelta(hours=1),
        None,
    )
    assert restore.deadline == local("2024-06-03 12:00")
    assert restore.at_risk_from is None
    assert restore.explanation_zh == STOP_BEFORE_START == "结束时间早于开始时间 (stop before start)"


def test_a_stop_a_microsecond_before_its_start_is_caught_and_one_at_it_is_met(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    early = major_fault("A", arrived_at=REPORTED - timedelta(microseconds=1))
    same = major_fault("B", arrived_at=REPORTED)
    found = results(contract, calendar, early, same)
    assert found[("A", "major.arrival")].status is Status.MISSING_EVIDENCE
    assert found[("B", "major.arrival")].status is Status.MET


def test_a_report_submitted_before_the_restoration_is_caught_on_a_working_day_clock(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(
        restored_at=local("2024-06-03 11:00"), report_submitted_at=local("2024-06-03 10:30")
    )
    found = results(contract, calendar, ticket)
    assert found[("GZ-X", "major.restore")].status is Status.MET
    assert found[("GZ-X", "major.report")].status is Status.MISSING_EVIDENCE


def test_a_restore_without_its_size_and_a_stop_before_its_start_is_missing_evidence(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = Ticket(
        ticket_id="BK-1",
        kind="restore",
        reported_at=REPORTED,
        responded_at=local("2024-06-03 11:00"),
        restored_at=local("2024-06-03 10:50"),
    )
    duration = results(contract, calendar, ticket)[("BK-1", "restore.duration")]
    assert (duration.status, duration.deadline) == (Status.MISSING_EVIDENCE, None)


def test_an_arrival_before_an_upgrade_is_not_a_data_error(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # The clock of the new severity starts at the upgrade (10:30); the engineer was already on
    # site at 10:10. Only the recorded start event (the report) is checked against the stop.
    ticket = major_fault(
        arrived_at=local("2024-06-03 10:10"),
        severity_changes=(
            SeverityChange(REPORTED, "general"),
            SeverityChange(local("2024-06-03 10:30"), "major"),
        ),
    )
    arrival = results(contract, calendar, ticket)[("GZ-X", "major.arrival")]
    assert (arrival.status, arrival.start) == (Status.MET, local("2024-06-03 10:30"))


def test_an_evaluation_before_the_start_has_happened_sees_no_error_yet(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(
        restored_at=local("2024-06-03 11:00"), report_submitted_at=local("2024-06-03 10:30")
    )
    at = local("2024-06-03 10:45")  # the report exists, the restoration does not yet
    found = {r.target_id: r for r in evaluate([ticket], contract, calendar, at)}
    assert found["major.report"].status is Status.NOT_STARTED


def test_the_scorecard_counts_it_as_a_late_fault_like_any_missing_evidence(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    inverted = major_fault(
        "A",
        arrived_at=REPORTED + timedelta(minutes=10),
        restored_at=REPORTED - timedelta(minutes=5),
    )
    fine = major_fault(
        "B",
        arrived_at=REPORTED + timedelta(minutes=10),
        restored_at=REPORTED + timedelta(hours=1),
        report_submitted_at=REPORTED + timedelta(days=1),
    )
    found = evaluate([inverted, fine], contract, calendar, LATER)
    score = fault_response_timeliness(
        [inverted, fine], found, parse_period("2024-06", contract.zone), contract
    )
    assert (score.points, score.evidence) == (2, ("A",))
