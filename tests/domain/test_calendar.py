"""Chinese working days, holidays and make-up days, and the working-day deadline rule."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from monitor.contract.model import CalendarConfig, CalendarYear
from monitor.domain.calendar import BusinessCalendar, CalendarError
from tests.conftest import SHANGHAI, local


def test_a_make_up_sunday_is_a_working_day(calendar: BusinessCalendar) -> None:
    assert calendar.is_working_day(date(2024, 9, 29))  # Sunday, 调休 for National Day 2024


def test_national_day_2024_is_not_a_working_day(calendar: BusinessCalendar) -> None:
    assert not any(calendar.is_working_day(date(2024, 10, day)) for day in range(1, 8))


def test_the_issue_example_restored_on_saturday_before_national_day(
    calendar: BusinessCalendar,
) -> None:
    # Sat 09-28 restored → Sun 09-29 (调休), Mon 09-30, Tue 10-08 → ends 24:00 of 10-08.
    deadline = calendar.working_days_deadline(local("2024-09-28 15:00"), 3, SHANGHAI)
    assert deadline == local("2024-10-09 00:00")


def test_spring_festival_2025_counts_both_make_up_days(calendar: BusinessCalendar) -> None:
    # Fri 01-24 → Sun 01-26 (调休), Mon 01-27, holiday 01-28..02-04, Wed 02-05.
    deadline = calendar.working_days_deadline(local("2025-01-24 18:00"), 3, SHANGHAI)
    assert deadline == local("2025-02-06 00:00")
    # Fri 02-07 → Sat 02-08 (调休) is the first working day after it.
    assert calendar.nth_working_day_after(date(2025, 2, 7), 1) == date(2025, 2, 8)


def test_the_start_day_is_never_counted_even_at_one_minute_past_midnight(
    calendar: BusinessCalendar,
) -> None:
    deadline = calendar.working_days_deadline(local("2024-06-03 00:01"), 1, SHANGHAI)
    assert deadline == local("2024-06-05 00:00")  # Mon → Tue counts → ends 24:00 Tue


def test_the_local_date_decides_not_the_utc_date(calendar: BusinessCalendar) -> None:
    # 2024-09-27 17:00 UTC is already Saturday 09-28 01:00 in Shanghai.
    start = datetime(2024, 9, 27, 17, 0, tzinfo=UTC)
    assert calendar.working_days_deadline(start, 3, SHANGHAI) == local("2024-10-09 00:00")


def test_a_year_no_source_knows_is_an_explicit_error(calendar: BusinessCalendar) -> None:
    with pytest.raises(CalendarError, match="2035"):
        calendar.is_working_day(date(2035, 3, 5))
    with pytest.raises(CalendarError, match="2035"):
        calendar.working_days_deadline(local("2035-03-05 10:00"), 3, SHANGHAI)


def test_a_deadline_running_into_an_unknown_year_is_an_error_too() -> None:
    calendar = BusinessCalendar(use_package=False, declared_years={2030: ((), ())})
    with pytest.raises(CalendarError, match="2031"):
        calendar.nth_working_day_after(date(2030, 12, 30), 3)


def test_a_year_declared_in_the_contract_uses_its_holidays_and_make_up_days() -> None:
    config = CalendarConfig(
        years={
            2035: CalendarYear(
                holidays=(date(2035, 5, 1), date(2035, 5, 2), date(2035, 5, 3)),
                workdays=(date(2035, 4, 29),),  # a Sunday made a working day
            )
        }
    )
    calendar = BusinessCalendar.from_config(config)
    assert calendar.is_working_day(date(2035, 4, 29))
    assert not calendar.is_working_day(date(2035, 5, 1))
    assert not calendar.is_working_day(date(2035, 5, 5))  # an ordinary Saturday
    # Fri 04-27 → Sun 04-29 (调休), Mon 04-30, holidays 05-01..03, Fri 05-04.
    assert calendar.nth_working_day_after(date(2035, 4, 27), 3) == date(2035, 5, 4)


def test_contract_overrides_win_over_the_package() -> None:
    calendar = BusinessCalendar.from_config(
        CalendarConfig(holidays=(date(2024, 6, 3),), workdays=(date(2024, 6, 8),))
    )
    assert not calendar.is_working_day(date(2024, 6, 3))  # a Monday, locally off
    assert calendar.is_working_day(date(2024, 6, 8))  # a Saturday, locally worked


def test_a_day_cannot_be_both_holiday_and_working_day() -> None:
    with pytest.raises(CalendarError, match="both"):
        BusinessCalendar(extra_holidays=[date(2024, 6, 3)], extra_workdays=[date(2024, 6, 3)])
