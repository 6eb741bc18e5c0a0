"""How long stored rows are kept: calendar months of UTC, and the evaluation year never cut.

The evaluation year is the year being scored: the current and the previous calendar year in
the contract's zone (a year is scored, disputed and rejudged well into the next one), so no
retention, however short, reaches back before 1 January of last year.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo


def month_floor(moment: datetime) -> datetime:
    """00:00 UTC of the first day of the UTC month holding `moment`."""
    utc = moment.astimezone(UTC)
    return datetime(utc.year, utc.month, 1, tzinfo=UTC)


def add_months(month: datetime, months: int) -> datetime:
    """The first of the UTC month `months` after (or, negative, before) the month `month`."""
    index = month.year * 12 + month.month - 1 + months
    return datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)


def evaluation_year_start(now: datetime, zone: tzinfo) -> datetime:
    """1 January 00:00 of the previous calendar year in `zone`: the oldest instant scored."""
    local = now.astimezone(zone)
    return datetime(local.year - 1, 1, 1, tzinfo=zone)


def keep_from(now: datetime, zone: tzinfo, months: int | None) -> datetime | None:
    """The oldest instant a table kept for `months` months holds (None: kept forever).

    Whole UTC months are kept: the month of `now` and the `months` before it, and always the
    evaluation year.
    """
    if months is None:
        return None
    return min(add_months(month_floor(now), -months), evaluation_year_start(now, zone))
