"""Which stages a flip announces: decided once, each stage at most once per ticket and target."""

from __future__ import annotations

from datetime import timedelta

from monitor.alerting.planner import plan_stages
from monitor.domain.tickets import Status, TargetResult
from tests.conftest import local

NOW = local("2024-06-03 10:31")
DAY = timedelta(hours=24)
KEY = (7, "major.arrival")


def result(status: Status, stop: str | None = None) -> TargetResult:
    return TargetResult(
        "api",
        "INC-1",
        "major.arrival",
        status,
        local("2024-06-03 10:00"),
        local("2024-06-03 10:30"),
        local(stop) if stop else None,
        60,
    )


def test_an_open_clock_turning_at_risk_is_announced() -> None:
    flips = [(KEY, "pending", "at_risk", False)]
    assert plan_stages(flips, {KEY: result(Status.AT_RISK)}, set(), NOW, DAY) == [(KEY, "at_risk")]


def test_a_new_ticket_already_past_its_deadline_is_one_breach_without_an_at_risk() -> None:
    flips = [(KEY, None, "breached", False)]
    assert plan_stages(flips, {KEY: result(Status.BREACHED)}, set(), NOW, DAY) == [
        (KEY, "breached")
    ]


def test_the_late_stop_of_an_announced_breach_is_resolved() -> None:
    flips = [(KEY, "breached", "breached", True)]
    late = result(Status.BREACHED, stop="2024-06-03 10:40")
    assert plan_stages(flips, {KEY: late}, {KEY}, NOW, DAY) == [(KEY, "resolved")]


def test_the_late_stop_of_a_breach_nobody_was_told_about_is_not_resolved() -> None:
    flips = [(KEY, "breached", "breached", True)]
    late = result(Status.BREACHED, stop="2024-06-03 10:40")
    assert plan_stages(flips, {KEY: late}, set(), NOW, DAY) == []


def test_a_breach_imported_long_after_its_late_stop_is_history_not_news() -> None:
    flips = [(KEY, None, "breached", True)]
    old = result(Status.BREACHED, stop="2024-06-01 10:40")
    assert plan_stages(flips, {KEY: old}, set(), NOW, DAY) == []


def test_a_late_stop_within_the_max_age_is_announced_as_a_breach() -> None:
    flips = [(KEY, "at_risk", "breached", True)]
    recent = result(Status.BREACHED, stop="2024-06-03 10:30:01")
    assert plan_stages(flips, {KEY: recent}, set(), NOW, DAY) == [(KEY, "breached")]


def test_a_clock_met_in_time_announces_nothing() -> None:
    flips = [(KEY, "at_risk", "met", True)]
    assert plan_stages(flips, {KEY: result(Status.MET, "2024-06-03 10:29")}, set(), NOW, DAY) == []


def test_a_target_that_no_longer_applies_announces_nothing() -> None:
    assert plan_stages([(KEY, "pending", "removed", False)], {}, set(), NOW, DAY) == []
