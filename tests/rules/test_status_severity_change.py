"""A severity change ends the old severity's targets and starts the new one's
(monitor.rules.status).

A breach that had already happened at the change is a fact and stays, so downgrading a ticket
cannot erase it; an old target still running at the change is no longer due; an upgrade adds
the new severity's targets from the change (`severity_change: from_change`, the default).
Times are Asia/Shanghai wall times; the fault is reported at 10:00.
"""

from __future__ import annotations

from monitor.contract.clocks import ClockRules, SeverityChangePolicy
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import SeverityChange, Status, TargetResult, Ticket
from monitor.rules.status import evaluate, evaluate_target
from tests.conftest import local

REPORTED = local("2024-06-03 10:00")


def fault(*changes: tuple[str, str], **events: object) -> Ticket:
    """A fault whose severity history is `changes` ((time, severity), the first at the report)."""
    history = tuple(SeverityChange(local(at), severity) for at, severity in changes)
    return Ticket(
        ticket_id="GZ-S",
        kind="fault",
        severity=history[-1].severity if history else "major",
        reported_at=REPORTED,
        severity_changes=history,
        **events,  # type: ignore[arg-type]
    )


def by_target(
    contract: Contract, calendar: BusinessCalendar, ticket: Ticket, now: str
) -> dict[str, TargetResult]:
    return {r.target_id: r for r in evaluate([ticket], contract, calendar, local(now))}


def brief(result: TargetResult) -> tuple[object, ...]:
    return (result.status, result.start, result.deadline, result.stop, result.overdue_seconds)


def test_a_major_arrival_breached_before_the_downgrade_stays_breached(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # Nobody on site by 10:30; downgraded to general at 11:00; arrived 11:30.
    ticket = fault(
        ("2024-06-03 10:00", "major"),
        ("2024-06-03 11:00", "general"),
        arrived_at=local("2024-06-03 11:30"),
    )
    found = by_target(contract, calendar, ticket, "2024-06-03 18:00")
    # The clock stopped at the downgrade, 30 min after its deadline.
    assert brief(found["major.arrival"]) == (
        Status.BREACHED,
        REPORTED,
        local("2024-06-03 10:30"),
        local("2024-06-03 11:00"),
        1800,
    )
    # The 2 h restore clock was still running at 11:00: no longer due.
    assert "major.restore" not in found
    assert "major.report" not in found


def test_a_late_arrival_before_the_downgrade_keeps_its_own_stop(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = fault(
        ("2024-06-03 10:00", "major"),
        ("2024-06-03 11:00", "general"),
        arrived_at=local("2024-06-03 10:45"),
    )
    found = by_target(contract, calendar, ticket, "2024-06-03 18:00")
    assert brief(found["major.arrival"]) == (
        Status.BREACHED,
        REPORTED,
        local("2024-06-03 10:30"),
        local("2024-06-03 10:45"),
        900,
    )


def test_a_downgrade_before_any_deadline_leaves_nothing_of_the_old_severity_open(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = fault(("2024-06-03 10:00", "major"), ("2024-06-03 10:20", "general"))
    found = by_target(contract, calendar, ticket, "2024-06-04 10:00")
    assert not [target for target in found if target.startswith("major.")]


def test_a_target_met_before_the_downgrade_stays_met(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = fault(
        ("2024-06-03 10:00", "major"),
        ("2024-06-03 11:00", "general"),
        arrived_at=local("2024-06-03 10:20"),
    )
    found = by_target(contract, calendar, ticket, "2024-06-03 18:00")
    assert found["major.arrival"].status is Status.MET
    assert "major.restore" not in found


def test_before_the_downgrade_the_old_severitys_clocks_run_as_usual(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = fault(("2024-06-03 10:00", "major"), ("2024-06-03 11:00", "general"))
    found = by_target(contract, calendar, ticket, "2024-06-03 10:45")
    assert (found["major.arrival"].status, found["major.restore"].status) == (
        Status.BREACHED,
        Status.PENDING,
    )


def test_a_downgrade_to_a_severity_with_its_own_target_starts_that_one_at_the_change(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = fault(("2024-06-03 10:00", "major"), ("2024-06-03 11:00", "significant"))
    found = by_target(contract, calendar, ticket, "2024-06-03 12:00")
    assert brief(found["significant.restore"])[:3] == (
        Status.PENDING,
        local("2024-06-03 11:00"),
        local("2024-06-03 15:00"),
    )
    assert found["major.arrival"].status is Status.BREACHED
    assert "major.restore" not in found


def test_an_upgrade_still_adds_the_new_targets_from_the_change(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    ticket = fault(("2024-06-03 10:00", "general"), ("2024-06-03 10:30", "major"))
    found = by_target(contract, calendar, ticket, "2024-06-03 11:30")
    assert brief(found["major.arrival"]) == (
        Status.BREACHED,
        local("2024-06-03 10:30"),
        local("2024-06-03 11:00"),
        None,
        1800,
    )
    assert found["major.restore"].deadline == local("2024-06-03 12:30")
    # The 24 h general restore clock was still running at the upgrade: no longer due.
    assert "general.restore" not in found
    # Before the upgrade the ticket was general: only the general target ran.
    assert set(by_target(contract, calendar, ticket, "2024-06-03 10:15")) == {"general.restore"}


def test_an_upgrade_counted_from_the_report_when_the_contract_says_so(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    from_report = contract.model_copy(
        update={"clocks": ClockRules(severity_change=SeverityChangePolicy.FROM_REPORT)}
    )
    ticket = fault(("2024-06-03 10:00", "general"), ("2024-06-03 10:30", "major"))
    found = by_target(from_report, calendar, ticket, "2024-06-03 11:00")
    assert found["major.restore"].deadline == local("2024-06-03 12:00")


def test_a_breach_in_an_earlier_stretch_outlives_a_later_upgrade_back(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # major (arrival breached 10:30) → general 11:00 → major again 12:00, arrived 12:10.
    ticket = fault(
        ("2024-06-03 10:00", "major"),
        ("2024-06-03 11:00", "general"),
        ("2024-06-03 12:00", "major"),
        arrived_at=local("2024-06-03 12:10"),
    )
    found = by_target(contract, calendar, ticket, "2024-06-03 18:00")
    assert brief(found["major.arrival"])[0::3] == (Status.BREACHED, local("2024-06-03 11:00"))
    # The restore clock was running at 11:00; it is judged again from 12:00.
    assert found["major.restore"].start == local("2024-06-03 12:00")


def test_a_history_stored_without_its_leading_severity_counts_the_new_one_from_the_change(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # As stored before the leading entry existed: the severity before 10:30 is not known.
    ticket = fault(("2024-06-03 10:30", "major"))
    restore = contract.target("major.restore")
    result = evaluate_target(ticket, restore, calendar, local("2024-06-03 11:00"), contract)
    assert (result.start, result.deadline) == (local("2024-06-03 10:30"), local("2024-06-03 12:30"))


def test_the_downgraded_breach_counts_once_in_the_timeliness_score(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    from monitor.domain.periods import parse_period
    from monitor.scorecard.ticket_indicators import fault_response_timeliness

    ticket = fault(("2024-06-03 10:00", "major"), ("2024-06-03 11:00", "general"))
    results = evaluate([ticket], contract, calendar, local("2024-06-30 00:00"))
    score = fault_response_timeliness(
        [ticket], results, parse_period("2024-06", contract.zone), contract
    )
    assert (score.measured, score.evidence) == (1, ("GZ-S",))
