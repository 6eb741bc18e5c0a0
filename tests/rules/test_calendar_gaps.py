"""The years calendar_unknown results need, and the warnings that name them."""

from __future__ import annotations

from datetime import date, timedelta

from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Status, TargetResult
from monitor.rules.calendar_gaps import (
    calendar_ending_warning,
    calendar_warning,
    known_until_instant,
    unknown_reason,
    years_needed,
)
from tests.conftest import SHANGHAI, local


def result(status: Status, start: str) -> TargetResult:
    return TargetResult("file", "T", "major.report", status, local(start), None, None, None)


def test_each_unknown_result_needs_the_year_of_the_first_day_the_calendar_lacks(
    calendar: BusinessCalendar,
) -> None:
    results = [
        result(Status.CALENDAR_UNKNOWN, "2026-12-30 10:00"),
        result(Status.CALENDAR_UNKNOWN, "2028-03-01 10:00"),
        result(Status.CALENDAR_UNKNOWN, "2027-05-01 10:00"),
        result(Status.MET, "2026-12-30 10:00"),
    ]
    assert years_needed(results, calendar, SHANGHAI) == {2027: 2, 2028: 1}
    reason = unknown_reason(local("2026-12-30 10:00"), calendar, SHANGHAI)
    assert reason == "需要 2027 年的工作日历 (calendar for 2027 unknown)"


def test_the_warning_names_the_years_and_counts_in_chinese_and_english() -> None:
    assert calendar_warning({}) is None
    warning = calendar_warning({2027: 2, 2028: 1})
    assert warning is not None and "\n" not in warning.zh + warning.en
    assert warning.zh.startswith("3 条考核结果需要尚未知的工作日历（2027 年 2 条、2028 年 1 条）")
    assert warning.en.startswith("3 result(s) need working days of a year the calendar does not")
    assert "(2027 (2), 2028 (1))" in warning.en


def test_the_end_of_the_calendar_is_warned_about_60_days_ahead(
    calendar: BusinessCalendar,
) -> None:
    end = known_until_instant(calendar, SHANGHAI)
    assert end == local("2027-01-01 00:00")
    assert calendar_ending_warning(calendar, end - timedelta(days=61), SHANGHAI) is None
    warning = calendar_ending_warning(calendar, end - timedelta(days=60), SHANGHAI)
    assert warning is not None and warning.zh.startswith("工作日历只到 2026-12-31")
    assert "ends on 2026-12-31" in warning.en
    assert known_until_instant(BusinessCalendar(use_package=False), SHANGHAI) is None
    assert BusinessCalendar().known_until() == date(2027, 1, 1)
