"""The default contract's general-fault, service-request and resource-request targets, judged
on both rule paths. The 2024 Mid-Autumn break (Sun 15 – Tue 17 September, with Saturday
14 September a make-up working day) puts holidays and 调休 inside the clocks."""

from __future__ import annotations

from datetime import datetime

import pytest

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Status, TargetResult, Ticket
from monitor.rules.all_tickets import evaluate_batch
from monitor.rules.status import evaluate
from tests.conftest import local


def judged(
    contract: Contract,
    calendar: BusinessCalendar,
    ticket: Ticket,
    target_id: str,
    now: datetime,
) -> TargetResult:
    results = evaluate([ticket], contract, calendar, now)
    assert evaluate_batch([ticket], contract, calendar, now) == results
    return next(result for result in results if result.target_id == target_id)


def test_a_general_fault_is_resolved_within_24_hours(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    fault = Ticket("GZ-9", "fault", local("2024-06-03 10:00"), "general")
    late = Ticket(
        "GZ-9", "fault", local("2024-06-03 10:00"), "general", restored_at=local("2024-06-04 10:01")
    )
    running = judged(contract, calendar, fault, "general.restore", local("2024-06-03 12:00"))
    assert (running.status, running.deadline) == (Status.PENDING, local("2024-06-04 10:00"))
    result = judged(contract, calendar, late, "general.restore", local("2024-06-05 09:00"))
    assert (result.status, result.overdue_seconds) == (Status.BREACHED, 60)


@pytest.mark.parametrize(
    ("reported", "deadline"),
    [
        # Fri 16:00–17:30 is 1.5 h; the 调休 Saturday opens at 08:30: 2.5 h more by 11:00.
        ("2024-09-13 16:00", "2024-09-14 11:00"),
        # Sat 16:00–17:30 is 1.5 h; the holidays are closed; Wed 08:30 + 2.5 h.
        ("2024-09-14 16:00", "2024-09-18 11:00"),
        # Fri 11:30–12:00 is 0.5 h; the lunch break does not count; 13:30 + 3.5 h.
        ("2024-09-13 11:30", "2024-09-13 17:00"),
    ],
)
def test_a_service_request_is_answered_within_four_hours_of_working_time(
    contract: Contract, calendar: BusinessCalendar, reported: str, deadline: str
) -> None:
    request = Ticket("FW-9", "request", local(reported), responded_at=local(deadline))
    result = judged(contract, calendar, request, "request.response", local("2024-09-30 09:00"))
    assert (result.status, result.deadline) == (Status.MET, local(deadline))


def test_a_service_request_answered_a_second_late_is_breached(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    request = Ticket(
        "FW-9", "request", local("2024-09-13 16:00"), responded_at=local("2024-09-14 11:00:01")
    )
    result = judged(contract, calendar, request, "request.response", local("2024-09-30 09:00"))
    assert (result.status, result.overdue_seconds) == (Status.BREACHED, 1)


def test_a_service_request_is_completed_within_two_working_days(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # Fri 13th is the day of the request; Sat 14th (调休) and Wed 18th are the two working days.
    request = Ticket("FW-9", "request", local("2024-09-13 10:00"))
    result = judged(contract, calendar, request, "request.complete", local("2024-09-14 10:00"))
    assert (result.status, result.deadline) == (Status.PENDING, local("2024-09-19 00:00"))


def test_a_resource_request_is_accepted_within_three_working_days(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # Thu 12th is the day of the request; Fri 13th, Sat 14th (调休) and Wed 18th count.
    application = Ticket(
        "ZY-9", "provision", local("2024-09-12 15:00"), responded_at=local("2024-09-19 08:00")
    )
    result = judged(contract, calendar, application, "provision.accept", local("2024-09-30 09:00"))
    assert (result.status, result.deadline) == (Status.BREACHED, local("2024-09-19 00:00"))


def test_resources_are_reviewed_and_delivered_within_five_working_days_of_acceptance(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # Accepted Fri 13th: Sat 14th, Wed 18th, Thu 19th, Fri 20th and Mon 23rd.
    application = Ticket(
        "ZY-9",
        "provision",
        local("2024-09-12 15:00"),
        responded_at=local("2024-09-13 09:00"),
        restored_at=local("2024-09-23 23:59"),
    )
    result = judged(contract, calendar, application, "provision.deliver", local("2024-09-30 09:00"))
    assert (result.status, result.deadline) == (Status.MET, local("2024-09-24 00:00"))


def test_delivery_is_not_timed_before_the_request_is_accepted(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    application = Ticket("ZY-9", "provision", local("2024-09-12 15:00"))
    result = judged(contract, calendar, application, "provision.deliver", local("2024-09-13 09:00"))
    assert result.status is Status.NOT_STARTED
