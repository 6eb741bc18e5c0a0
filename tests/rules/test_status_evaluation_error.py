"""A ticket that cannot be judged is evaluation_error, and every other ticket is judged as usual.

A value outside monitor.domain.bounds (a restore size in bytes typed as GB, a year 0001) stored
before the importer refused it, or a contract limit that runs past the year 9999, gives the
targets concerned evaluation_error with no times, on the reference and the column path alike.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.contract.model import Contract, load_contract
from monitor.domain.bounds import evaluation_error_reason, ticket_problem
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Pause, Status, TargetResult, Ticket
from monitor.rules.all_tickets import evaluate_batch
from monitor.rules.status import evaluate

EVERY_OPTION = load_contract(
    Path(__file__).resolve().parents[1] / "data/contracts/every_option.yaml"
)
EVERY_CALENDAR = BusinessCalendar.from_config(EVERY_OPTION.calendar)
REPORTED = datetime(2024, 6, 3, 2, tzinfo=UTC)  # Monday 10:00 in Shanghai
NOW = datetime(2024, 6, 4, 2, tzinfo=UTC)


def both_paths(
    tickets: list[Ticket], contract: Contract, calendar: BusinessCalendar, now: datetime = NOW
) -> list[TargetResult]:
    vector, scalar = (
        evaluate_batch(tickets, contract, calendar, now),
        evaluate(tickets, contract, calendar, now),
    )
    assert vector == scalar
    return scalar


def verdicts(results: list[TargetResult]) -> list[tuple[str, str, Status]]:
    return [(r.ticket_id, r.target_id, r.status) for r in results]


def late_fault() -> Ticket:
    """A major fault nobody reached in 30 minutes: breached, whatever the others hold."""
    return Ticket("GZ-1", "fault", REPORTED, "major", restored_at=REPORTED + timedelta(hours=1))


def test_a_restore_size_in_bytes_is_an_evaluation_error_and_the_others_are_judged(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    bytes_as_gb = Ticket(
        "HF-1", "restore", REPORTED, responded_at=REPORTED, restore_size_gb=5_000_000_000
    )
    results = both_paths([bytes_as_gb, late_fault()], contract, calendar)
    assert verdicts(results)[:2] == [
        ("HF-1", "restore.response", Status.EVALUATION_ERROR),
        ("HF-1", "restore.duration", Status.EVALUATION_ERROR),
    ]
    assert all((r.start, r.deadline, r.stop, r.overdue_seconds) == (None,) * 4 for r in results[:2])
    arrival = next(r for r in results if r.target_id == "major.arrival")
    assert (arrival.ticket_id, arrival.status) == ("GZ-1", Status.BREACHED)
    reason = evaluation_error_reason({"restore_size_gb": 5_000_000_000})
    assert reason.startswith("恢复数据量 5e+09 GB 超过上限 10,000,000 GB（10 PB）")
    assert "bytes typed as GB" in reason


def test_a_year_0001_on_a_business_hours_clock_no_longer_stops_the_evaluation() -> None:
    # Its schedule's at-risk moment lies before 0001-01-01: both paths raised OverflowError
    # for the whole batch.
    ancient = Ticket("FW-1", "request", datetime(1, 1, 1, 0, 5, tzinfo=UTC), "general")
    results = both_paths([ancient, late_fault()], EVERY_OPTION, EVERY_CALENDAR)
    mine = [r for r in results if r.ticket_id == "FW-1"]
    assert mine and {r.status for r in mine} == {Status.EVALUATION_ERROR}
    assert "GZ-1" in {r.ticket_id for r in results}
    problem = ticket_problem(ancient)
    assert problem is not None and "reported_at 0001-01-01T00:05:00+00:00" in problem


def test_a_limit_that_runs_past_the_year_9999_is_an_error_on_that_target_only(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # 3,000,000 days (8,200 years) and the longest timedelta (2.7 million years): no date
    # holds the deadline. The ticket's other targets are judged as usual.
    for limit in (timedelta(days=3_000_000), timedelta.max):
        arrival = contract.target("major.arrival")
        endless = arrival.model_copy(
            update={"limit": arrival.limit.model_copy(update={"duration": limit})}
        )
        targets = tuple(endless if t.id == arrival.id else t for t in contract.targets)
        longer = contract.model_copy(update={"targets": targets})
        results = both_paths([late_fault()], longer, calendar)
        by_target = {r.target_id: r.status for r in results}
        assert by_target["major.arrival"] is Status.EVALUATION_ERROR
        assert by_target["major.restore"] is Status.MET


def test_a_history_outside_the_bounds_is_an_evaluation_error(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    waited = Ticket(
        "GZ-2",
        "fault",
        REPORTED,
        "major",
        pauses=(Pause(datetime(9999, 1, 1, tzinfo=UTC), None, "awaiting_user"),),
    )
    results = evaluate([waited, late_fault()], contract, calendar, NOW)
    assert {r.status for r in results if r.ticket_id == "GZ-2"} == {Status.EVALUATION_ERROR}
    assert any(r.ticket_id == "GZ-1" and r.status is Status.BREACHED for r in results)


@pytest.mark.parametrize("size", [0.0, 10_000_000.0])
def test_the_bounds_keep_the_largest_and_smallest_plausible_restore(
    size: float, contract: Contract, calendar: BusinessCalendar
) -> None:
    restore = Ticket("HF-2", "restore", REPORTED, responded_at=REPORTED, restore_size_gb=size)
    results = both_paths([restore], contract, calendar)
    assert Status.EVALUATION_ERROR not in {r.status for r in results}
