"""Which periods the overview's violation trend shows and compares: for a month, the 12
months ending with it and the month before; for a year, its own 12 months and the year before."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from monitor.domain.periods import Period, parse_period


def is_year(period: Period) -> bool:
    return len(period.label) == 4


def months_ending(last: Period, count: int, zone: ZoneInfo) -> list[Period]:
    """The `count` months ending with the month `last`, oldest first."""
    months = [last]
    while len(months) < count:
        before = (months[0].start - timedelta(days=1)).astimezone(zone)
        months.insert(0, parse_period(before.strftime("%Y-%m"), zone))
    return months


def trend_periods(period: Period, zone: ZoneInfo) -> tuple[list[Period], list[Period]]:
    """(the 12 months of the trend, [the period before, the period]) for the chosen period."""
    before = (period.start - timedelta(days=1)).astimezone(zone)
    if is_year(period):
        december = parse_period(f"{period.label}-12", zone)
        previous = parse_period(before.strftime("%Y"), zone)
        return months_ending(december, 12, zone), [previous, period]
    previous = parse_period(before.strftime("%Y-%m"), zone)
    return months_ending(period, 12, zone), [previous, period]
