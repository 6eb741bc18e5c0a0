"""Chinese working days: statutory holidays and make-up working days (调休).

The source is the chinese-calendar package, which follows the State Council's yearly notices;
the contract can declare a year the package does not know yet and override single days. A day
in a year nobody knows is an explicit error: guessing from weekdays alone is wrong several days
a year.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import chinese_calendar


class DeclaredDays(Protocol):
    """A year's holidays and make-up working days as the contract declares them."""

    @property
    def holidays(self) -> Sequence[date]: ...

    @property
    def workdays(self) -> Sequence[date]: ...


class CalendarTerms(Protocol):
    """The contract's calendar section (monitor.contract.model.CalendarConfig)."""

    @property
    def years(self) -> Mapping[int, DeclaredDays]: ...

    @property
    def holidays(self) -> Sequence[date]: ...

    @property
    def workdays(self) -> Sequence[date]: ...


class CalendarError(Exception):
    """A day whose working status no source knows."""


def _package_years() -> range:
    known = [*chinese_calendar.holidays, *chinese_calendar.workdays]
    return range(min(day.year for day in known), max(day.year for day in known) + 1)


class BusinessCalendar:
    """Which days are working days, and the Nth working day after a date."""

    def __init__(
        self,
        declared_years: Mapping[int, tuple[Iterable[date], Iterable[date]]] | None = None,
        extra_holidays: Iterable[date] = (),
        extra_workdays: Iterable[date] = (),
        use_package: bool = True,
    ) -> None:
        self._package_years = _package_years() if use_package else range(0)
        self._declared: dict[int, tuple[frozenset[date], frozenset[date]]] = {
            year: (frozenset(holidays), frozenset(workdays))
            for year, (holidays, workdays) in (declared_years or {}).items()
        }
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_workdays = frozenset(extra_workdays)
        overlap = self._extra_holidays & self._extra_workdays
        if overlap:
            raise CalendarError(f"listed as both holiday and working day: {sorted(overlap)}")
        # Working days of every known year as ordinals, for bisecting.
        self._workday_ordinals: dict[int, list[int]] = {}

    @classmethod
    def from_config(cls, config: CalendarTerms) -> BusinessCalendar:
        years = {year: (days.holidays, days.workdays) for year, days in config.years.items()}
        return cls(years, config.holidays, config.workdays)

    @property
    def known_years(self) -> list[int]:
        return sorted(set(self._package_years) | set(self._declared))

    def knows(self, year: int) -> bool:
        return year in self._declared or year in self._package_years

    def is_working_day(self, day: date) -> bool:
        """True on a working day, including a make-up working day on a weekend."""
        if day in self._extra_holidays:
            return False
        if day in self._extra_workdays:
            return True
        declared = self._declared.get(day.year)
        if declared is not None:
            holidays, workdays = declared
            if day in holidays:
                return False
            return day in workdays or day.weekday() < 5
        if day.year in self._package_years:
            return bool(chinese_calendar.is_workday(day))
        raise CalendarError(self._unknown_year_message(day.year))

    def _unknown_year_message(self, year: int) -> str:
        years = self.known_years
        span = f"{years[0]}–{years[-1]}" if years else "none"
        return (
            f"工作日历不包含 {year} 年（已知年份 {span}）。"
            f"Working days of {year} are unknown: add the year under calendar.years in the "
            "contract from the State Council's holiday notice, or upgrade chinesecalendar."
        )

    def _ordinals(self, year: int) -> list[int]:
        cached = self._workday_ordinals.get(year)
        if cached is None:
            if not self.knows(year):
                raise CalendarError(self._unknown_year_message(year))
            first = date(year, 1, 1).toordinal()
            last = date(year, 12, 31).toordinal()
            cached = [
                ordinal
                for ordinal in range(first, last + 1)
                if self.is_working_day(date.fromordinal(ordinal))
            ]
            self._workday_ordinals[year] = cached
        return cached

    def nth_working_day_after(self, day: date, n: int) -> date:
        """The Nth working day strictly after `day` (the day itself never counts)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        return self._nth_working_day_after(day, n)

    @lru_cache(maxsize=65536)  # noqa: B019 - bounded; calendars live as long as the process
    def _nth_working_day_after(self, day: date, n: int) -> date:
        year = day.year
        ordinals = self._ordinals(year)
        index = bisect_right(ordinals, day.toordinal())
        remaining = n
        while True:
            available = len(ordinals) - index
            if remaining <= available:
                return date.fromordinal(ordinals[index + remaining - 1])
            remaining -= available
            year += 1
            ordinals = self._ordinals(year)
            index = 0

    def working_days_deadline(self, start: datetime, n: int, zone: ZoneInfo) -> datetime:
        """End of the Nth working day after the start's local date (PRC Civil Code arts. 201–203).

        The day of the start event is not counted; the limit ends at 24:00 of the Nth working
        day after it, i.e. 00:00 of the following calendar day, in the contract's time zone.
        """
        local_day = start.astimezone(zone).date()
        last_day = self.nth_working_day_after(local_day, n)
        return datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=zone)
