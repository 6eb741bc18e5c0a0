"""Retention: whole UTC months kept back from now, never reaching into the evaluation year."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from monitor.domain.retention import add_months, evaluation_year_start, keep_from, month_floor
from tests.conftest import SHANGHAI, local


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_the_evaluation_year_opens_on_1_january_of_last_year_in_the_contract_zone() -> None:
    assert evaluation_year_start(local("2026-06-15 12:00"), SHANGHAI) == utc(2024, 12, 31, 16)
    # 2027-01-01 03:00 in Shanghai is still 2026 in UTC: Shanghai's year decides.
    assert evaluation_year_start(utc(2026, 12, 31, 19), SHANGHAI) == utc(2025, 12, 31, 16)


@pytest.mark.parametrize(
    ("now", "months", "kept_from"),
    [
        # The evaluation year reaches 12 to 24 months back: it decides for 13 months or 1.
        (utc(2026, 6, 15), 13, utc(2024, 12, 31, 16)),
        (utc(2026, 12, 31, 15), 13, utc(2024, 12, 31, 16)),
        (utc(2026, 6, 15), 1, utc(2024, 12, 31, 16)),
        (utc(2026, 3, 1), 26, utc(2024, 1, 1)),  # longer than the evaluation year
        (utc(2026, 6, 15), None, None),  # forever
    ],
)
def test_a_table_keeps_whole_months_and_always_the_evaluation_year(
    now: datetime, months: int | None, kept_from: datetime | None
) -> None:
    assert keep_from(now, SHANGHAI, months) == kept_from


def test_months_are_counted_on_the_utc_calendar() -> None:
    assert month_floor(local("2026-03-01 07:59")) == utc(2026, 2, 1)
    assert add_months(utc(2026, 1, 1), -13) == utc(2024, 12, 1)
    assert add_months(utc(2026, 11, 1), 3) == utc(2027, 2, 1)
