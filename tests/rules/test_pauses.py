"""Clocks that stand still while a ticket waits, reopens and severity changes
(monitor.rules.status).

Times are Asia/Shanghai wall times unless a test says otherwise; the default contract pauses
for awaiting_user only.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from monitor.contract.clocks import ClockRules, OperatorClass, ReopenPolicy, SeverityChangePolicy
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Pause, SeverityChange, Status, TargetResult, Ticket
from monitor.rules.status import evaluate_target
from tests.conftest import local

REPORTED = local("2024-06-03 10:00")  # a Monday


def major_fault(*pauses: Pause, **events: object) -> Ticket:
    return Ticket(
        ticket_id="GZ-8",
        kind="fault",
        severity="major",
        reported_at=REPORTED,
        pauses=pauses,
        **events,  # type: ignore[arg-type]
    )


def waiting(start: str, end: str | None, reason: str = "awaiting_user") -> Pause:
    return Pause(local(start), local(end) if end else None, reason)


def check(
    contract: Contract, calendar: BusinessCalendar, ticket: Ticket, target_id: str, now: datetime
) -> TargetResult:
    return evaluate_target(ticket, contract.target(target_id), calendar, now, contract)


def test_waiting_for_the_user_moves_the_restore_deadline_by_the_wait(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(
        waiting("2024-06-03 10:30", "2024-06-03 11:00"), restored_at=local("2024-06-03 12:20")
    )
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 18:00"))
    assert (result.status, result.deadline) == (Status.MET, local("2024-06-03 12:30"))


def test_waiting_for_the_operators_own_vendor_does_not_pause(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(
        waiting("2024-06-03 10:30", "2024-06-03 11:00", "awaiting_vendor"),
        restored_at=local("2024-06-03 12:20"),
    )
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 18:00"))
    assert (result.status, result.deadline, result.overdue_seconds) == (
        Status.BREACHED,
        local("2024-06-03 12:00"),
        1200,
    )


def test_an_open_wait_holds_the_clock_and_shows_the_deadline_if_it_resumed_now(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # Paused at 11:50 with 10 minutes left; at 13:00 it is still waiting for the user.
    ticket = major_fault(waiting("2024-06-03 11:50", None))
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 13:00"))
    assert result.status is Status.AT_RISK  # 10 min left ≤ 0.2 × 2 h
    assert result.deadline == local("2024-06-03 13:10")
    assert result.at_risk_from is None  # no running clock will reach it
    assert result.overdue_seconds == 0


def test_a_wait_that_ends_after_the_evaluation_time_is_still_open_then(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(waiting("2024-06-03 10:30", "2024-06-03 20:00"))
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 13:00"))
    # 30 min used, 90 min left: pending, deadline 13:00 + 90 min as of now.
    assert (result.status, result.deadline) == (Status.PENDING, local("2024-06-03 14:30"))


def test_a_wait_begun_after_the_deadline_cannot_save_it(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(waiting("2024-06-03 12:30", None))
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 13:00"))
    assert (result.status, result.deadline, result.overdue_seconds) == (
        Status.BREACHED,
        local("2024-06-03 12:00"),
        3600,
    )


def test_a_wait_after_the_restoration_changes_nothing(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(
        waiting("2024-06-03 11:30", "2024-06-03 15:00"), restored_at=local("2024-06-03 11:00")
    )
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 18:00"))
    assert (result.status, result.deadline) == (Status.MET, local("2024-06-03 12:00"))


def test_after_a_wait_the_at_risk_moment_moves_with_the_deadline(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(waiting("2024-06-03 10:30", "2024-06-03 11:00"))
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 11:40"))
    assert result.status is Status.PENDING
    assert result.deadline == local("2024-06-03 12:30")
    assert result.at_risk_from == local("2024-06-03 12:06")  # 24 min (0.2 × 2 h) before


def test_a_working_day_that_ends_while_waiting_is_not_counted(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # Restored Monday 06-03: 3 working days → end of Thursday 06-06. Tuesday 06-04 ends while
    # the ticket waits for the user, so it is not counted: the limit runs to the end of Friday.
    restored = {"restored_at": local("2024-06-03 10:00")}
    whole_day = major_fault(waiting("2024-06-03 18:00", "2024-06-05 08:00"), **restored)
    result = check(contract, calendar, whole_day, "major.report", local("2024-06-05 09:00"))
    assert result.deadline == local("2024-06-08 00:00")


def test_a_wait_that_ends_the_same_working_day_changes_nothing(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    restored = {"restored_at": local("2024-06-03 10:00")}
    part_day = major_fault(waiting("2024-06-04 09:00", "2024-06-04 17:00"), **restored)
    result = check(contract, calendar, part_day, "major.report", local("2024-06-05 09:00"))
    assert result.deadline == local("2024-06-07 00:00")


def reopened_fault() -> Ticket:
    """Reported 10:00, marked resolved 11:00, reopened 11:30, really restored 13:30."""
    return major_fault(
        waiting("2024-06-03 11:00", "2024-06-03 11:30", "resolved"),
        restored_at=local("2024-06-03 13:30"),
        reopens=(local("2024-06-03 11:30"),),
    )


def test_a_reopened_fault_continues_its_restore_clock_by_default(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    result = check(contract, calendar, reopened_fault(), "major.restore", local("2024-06-03 18:00"))
    assert (result.status, result.start, result.deadline, result.overdue_seconds) == (
        Status.BREACHED,
        local("2024-06-03 10:00"),
        local("2024-06-03 12:00"),
        5400,
    )


def test_a_contract_may_pause_the_clock_while_a_premature_resolution_stood(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    pausing = contract.model_copy(
        update={"clocks": ClockRules(pause_reasons=("awaiting_user", "resolved"))}
    )
    result = check(pausing, calendar, reopened_fault(), "major.restore", local("2024-06-03 18:00"))
    assert (result.deadline, result.overdue_seconds) == (local("2024-06-03 12:30"), 3600)


def test_a_contract_may_restart_the_restore_clock_at_the_reopen(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    restarting = contract.model_copy(update={"clocks": ClockRules(reopen=ReopenPolicy.RESTART)})
    result = check(
        restarting, calendar, reopened_fault(), "major.restore", local("2024-06-03 18:00")
    )
    assert (result.status, result.start, result.deadline) == (
        Status.MET,
        local("2024-06-03 11:30"),
        local("2024-06-03 13:30"),
    )


def test_an_upgrade_to_major_counts_the_major_targets_from_the_upgrade(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = major_fault(severity_changes=(SeverityChange(local("2024-06-03 10:30"), "major"),))
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 11:00"))
    assert (result.start, result.deadline) == (local("2024-06-03 10:30"), local("2024-06-03 12:30"))


def test_a_contract_may_count_the_new_severity_from_the_report(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    from_report = contract.model_copy(
        update={"clocks": ClockRules(severity_change=SeverityChangePolicy.FROM_REPORT)}
    )
    ticket = major_fault(severity_changes=(SeverityChange(local("2024-06-03 10:30"), "major"),))
    result = check(from_report, calendar, ticket, "major.restore", local("2024-06-03 11:00"))
    assert result.deadline == local("2024-06-03 12:00")


def security_incident(**events: object) -> Ticket:
    return Ticket(
        ticket_id="AQ-1",
        kind="security",
        severity="significant",
        reported_at=REPORTED,
        **events,  # type: ignore[arg-type]
    )


def test_a_security_incident_is_reported_within_4_hours_by_an_ordinary_operator(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = security_incident(regulator_reported_at=local("2024-06-03 14:00"))
    result = check(contract, calendar, ticket, "security.report", local("2024-06-03 18:00"))
    assert (result.status, result.deadline) == (Status.MET, local("2024-06-03 14:00"))


def test_a_critical_infrastructure_operator_has_1_hour(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    cii = contract.model_copy(update={"operator_class": OperatorClass.CII})
    ticket = security_incident(regulator_reported_at=local("2024-06-03 11:01"))
    result = check(cii, calendar, ticket, "security.report", local("2024-06-03 18:00"))
    assert (result.status, result.overdue_seconds) == (Status.BREACHED, 60)


def test_the_regulatory_clock_does_not_wait_for_the_user(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = security_incident(
        pauses=(waiting("2024-06-03 10:10", "2024-06-03 12:00"),),
        regulator_reported_at=local("2024-06-03 14:30"),
    )
    result = check(contract, calendar, ticket, "security.report", local("2024-06-03 18:00"))
    assert (result.deadline, result.overdue_seconds) == (local("2024-06-03 14:00"), 1800)


def test_a_general_security_incident_has_no_reporting_target(contract: Contract) -> None:
    target = contract.target("security.report")
    assert not target.applies_to("security", "general")
    assert target.applies_to("security", "major")
    assert contract.target("security.report").limit.by_operator_class is not None


def test_overlapping_waits_count_once(contract: Contract, calendar: BusinessCalendar) -> None:
    # Two overlapping waits merge: 10:20–10:50 and 10:40–11:20 are one 60-minute pause.
    ticket = major_fault(
        waiting("2024-06-03 10:20", "2024-06-03 10:50"),
        waiting("2024-06-03 10:40", "2024-06-03 11:20"),
    )
    result = check(contract, calendar, ticket, "major.restore", local("2024-06-03 12:00"))
    assert result.deadline == local("2024-06-03 13:00")


def test_a_wait_across_the_change_to_summer_time_moves_the_deadline_by_the_real_time(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # In Berlin the clocks go from 02:00 to 03:00 on 2024-03-31: a wait from 01:00 to 04:00 on
    # the wall lasts two hours. The 2 h restore clock of a fault reported at 22:30 UTC (23:30
    # CET) therefore ends at 02:30 UTC (04:30 CEST), not an hour later, and a restoration at
    # 04:45 CEST is 15 minutes late, whichever zone each time is written in.
    berlin_contract = contract.model_copy(update={"timezone": "Europe/Berlin"})
    berlin = ZoneInfo("Europe/Berlin")
    ticket = Ticket(
        ticket_id="GZ-9",
        kind="fault",
        severity="major",
        reported_at=datetime(2024, 3, 30, 22, 30, tzinfo=UTC),
        pauses=(
            Pause(
                datetime(2024, 3, 31, 1, tzinfo=berlin),
                datetime(2024, 3, 31, 4, tzinfo=berlin),
                "awaiting_user",
            ),
        ),
        restored_at=datetime(2024, 3, 31, 4, 45, tzinfo=berlin),
    )
    now = datetime(2024, 4, 1, tzinfo=UTC)
    result = check(berlin_contract, calendar, ticket, "major.restore", now)
    assert (result.status, result.deadline, result.overdue_seconds) == (
        Status.BREACHED,
        datetime(2024, 3, 31, 2, 30, tzinfo=UTC),
        15 * 60,
    )


def test_a_wait_on_a_restore_past_10_pb_leaves_it_an_evaluation_error(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = Ticket(
        ticket_id="BK-1",
        kind="restore",
        reported_at=REPORTED,
        responded_at=REPORTED,
        restore_size_gb=1e10,
        pauses=(waiting("2024-06-03 11:00", "2024-06-04 11:00"),),
    )
    result = check(contract, calendar, ticket, "restore.duration", local("2024-06-10 00:00"))
    assert (result.status, result.deadline) == (Status.EVALUATION_ERROR, None)
