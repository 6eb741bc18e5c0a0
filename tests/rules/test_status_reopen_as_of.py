"""A reopened ticket evaluated as of a past moment shows the restoration that stood then.

Times are Asia/Shanghai wall times. The major fault below was reported 10:00 (2 h restore
limit: 12:00), marked restored 11:00, reopened 11:30 and restored for good 13:30. Its history
is built with monitor.rules.history.derive, as an import would.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from monitor.contract.clocks import ClockRules, ReopenPolicy
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Status, Ticket
from monitor.rules.history import Phase, StatusEvent, derive
from monitor.rules.status import evaluate_target, restoration_as_of
from tests.conftest import local

OPEN, WAITING, RESOLVED, CLOSED = Phase.OPEN, Phase.WAITING, Phase.RESOLVED, Phase.CLOSED


def from_history(*events: tuple[str, Phase]) -> Ticket:
    derived = derive(
        StatusEvent(local(at), number, phase, None, phase is not OPEN, "major")
        for number, (at, phase) in enumerate(events)
    )
    return Ticket(
        ticket_id="GZ-R",
        kind="fault",
        severity=derived.severity,
        reported_at=derived.first_at,
        responded_at=derived.responded_at,
        restored_at=derived.restored_at,
        closed_at=derived.closed_at,
        pauses=derived.pauses,
        reopens=derived.reopens,
        severity_changes=derived.severity_changes,
    )


REOPENED = from_history(
    ("2024-06-03 10:00", OPEN),
    ("2024-06-03 11:00", RESOLVED),
    ("2024-06-03 11:30", OPEN),
    ("2024-06-03 13:30", RESOLVED),
)


def restore_at(
    contract: Contract, calendar: BusinessCalendar, ticket: Ticket, now: str
) -> tuple[object, ...]:
    result = evaluate_target(
        ticket, contract.target("major.restore"), calendar, local(now), contract
    )
    return (result.status, result.start, result.deadline, result.stop, result.overdue_seconds)


def restarting(contract: Contract) -> Contract:
    return contract.model_copy(update={"clocks": ClockRules(reopen=ReopenPolicy.RESTART)})


def test_the_history_keeps_only_the_final_restoration_and_the_undone_one_as_a_pause() -> None:
    assert REOPENED.restored_at == local("2024-06-03 13:30")
    assert REOPENED.reopens == (local("2024-06-03 11:30"),)
    assert restoration_as_of(REOPENED, local("2024-06-03 11:15")) == local("2024-06-03 11:00")
    assert restoration_as_of(REOPENED, local("2024-06-03 12:00")) == local("2024-06-03 13:30")


@pytest.mark.parametrize("policy", [ReopenPolicy.CONTINUE, ReopenPolicy.RESTART])
def test_before_the_reopen_the_first_restoration_stands_and_was_met(
    contract: Contract, calendar: BusinessCalendar, policy: ReopenPolicy
) -> None:
    rules = contract.model_copy(update={"clocks": ClockRules(reopen=policy)})
    assert restore_at(rules, calendar, REOPENED, "2024-06-03 11:15") == (
        Status.MET,
        local("2024-06-03 10:00"),
        local("2024-06-03 12:00"),
        local("2024-06-03 11:00"),
        0,
    )
    # Exactly at the first restoration it already counts; a microsecond before the reopen too.
    assert restore_at(rules, calendar, REOPENED, "2024-06-03 11:00")[0] is Status.MET
    assert restore_at(rules, calendar, REOPENED, "2024-06-03 11:29:59.999999")[0] is Status.MET


def test_a_first_restoration_already_late_was_breached_then(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    late = from_history(
        ("2024-06-03 10:00", OPEN),
        ("2024-06-03 12:10", RESOLVED),
        ("2024-06-03 13:00", OPEN),
        ("2024-06-03 15:00", RESOLVED),
    )
    assert restore_at(contract, calendar, late, "2024-06-03 12:30") == (
        Status.BREACHED,
        local("2024-06-03 10:00"),
        local("2024-06-03 12:00"),
        local("2024-06-03 12:10"),
        600,
    )


def test_after_the_reopen_the_clock_continues_from_the_report_by_default(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # 11:36 is the at-risk moment (20 % of 2 h before 12:00).
    assert restore_at(contract, calendar, REOPENED, "2024-06-03 11:30") == (
        Status.PENDING,
        local("2024-06-03 10:00"),
        local("2024-06-03 12:00"),
        None,
        0,
    )
    assert restore_at(contract, calendar, REOPENED, "2024-06-03 11:45")[0] is Status.AT_RISK
    assert restore_at(contract, calendar, REOPENED, "2024-06-03 12:30") == (
        Status.BREACHED,
        local("2024-06-03 10:00"),
        local("2024-06-03 12:00"),
        None,
        1800,
    )


def test_after_the_reopen_a_restarting_contract_counts_from_the_reopen(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    assert restore_at(restarting(contract), calendar, REOPENED, "2024-06-03 12:30") == (
        Status.PENDING,
        local("2024-06-03 11:30"),
        local("2024-06-03 13:30"),
        None,
        0,
    )


def test_from_the_final_restoration_each_policy_gives_its_final_answer(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    assert restore_at(contract, calendar, REOPENED, "2024-06-03 13:30") == (
        Status.BREACHED,
        local("2024-06-03 10:00"),
        local("2024-06-03 12:00"),
        local("2024-06-03 13:30"),
        5400,
    )
    assert restore_at(restarting(contract), calendar, REOPENED, "2024-06-04 09:00") == (
        Status.MET,
        local("2024-06-03 11:30"),
        local("2024-06-03 13:30"),
        local("2024-06-03 13:30"),
        0,
    )


def test_a_contract_pausing_for_the_resolved_stretch_pauses_only_once_reopened(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    pausing = contract.model_copy(
        update={"clocks": ClockRules(pause_reasons=("awaiting_user", "resolved"))}
    )
    # Before the reopen nobody knew the resolution was premature: restored, met.
    assert restore_at(pausing, calendar, REOPENED, "2024-06-03 11:15")[0] is Status.MET
    # After it, the 30 min it sat resolved move the deadline to 12:30.
    assert restore_at(pausing, calendar, REOPENED, "2024-06-03 12:15")[:3] == (
        Status.AT_RISK,
        local("2024-06-03 10:00"),
        local("2024-06-03 12:30"),
    )


def test_the_report_clock_runs_from_the_restoration_standing_at_the_time(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    report = contract.target("major.report")

    def at(now: str) -> tuple[Status, datetime | None]:
        result = evaluate_target(REOPENED, report, calendar, local(now), contract)
        return result.status, result.start

    assert at("2024-06-03 11:15") == (Status.PENDING, local("2024-06-03 11:00"))
    assert at("2024-06-03 12:00") == (Status.NOT_STARTED, None)  # reopened: not restored
    assert at("2024-06-03 14:00") == (Status.PENDING, local("2024-06-03 13:30"))


def test_twice_reopened_each_interval_shows_its_own_restoration(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    twice = from_history(
        ("2024-06-03 10:00", OPEN),
        ("2024-06-03 10:40", RESOLVED),
        ("2024-06-03 10:50", CLOSED),
        ("2024-06-03 11:00", WAITING),
        ("2024-06-03 11:20", RESOLVED),
        ("2024-06-03 12:30", OPEN),
        ("2024-06-03 14:00", RESOLVED),
    )
    stops = [
        restore_at(contract, calendar, twice, now)[3]
        for now in ("2024-06-03 10:45", "2024-06-03 11:10", "2024-06-03 11:40", "2024-06-03 13:00")
    ]
    assert stops == [local("2024-06-03 10:40"), None, local("2024-06-03 11:20"), None]
    assert restore_at(contract, calendar, twice, "2024-06-03 15:00")[3] == local("2024-06-03 14:00")
