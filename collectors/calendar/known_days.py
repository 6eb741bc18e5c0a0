"""What the calendars already say about a notice's days: chinese-calendar about the notice's
year, the contract's calendar about days of the year before (a 元旦 that starts in December)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from collectors.calendar.notice import HolidayNotice
from monitor.domain.calendar import BusinessCalendar, CalendarError


@dataclass(frozen=True, slots=True)
class DayDifference:
    """A day of the notice's year that chinese-calendar sees otherwise."""

    day: date
    package_working: bool
    notice_working: bool


@dataclass(frozen=True, slots=True)
class OutsideDay:
    """A day the notice declares in another year than its own."""

    day: date
    off: bool
    agrees: bool | None  # the contract's calendar says the same; None: it knows no such year


def package_differences(notice: HolidayNotice) -> list[DayDifference] | None:
    """The days chinese-calendar sees otherwise than the notice; None when it does not know
    the notice's year."""
    package = BusinessCalendar()
    if not package.knows(notice.year):
        return None
    own = [d for d in notice.holidays if d.year == notice.year]
    made_up = [d for d in notice.workdays if d.year == notice.year]
    from_notice = BusinessCalendar({notice.year: (own, made_up)}, use_package=False)
    first = date(notice.year, 1, 1)
    days = (first + timedelta(days=n) for n in range((date(notice.year + 1, 1, 1) - first).days))
    return [
        DayDifference(day, package.is_working_day(day), from_notice.is_working_day(day))
        for day in days
        if package.is_working_day(day) != from_notice.is_working_day(day)
    ]


def days_outside_year(notice: HolidayNotice, calendar: BusinessCalendar) -> list[OutsideDay]:
    """The notice's days in other years, and whether `calendar` already has them so."""
    outside = [(d, True) for d in notice.holidays if d.year != notice.year]
    outside += [(d, False) for d in notice.workdays if d.year != notice.year]
    found = []
    for day, off in sorted(outside):
        try:
            agrees: bool | None = calendar.is_working_day(day) != off
        except CalendarError:
            agrees = None
        found.append(OutsideDay(day, off, agrees))
    return found
