"""Target statuses, decided by monitor.rules.status, the evaluation time pinned in every test."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from monitor.contract.model import Contract, Target
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Status, TargetResult, Ticket
from monitor.rules.status import evaluate, evaluate_target
from tests.conftest import local

REPORTED = local("2024-06-03 10:00")  # a Monday


def major_fault(**events: datetime | None) -> Ticket:
    return Ticket(ticket_id="GZ-1", kind="fault", severity="major", reported_at=REPORTED, **events)


def check(
    contract: Contract, calendar: BusinessCalendar, ticket: Ticket, target_id: str, now: datetime
) -> TargetResult:
    return evaluate_target(ticket, contract.target(target_id), calendar, now, contract)


def test_arrival_at_exactly_thirty_minutes_is_met(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(arrived_at=local("2024-06-03 10:30:00"))
    result = check(contract, calendar, ticket, "major.arrival", local("2024-06-03 12:00"))
    assert result.status is Status.MET
    assert result.deadline == local("2024-06-03 10:30")
    assert result.overdue_seconds == 0


def test_breach_when_arrival_is_one_second_late(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(arrived_at=local("2024-06-03 10:30:01"))
    result = check(contract, calendar, ticket, "major.arrival", local("2024-06-03 12:00"))
    assert result.status is Status.BREACHED
    assert result.overdue_seconds == 1


def test_breach_when_arrival_is_one_minute_late(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(arrived_at=local("2024-06-03 10:31"))
    result = check(contract, calendar, ticket, "major.arrival", local("2024-06-03 12:00"))
    assert (result.status, result.overdue_seconds) == (Status.BREACHED, 60)


def test_an_open_clock_is_pending_then_at_risk_then_breached(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault()
    statuses = {
        minute: check(
            contract, calendar, ticket, "major.arrival", REPORTED + timedelta(minutes=minute)
        )
        for minute in (0, 23, 24, 30)
    }
    # at-risk fraction 0.2 of 30 min: the last 6 minutes, from 10:24.
    assert statuses[0].status is Status.PENDING
    assert statuses[23].status is Status.PENDING
    assert statuses[24].status is Status.AT_RISK
    assert statuses[24].at_risk_from == local("2024-06-03 10:24")
    assert statuses[30].status is Status.AT_RISK  # not yet late at the deadline itself
    one_second_past = check(
        contract, calendar, ticket, "major.arrival", local("2024-06-03 10:30:01")
    )
    assert (one_second_past.status, one_second_past.overdue_seconds) == (Status.BREACHED, 1)


def test_an_open_breach_grows_with_the_evaluation_time(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    result = check(contract, calendar, major_fault(), "major.restore", local("2024-06-03 15:00"))
    assert (result.status, result.overdue_seconds) == (Status.BREACHED, 3 * 3600)
    assert result.stop is None


def test_a_fixed_lead_time_warning_replaces_the_fraction(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    target = contract.target("major.arrival").model_copy(
        update={"warn_before": timedelta(minutes=10)}
    )
    ticket = major_fault()
    assert (
        evaluate_target(ticket, target, calendar, local("2024-06-03 10:19:59"), contract).status
        is Status.PENDING
    )
    result = evaluate_target(ticket, target, calendar, local("2024-06-03 10:20"), contract)
    assert (result.status, result.at_risk_from) == (Status.AT_RISK, local("2024-06-03 10:20"))


def test_a_missing_start_on_an_open_ticket_is_not_started(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    result = check(contract, calendar, major_fault(), "major.report", local("2024-06-10 10:00"))
    assert (result.status, result.deadline, result.overdue_seconds) == (
        Status.NOT_STARTED,
        None,
        None,
    )


def test_a_closed_ticket_without_the_stop_event_is_missing_evidence_whatever_the_time(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(restored_at=local("2024-06-03 11:00"), closed_at=local("2024-06-03 11:05"))
    # Closed five minutes after restore: the arrival was never recorded, long before any deadline.
    result = check(contract, calendar, ticket, "major.arrival", local("2024-06-03 11:06"))
    assert result.status is Status.MISSING_EVIDENCE
    # The report deadline is days away, but a closed ticket will never get its report recorded.
    report = check(contract, calendar, ticket, "major.report", local("2024-06-03 11:06"))
    assert report.status is Status.MISSING_EVIDENCE
    assert report.deadline == local("2024-06-07 00:00")


def test_a_closed_ticket_without_the_start_event_is_missing_evidence(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(
        report_submitted_at=local("2024-06-04 09:00"), closed_at=local("2024-06-04 10:00")
    )
    result = check(contract, calendar, ticket, "major.report", local("2024-06-05 10:00"))
    assert result.status is Status.MISSING_EVIDENCE


def test_a_report_on_the_last_working_day_is_met_and_the_next_day_is_not(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # Restored Fri 2024-09-27 → Sun 09-29 (调休), Mon 09-30, Tue 10-08: ends 10-09 00:00.
    restored = {"restored_at": local("2024-09-27 16:00")}
    in_time = major_fault(**restored, report_submitted_at=local("2024-10-08 23:59:59"))
    late = major_fault(**restored, report_submitted_at=local("2024-10-09 00:00:01"))
    at = local("2024-12-01 00:00")
    assert check(contract, calendar, in_time, "major.report", at).status is Status.MET
    result = check(contract, calendar, late, "major.report", at)
    assert (result.status, result.overdue_seconds) == (Status.BREACHED, 1)


def test_events_after_the_evaluation_time_have_not_happened_yet(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(arrived_at=local("2024-06-03 10:40"), closed_at=local("2024-06-03 18:00"))
    result = check(contract, calendar, ticket, "major.arrival", local("2024-06-03 10:26"))
    assert (result.status, result.stop) == (Status.AT_RISK, None)


def test_times_with_other_offsets_compare_as_instants(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # 02:29:59 UTC is 10:29:59 in Shanghai: in time.
    ticket = major_fault(arrived_at=datetime(2024, 6, 3, 2, 29, 59, tzinfo=UTC))
    result = check(contract, calendar, ticket, "major.arrival", local("2024-06-04 00:00"))
    assert result.status is Status.MET


def test_restore_duration_scales_with_the_size_restored(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    responded = local("2024-06-03 10:00")
    ticket = Ticket(
        ticket_id="HF-1",
        kind="restore",
        reported_at=responded,
        responded_at=responded,
        restored_at=local("2024-06-04 21:59"),
        restore_size_gb=1536,
    )
    result = check(contract, calendar, ticket, "restore.duration", local("2024-06-10 00:00"))
    # 1.5 TB at 24 h per TB: 36 h, until 2024-06-04 22:00.
    assert (result.status, result.deadline) == (Status.MET, local("2024-06-04 22:00"))
    slow = replace(ticket, restored_at=local("2024-06-04 22:30"))
    assert (
        check(contract, calendar, slow, "restore.duration", local("2024-06-10 00:00")).status
        is Status.BREACHED
    )


def test_a_restore_without_its_size_cannot_be_judged(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    start = local("2024-06-03 10:00")
    ticket = Ticket(ticket_id="HF-2", kind="restore", reported_at=start, responded_at=start)
    assert (
        check(contract, calendar, ticket, "restore.duration", local("2024-06-03 11:00")).status
        is Status.PENDING
    )
    closed = replace(
        ticket, restored_at=local("2024-06-03 12:00"), closed_at=local("2024-06-03 13:00")
    )
    result = check(contract, calendar, closed, "restore.duration", local("2024-06-03 14:00"))
    assert (result.status, result.deadline) == (Status.MISSING_EVIDENCE, None)


def test_only_the_targets_of_the_tickets_kind_and_severity_apply(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    tickets = [
        major_fault(),
        Ticket(ticket_id="GZ-2", kind="fault", severity="significant", reported_at=REPORTED),
        Ticket(ticket_id="GZ-3", kind="fault", severity="general", reported_at=REPORTED),
        Ticket(ticket_id="FW-1", kind="request", reported_at=REPORTED),
        Ticket(ticket_id="GZ-4", kind="fault", reported_at=REPORTED),  # no severity recorded
        Ticket(ticket_id="JK-1", kind="monitoring", reported_at=REPORTED),
        Ticket(ticket_id="ZY-1", kind="provision", reported_at=REPORTED),
    ]
    results = evaluate(tickets, contract, calendar, local("2024-06-03 10:05"))
    targets = {(r.ticket_id, r.target_id) for r in results}
    assert targets == {
        ("GZ-1", "major.arrival"),
        ("GZ-1", "major.restore"),
        ("GZ-1", "major.report"),
        ("GZ-2", "significant.restore"),
        ("GZ-3", "general.restore"),
        ("FW-1", "request.response"),
        ("FW-1", "request.complete"),
        ("JK-1", "monitoring.response"),
        ("JK-1", "monitoring.complete"),
        ("ZY-1", "provision.accept"),
        ("ZY-1", "provision.deliver"),
    }


def test_a_ticket_reported_after_the_evaluation_time_is_not_evaluated(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    assert evaluate([major_fault()], contract, calendar, local("2024-06-03 09:59")) == []


@pytest.mark.parametrize("target_id", ["major.arrival", "major.restore", "major.report"])
def test_every_default_target_sets_a_deadline_after_its_start(
    contract: Contract, calendar: BusinessCalendar, target_id: str
) -> None:
    ticket = major_fault(restored_at=local("2024-06-03 11:00"))
    result = check(contract, calendar, ticket, target_id, local("2024-06-03 11:30"))
    assert result.deadline is not None and result.start is not None
    assert result.deadline > result.start


def test_target_applies_to_listed_severities_only(contract: Contract) -> None:
    target: Target = contract.target("significant.restore")
    assert target.applies_to("fault", "significant")
    assert not target.applies_to("fault", "major")
    assert not target.applies_to("anomaly", "significant")
