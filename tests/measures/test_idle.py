"""Idle hosts and storage partitions: detection, the reclaim deadline and the 3-point score."""

from __future__ import annotations

from datetime import date, timedelta

from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.domain.resources import DayStats, Resource
from monitor.measures.idle import (
    IdleFinding,
    idle_hosts,
    idle_storage,
    months_between,
    violations_in,
)
from monitor.scorecard.metric_indicators import idle_reclaim
from tests.conftest import SHANGHAI, local

HOST = Resource("vm-9", "vm", pool="一云")
DAY = 86_400.0
# Two weeks of samples, 1 June to 14 June 2024; detection checkpoint: 15 June 00:00.
WINDOW = [date(2024, 6, 1) + timedelta(days=n) for n in range(14)]
CHECKPOINTS = [date(2024, 6, 15), date(2024, 6, 16)]


def days(average: float, peak: float, covered: float = DAY) -> dict[date, DayStats]:
    return {day: DayStats(1440, 1440 * average, peak, covered) for day in WINDOW}


def hosts(
    contract: Contract, cpu: dict[date, DayStats], memory: dict[date, DayStats], at: str
) -> list[IdleFinding]:
    daily = {"vm-9": {"cpu": cpu, "memory": memory}}
    floor = contract.availability.coverage_floor
    return idle_hosts([HOST], daily, CHECKPOINTS, contract.idle, floor, SHANGHAI, local(at))


def test_a_host_under_5_percent_average_and_10_peak_for_two_weeks_is_a_candidate(
    contract: Contract,
) -> None:
    (finding,) = hosts(contract, days(3.0, 8.0), days(4.0, 9.5), "2024-06-20 00:00")
    assert finding.detected_at == local("2024-06-15 00:00")
    assert finding.deadline == local("2024-07-15 00:00")
    assert finding.status == "candidate"
    assert finding.evidence == {
        "cpu_avg": 3.0,
        "cpu_peak": 8.0,
        "memory_avg": 4.0,
        "memory_peak": 9.5,
    }


def test_a_peak_of_exactly_10_percent_is_not_idle(contract: Contract) -> None:
    assert hosts(contract, days(3.0, 10.0), days(4.0, 9.0), "2024-06-20 00:00") == []


def test_too_little_coverage_cannot_prove_a_host_idle(contract: Contract) -> None:
    sparse = days(1.0, 2.0, covered=DAY * 0.5)
    assert hosts(contract, sparse, sparse, "2024-06-20 00:00") == []


def test_an_idle_host_not_reclaimed_within_30_days_is_a_violation(contract: Contract) -> None:
    (finding,) = hosts(contract, days(3.0, 8.0), days(4.0, 9.0), "2024-07-15 00:00")
    assert finding.status == "violation"


def test_a_host_reclaimed_within_the_grace_period_is_no_violation(contract: Contract) -> None:
    reclaimed = Resource("vm-9", "vm", reclaimed_at=local("2024-07-01 10:00"))
    daily = {"vm-9": {"cpu": days(3.0, 8.0), "memory": days(4.0, 9.0)}}
    (finding,) = idle_hosts(
        [reclaimed], daily, CHECKPOINTS, contract.idle, 0.9, SHANGHAI, local("2024-08-01 00:00")
    )
    assert finding.status == "reclaimed"


def test_storage_under_5_percent_for_two_consecutive_months_is_idle(contract: Contract) -> None:
    volume = Resource("vol-1", "storage")
    monthly = {"vol-1": {"2024-02": 6.0, "2024-03": 4.0, "2024-04": 3.0}}
    months = ["2024-02", "2024-03", "2024-04"]
    (finding,) = idle_storage(
        [volume], monthly, months, contract.idle, SHANGHAI, local("2024-06-30 00:00")
    )
    assert finding.detected_at == local("2024-05-01 00:00")
    assert finding.deadline == local("2024-05-31 00:00")
    assert finding.status == "violation"


def test_one_low_month_is_not_enough(contract: Contract) -> None:
    volume = Resource("vol-1", "storage")
    monthly = {"vol-1": {"2024-03": 4.0, "2024-04": 5.0}}
    found = idle_storage(
        [volume], monthly, ["2024-03", "2024-04"], contract.idle, SHANGHAI, local("2024-06-30")
    )
    assert found == []


def test_months_between_lists_local_months_starting_in_the_range() -> None:
    assert months_between(local("2024-11-15 00:00"), local("2025-02-01 00:00"), SHANGHAI) == [
        "2024-12",
        "2025-01",
    ]


def test_each_idle_resource_not_reclaimed_costs_one_of_three_points(contract: Contract) -> None:
    (late,) = hosts(contract, days(3.0, 8.0), days(4.0, 9.0), "2024-12-31 00:00")
    volume = Resource("vol-1", "storage")
    storage = idle_storage(
        [volume],
        {"vol-1": {"2024-03": 4.0, "2024-04": 3.0}},
        ["2024-03", "2024-04"],
        contract.idle,
        SHANGHAI,
        local("2024-12-31 00:00"),
    )
    year = parse_period("2024", SHANGHAI)
    findings = [late, *storage]
    assert violations_in(findings, year.start, year.end) == ["vm-9", "vol-1"]
    score = idle_reclaim(findings, year, contract, inventory_size=2)
    assert (score.points, score.max_points, score.evidence) == (1, 3, ("vm-9", "vol-1"))


def test_no_idle_resource_keeps_full_marks(contract: Contract) -> None:
    score = idle_reclaim([], parse_period("2024", SHANGHAI), contract, inventory_size=5)
    assert (score.points, score.measured) == (3, 0)
    assert "no_data" not in score.details


def test_without_an_inventory_the_indicator_says_it_had_no_data(contract: Contract) -> None:
    score = idle_reclaim([], parse_period("2024", SHANGHAI), contract, inventory_size=0)
    assert score.details["no_data"] is True
    assert "slamon import resources" in str(score.details["reason"])
