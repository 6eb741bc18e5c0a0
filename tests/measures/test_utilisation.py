"""Utilisation per pool in service hours, and its two band scores, from the 2022 report."""

from __future__ import annotations

import pytest

from monitor.contract.metrics import UtilisationConfig
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.resources import Counts
from monitor.measures.utilisation import (
    PoolUtilisation,
    combined,
    pool_utilisation,
    service_intervals,
)
from monitor.scorecard.metric_indicators import utilisation_band
from tests.conftest import SHANGHAI, local

# 政务一云, December 2022 (the report's evidence for 第一资源池云资源利用率).
POOL_1 = {("一云", "cpu"): [47.4], ("一云", "memory"): [64.6], ("一云", "storage"): [63.8]}


def test_service_hours_follow_working_days_including_a_make_up_sunday(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # 2024-09-28 is a Saturday off, 09-29 a make-up working Sunday, 10-01 National Day.
    hours = service_intervals(
        local("2024-09-28 00:00"),
        local("2024-10-02 00:00"),
        contract.utilisation,
        calendar,
        SHANGHAI,
    )
    assert hours == [
        (local("2024-09-29 08:30"), local("2024-09-29 18:00")),
        (local("2024-09-30 08:30"), local("2024-09-30 18:00")),
    ]


def test_a_period_ending_at_midnight_does_not_ask_about_the_next_day(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # December 2026 scored in January: 2027-01-01 is outside [start, end), and the calendar
    # does not know 2027.
    hours = service_intervals(
        local("2026-12-31 00:00"),
        local("2027-01-01 00:00"),
        contract.utilisation,
        calendar,
        SHANGHAI,
    )
    assert hours == [(local("2026-12-31 08:30"), local("2026-12-31 18:00"))]


def test_days_the_calendar_does_not_know_have_no_service_hours(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    hours = service_intervals(
        local("2026-12-31 00:00"),
        local("2027-01-06 00:00"),
        contract.utilisation,
        calendar,
        SHANGHAI,
    )
    assert hours == [(local("2026-12-31 08:30"), local("2026-12-31 18:00"))]


def test_without_service_hours_utilisation_is_measured_around_the_clock(
    calendar: BusinessCalendar,
) -> None:
    start, end = local("2024-10-01 00:00"), local("2024-10-02 00:00")
    config = UtilisationConfig(service_hours=None)
    assert service_intervals(start, end, config, calendar, SHANGHAI) == [(start, end)]


def test_the_report_figures_average_58_6_and_score_0_of_2(contract: Contract) -> None:
    (pool,) = pool_utilisation(["一云"], {}, POOL_1)
    assert pool.mean == pytest.approx(58.6)
    assert pool.evidence == {
        "cpu": "monthly_figures",
        "memory": "monthly_figures",
        "storage": "monthly_figures",
    }
    score = utilisation_band(
        "first_pool_utilisation", contract.scoring.first_pool_utilisation, [pool]
    )
    assert (score.points, score.max_points, score.measured) == (0, 2, 58.6)


@pytest.mark.parametrize(("percent", "points"), [(65.0, 2), (64.99, 1), (60.0, 1), (59.99, 0)])
def test_the_first_pool_bands(contract: Contract, percent: float, points: float) -> None:
    figure = PoolUtilisation("一云", {m: percent for m in ("cpu", "memory", "storage")}, {})
    rule = contract.scoring.first_pool_utilisation
    assert utilisation_band("first_pool_utilisation", rule, [figure]).points == points


def test_pool_2_at_56_67_scores_8_of_10(contract: Contract) -> None:
    # 二云: storage 68 %, average 56.67 % (the report's figures); 一云 averages 58.6 %.
    pool_2 = PoolUtilisation("二云", {"cpu": 45.0, "memory": 57.01, "storage": 68.0}, {})
    (pool_1,) = pool_utilisation(["一云"], {}, POOL_1)
    score = utilisation_band("cloud_usage", contract.scoring.cloud_usage, [pool_1, pool_2])
    assert (score.points, score.max_points, score.measured) == (8, 10, 56.67)


@pytest.mark.parametrize(
    ("percent", "points"),
    [(70, 10), (69.99, 9), (60, 9), (50, 8), (40, 7), (30, 6), (20, 5), (19.99, 0)],
)
def test_the_cloud_usage_bands(contract: Contract, percent: float, points: float) -> None:
    figure = PoolUtilisation("一云", {m: percent for m in ("cpu", "memory", "storage")}, {})
    assert combined([figure], contract.scoring.cloud_usage) == pytest.approx(percent)
    assert utilisation_band("cloud_usage", contract.scoring.cloud_usage, [figure]).points == points


def test_measured_samples_beat_the_operators_monthly_figures() -> None:
    samples = {("一云", "cpu"): Counts(4, 200.0, 3600)}
    (pool,) = pool_utilisation(["一云"], samples, POOL_1)
    assert (pool.values["cpu"], pool.evidence["cpu"]) == (50.0, "samples")
    assert pool.evidence["memory"] == "monthly_figures"


def test_no_evidence_is_said_and_scores_the_lowest_band(contract: Contract) -> None:
    (pool,) = pool_utilisation(["一云"], {}, {("一云", "cpu"): [80.0]})
    assert pool.mean is None  # memory and storage unknown: no mean is invented
    score = utilisation_band(
        "first_pool_utilisation", contract.scoring.first_pool_utilisation, [pool]
    )
    assert (score.points, score.measured) == (0, None)
    assert score.details["no_data"] is True
    assert "一云" in str(score.details["reason"])
