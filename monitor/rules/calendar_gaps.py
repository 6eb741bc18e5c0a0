"""Which years calendar_unknown results need, and the one warning that names them.

A calendar_unknown result stores no year: the year is that of the first day after its start's
local date that no calendar source knows (BusinessCalendar.first_unknown_day_after), the day a
working-day count from the start could not get past.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.domain.calendar import BusinessCalendar
from monitor.domain.message import Message
from monitor.domain.tickets import Status, TargetResult, calendar_unknown_reason

# How far ahead the end of the known calendar is worth a warning (the alert rule and the
# dashboard use the same lead).
WARN_DAYS_BEFORE = 60


def year_needed(start: datetime | None, calendar: BusinessCalendar, zone: ZoneInfo) -> int | None:
    """The year whose working days a calendar_unknown clock started at `start` needs."""
    if start is None:
        return None
    return calendar.first_unknown_day_after(start.astimezone(zone).date()).year


def unknown_reason(start: datetime | None, calendar: BusinessCalendar, zone: ZoneInfo) -> str:
    """Why a calendar_unknown result has no deadline, naming the year it needs."""
    return calendar_unknown_reason(year_needed(start, calendar, zone))


def years_needed(
    results: Iterable[TargetResult], calendar: BusinessCalendar, zone: ZoneInfo
) -> dict[int, int]:
    """Year → how many of the calendar_unknown results need it, earliest year first."""
    starts = (r.start for r in results if r.status is Status.CALENDAR_UNKNOWN)
    return years_of_starts(starts, calendar, zone)


def years_of_starts(
    starts: Iterable[datetime | None], calendar: BusinessCalendar, zone: ZoneInfo
) -> dict[int, int]:
    """Year → how many calendar_unknown clocks with these starts need it, earliest first."""
    counts = Counter(year_needed(start, calendar, zone) for start in starts)
    return {year: counts[year] for year in sorted(y for y in counts if y is not None)}


def calendar_warning(years: Mapping[int, int]) -> Message | None:
    """One line in each language naming the years and how many results need each; None when
    no result needs a year the calendar lacks."""
    if not years:
        return None
    total = sum(years.values())
    zh = "、".join(f"{year} 年 {count} 条" for year, count in years.items())
    en = ", ".join(f"{year} ({count})" for year, count in years.items())
    named = "、".join(str(year) for year in years)
    return Message(
        f"{total} 条考核结果需要尚未知的工作日历（{zh}），状态为日历未知、不计违约；"
        f"请将 {named} 年的节假日安排加入合同 calendar.years（slamon calendar import 通知）"
        "或升级 chinesecalendar。",
        f"{total} result(s) need working days of a year the calendar does not know ({en}): "
        "they are calendar_unknown, not counted as violations; add the year to the contract's "
        "calendar.years (slamon calendar import NOTICE) or upgrade chinesecalendar.",
    )


def known_until_instant(calendar: BusinessCalendar, zone: ZoneInfo) -> datetime | None:
    """00:00 in the contract's zone of the first day the calendar does not know (the end of
    the last known day); None when it knows none."""
    day = calendar.known_until()
    return None if day is None else datetime.combine(day, time(0), tzinfo=zone)


def calendar_ending_warning(
    calendar: BusinessCalendar, now: datetime, zone: ZoneInfo
) -> Message | None:
    """One line in each language when the calendar's known days end within WARN_DAYS_BEFORE
    of `now` (or have ended); None otherwise."""
    end = known_until_instant(calendar, zone)
    if end is None or end - now > timedelta(days=WARN_DAYS_BEFORE):
        return None
    last = (end - timedelta(days=1)).date().isoformat()
    return Message(
        f"工作日历只到 {last}，之后的工作日时限将无法计算（日历未知）；请将下一年的"
        "节假日安排加入合同 calendar.years（slamon calendar import 通知）或升级 chinesecalendar。",
        f"The working-day calendar ends on {last}: working-day deadlines after it will be "
        "calendar_unknown; add the next year to the contract's calendar.years (slamon calendar "
        "import NOTICE) or upgrade chinesecalendar.",
    )
