"""The overview's violation trend: the right 12 months and the right two periods compared."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from dashboard.trend import trend_periods
from monitor.domain.periods import parse_period

SHANGHAI = ZoneInfo("Asia/Shanghai")


def labels(periods: list) -> list[str]:  # type: ignore[type-arg]
    return [p.label for p in periods]


def test_a_year_shows_its_own_twelve_months_against_the_year_before() -> None:
    months, compared = trend_periods(parse_period("2022", SHANGHAI), SHANGHAI)
    assert labels(months) == [f"2022-{m:02d}" for m in range(1, 13)]
    assert labels(compared) == ["2021", "2022"]


def test_a_month_shows_the_twelve_months_ending_with_it_against_the_month_before() -> None:
    months, compared = trend_periods(parse_period("2022-03", SHANGHAI), SHANGHAI)
    assert labels(months)[0] == "2021-04" and labels(months)[-1] == "2022-03"
    assert len(months) == 12
    assert labels(compared) == ["2022-02", "2022-03"]
