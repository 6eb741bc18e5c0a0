"""Chinese working days: statutory holidays and make-up working days (调休).

The source is the chinese-calendar package, which follows the State Council's yearly notices;
the contract can declare a year the package does not know yet (or part of it: a partial year is
known from 1 January through its last listed day) and override single days. A day no source
knows is an explicit UnknownYear naming its year: guessing from weekdays alone is wrong several
days a year.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import chinese_calendar

from monitor.domain.message import Message, MessageError


class DeclaredDays(Protocol):
    """A year's holidays and make-up working days as the contract declares them."""

    @property
    def holidays(self) -> Sequence[date]: ...

    @property
    def workdays(self) -> Sequence[date]: ...

    @property
    def partial(self) -> bool: ...


class CalendarTerms(Protocol):
    """The contract's calendar section (monitor.contract.model.CalendarConfig)."""

    @property
    def years(self) -> Mapping[int, DeclaredDays]: ...

    @property
    def holidays(self) -> Sequence[date]: ...

    @property
    def workdays(self) -> Sequence[date]: ...


class CalendarError(MessageError):
    """A calendar that cannot answer: days listed both ways, or a day no source knows;
    `message` says why in both languages."""


class UnknownYear(CalendarError):
    """A day of `year` that no source knows: the year is unknown, or known only in part."""

    def __init__(self, year: int, message: Message) -> None:
        super().__init__(message)
        self.year = year


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
        partial_years: Iterable[int] = (),
    ) -> None:
        self._package_years = _package_years() if use_package else range(0)
        self._declared: dict[int, tuple[frozenset[date], frozenset[date]]] = {
            year: (frozenset(holidays), frozenset(workdays))
            for year, (holidays, workdays) in (declared_years or {}).items()
        }
        # The last day each declared year covers: 31 December, or for a partial year its last
        # listed day (the day before 1 January when it lists none).
        partial = set(partial_years)
        self._declared_through: dict[int, date] = {
            year: max((*holidays, *workdays), default=date(year, 1, 1) - timedelta(days=1))
            if year in partial
            else date(year, 12, 31)
            for year, (holidays, workdays) in self._declared.items()
        }
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_workdays = frozenset(extra_workdays)
        overlap = self._extra_holidays & self._extra_workdays
        if overlap:
            days = ", ".join(day.isoformat() for day in sorted(overlap))
            raise CalendarError(
                Message(
                    f"这些日期同时列为放假日和上班日：{days}",
                    f"listed as both holiday and working day: {days}",
                )
            )
        # Working days of every known year (its known part) as ordinals, for bisecting.
        self._workday_ordinals: dict[int, list[int]] = {}

    @classmethod
    def from_config(cls, config: CalendarTerms) -> BusinessCalendar:
        years = {year: (days.holidays, days.workdays) for year, days in config.years.items()}
        partial = [year for year, days in config.years.items() if days.partial]
        return cls(years, config.holidays, config.workdays, partial_years=partial)

    @property
    def known_years(self) -> list[int]:
        """The years every day of which some source knows."""
        return sorted(year for year in {*self._package_years, *self._declared} if self.knows(year))

    def knows(self, year: int) -> bool:
        """True when every day of `year` is known."""
        return self._known_through(year) == date(year, 12, 31)

    def _known_through(self, year: int) -> date | None:
        """The last day of `year` some source knows (every day before it too); None: none."""
        if year in self._package_years:
            return date(year, 12, 31)  # the package fills what a partial declaration leaves
        through = self._declared_through.get(year)
        if through is None or through.year != year:
            return None
        return through

    def known_until(self) -> date | None:
        """The first day no source knows after the known days that begin with the earliest
        known year (e.g. 2028-01-01 when 2004–2027 are known); None when nothing is known."""
        years = [*self._package_years, *self._declared]
        if not years:
            return None
        year = min(years)
        while (through := self._known_through(year)) == date(year, 12, 31):
            year += 1
        return date(year, 1, 1) if through is None else through + timedelta(days=1)

    def first_unknown_day_after(self, day: date) -> date:
        """The first day after `day` that no source knows: the one whose year a working-day
        count from `day` needs when it cannot be answered (UnknownYear names that year)."""
        candidate = day + timedelta(days=1)
        while True:
            through = self._known_through(candidate.year)
            if through is None or through < candidate:
                return candidate
            if through.month == 12 and through.day == 31:
                candidate = date(candidate.year + 1, 1, 1)
                continue
            return through + timedelta(days=1)

    def is_working_day(self, day: date) -> bool:
        """True on a working day, including a make-up working day on a weekend."""
        if day in self._extra_holidays:
            return False
        if day in self._extra_workdays:
            return True
        declared = self._declared.get(day.year)
        if declared is not None and day <= self._declared_through[day.year]:
            holidays, workdays = declared
            if day in holidays:
                return False
            return day in workdays or day.weekday() < 5
        if day.year in self._package_years:
            return bool(chinese_calendar.is_workday(day))
        raise self._unknown(day.year)

    def is_known_working_day(self, day: date) -> bool:
        """True on a working day some source knows; False on a day off and on a day no source
        knows (service hours and inspection schedules leave such a day out, inventing nothing)."""
        try:
            return self.is_working_day(day)
        except UnknownYear:
            return False

    def _unknown(self, year: int) -> UnknownYear:
        years = self.known_years
        span = f"{years[0]}–{years[-1]}" if years else None
        through = self._known_through(year)
        if through is not None:
            return UnknownYear(
                year,
                Message(
                    f"工作日历中 {year} 年只知道到 {through.isoformat()}（calendar.years.{year} "
                    "为 partial）：请按国务院办公厅的节假日安排通知补全该年，或升级 "
                    "chinesecalendar",
                    f"Working days of {year} are known only through {through.isoformat()} "
                    f"(calendar.years.{year} is partial): add the rest of the year from the "
                    "State Council's holiday notice, or upgrade chinesecalendar.",
                ),
            )
        return UnknownYear(
            year,
            Message(
                f"工作日历不包含 {year} 年（已知年份 {span or '无'}）：请按国务院办公厅的节假日安排"
                "通知在合同的 calendar.years 下添加该年，或升级 chinesecalendar",
                f"Working days of {year} are unknown: add the year under calendar.years in the "
                "contract from the State Council's holiday notice, or upgrade chinesecalendar.",
            ),
        )

    def _ordinals(self, year: int) -> list[int]:
        """The working days of the known part of `year`, as ordinals."""
        cached = self._workday_ordinals.get(year)
        if cached is None:
            through = self._known_through(year)
            if through is None:
                raise self._unknown(year)
            first = date(year, 1, 1).toordinal()
            cached = [
                ordinal
                for ordinal in range(first, through.toordinal() + 1)
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
            if not self.knows(year):
                raise self._unknown(year)  # the count runs past a partial year's last day
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
