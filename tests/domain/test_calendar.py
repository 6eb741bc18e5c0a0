"""Chinese working days, holidays and make-up days, and the working-day deadline rule."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from monitor.contract.model import CalendarConfig, load_contract
from monitor.domain.calendar import BusinessCalendar, CalendarError, UnknownYear
from tests.conftest import SHANGHAI, local

EVERY_OPTION = Path(__file__).resolve().parents[1] / "data/contracts/every_option.yaml"
EVERY_OPTION_CALENDAR = load_contract(EVERY_OPTION).calendar


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
    config = CalendarConfig(years=EVERY_OPTION_CALENDAR.years)  # 2027, declared whole
    calendar = BusinessCalendar.from_config(config)
    assert calendar.is_working_day(date(2027, 2, 20))  # a Saturday made a working day
    assert not calendar.is_working_day(date(2027, 2, 8))  # 春节, a Monday
    assert not calendar.is_working_day(date(2027, 2, 27))  # an ordinary Saturday
    # Thu 02-04 → Fri 02-05 and 02-08..11 are 春节, Fri 02-12, Sun 02-14 (调休), Mon 02-15.
    assert calendar.nth_working_day_after(date(2027, 2, 4), 3) == date(2027, 2, 15)


def test_a_partial_year_is_known_through_its_last_listed_day() -> None:
    calendar = BusinessCalendar(
        {2035: ((date(2035, 5, 1), date(2035, 5, 2), date(2035, 5, 3)), (date(2035, 4, 29),))},
        partial_years=[2035],
    )
    assert calendar.is_working_day(date(2035, 4, 29))  # a Sunday made a working day
    assert not calendar.is_working_day(date(2035, 5, 1))
    # Fri 04-27 → Sun 04-29 (调休), Mon 04-30; a third needs 05-04, after the last listed day.
    assert calendar.nth_working_day_after(date(2035, 4, 27), 2) == date(2035, 4, 30)
    with pytest.raises(UnknownYear, match="2035-05-03") as unknown:
        calendar.nth_working_day_after(date(2035, 4, 27), 3)
    assert unknown.value.year == 2035
    with pytest.raises(UnknownYear):
        calendar.is_working_day(date(2035, 5, 4))
    assert not calendar.knows(2035)
    assert calendar.first_unknown_day_after(date(2035, 4, 27)) == date(2035, 5, 4)


def test_the_package_knows_the_rest_of_a_partial_year_it_has() -> None:
    # A partial 2026 declared before the package knew 2026: the package fills the rest.
    calendar = BusinessCalendar({2026: ((date(2026, 1, 1),), ())}, partial_years=[2026])
    assert calendar.knows(2026)
    assert not calendar.is_working_day(date(2026, 10, 1))


def test_known_until_is_the_first_day_after_the_known_years() -> None:
    package = BusinessCalendar()
    assert package.known_until() == date(2027, 1, 1)
    declared = BusinessCalendar.from_config(EVERY_OPTION_CALENDAR)  # 2027 whole, 2028 in part
    assert declared.known_until() == date(2028, 1, 30)
    gap = BusinessCalendar({2030: ((), ())})  # 2027–2029 unknown: the gap ends the stretch
    assert gap.known_until() == date(2027, 1, 1)
    assert BusinessCalendar(use_package=False).known_until() is None


def test_a_day_nobody_knows_is_no_known_working_day(calendar: BusinessCalendar) -> None:
    assert calendar.is_known_working_day(date(2026, 12, 31))
    assert not calendar.is_known_working_day(date(2026, 10, 1))  # National Day
    assert not calendar.is_known_working_day(date(2027, 1, 4))  # a Monday of unknown 2027


def test_the_first_unknown_day_names_the_year_a_deadline_needs(
    calendar: BusinessCalendar,
) -> None:
    # Restored Wed 2026-12-30: three working days need 2027, which the package does not know.
    with pytest.raises(UnknownYear) as unknown:
        calendar.working_days_deadline(local("2026-12-30 10:00"), 3, SHANGHAI)
    assert unknown.value.year == 2027
    assert calendar.first_unknown_day_after(date(2026, 12, 30)) == date(2027, 1, 1)
    assert calendar.first_unknown_day_after(date(2027, 6, 1)) == date(2027, 6, 2)


def test_contract_overrides_win_over_the_package() -> None:
    calendar = BusinessCalendar.from_config(
        CalendarConfig(holidays=(date(2024, 6, 3),), workdays=(date(2024, 6, 8),))
    )
    assert not calendar.is_working_day(date(2024, 6, 3))  # a Monday, locally off
    assert calendar.is_working_day(date(2024, 6, 8))  # a Saturday, locally worked


def test_a_day_cannot_be_both_holiday_and_working_day() -> None:
    with pytest.raises(CalendarError, match="both"):
        BusinessCalendar(extra_holidays=[date(2024, 6, 3)], extra_workdays=[date(2024, 6, 3)])
