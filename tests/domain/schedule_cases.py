"""Schedules, instants and limits for the business-hours clock tests: the 5×8 schedule, zones
with DST (Berlin, and Santiago whose clocks change at midnight) and hypothesis strategies."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from monitor.domain.calendar import BusinessCalendar
from monitor.domain.instants import from_us, to_us
from monitor.domain.schedule import BusinessSchedule, Hours, ScheduleDays, hours_length
from tests.conftest import SHANGHAI

BERLIN = ZoneInfo("Europe/Berlin")
# Clocks change at local midnight here: 24:00 → 23:00 in April, 00:00 → 01:00 in September.
SANTIAGO = ZoneInfo("America/Santiago")
CALENDAR = BusinessCalendar()
FIVE_BY_EIGHT: tuple[Hours, ...] = ((time(8, 30), time(12)), (time(13, 30), time(17, 30)))
H = timedelta(hours=1)
M = timedelta(minutes=1)


def schedule(
    days: ScheduleDays = "working_days",
    hours: tuple[Hours, ...] = FIVE_BY_EIGHT,
    zone: ZoneInfo = SHANGHAI,
    calendar: BusinessCalendar = CALENDAR,
) -> BusinessSchedule:
    return BusinessSchedule("工作时间", days, hours, zone, calendar)


def berlin(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


_FIRST = to_us(utc("2024-01-01 00:00"))
_LAST = to_us(utc("2025-10-31 00:00"))
_MINUTE_US = 60_000_000
# DST changes of Berlin and Santiago, where the properties most easily break.
_CHANGES = [
    to_us(utc(text))
    for text in (
        "2024-03-31 01:00",
        "2024-10-27 01:00",
        "2025-03-30 01:00",
        "2024-04-07 03:00",
        "2024-09-08 04:00",
        "2025-04-06 03:00",
    )
]


@st.composite
def opening_hours(draw: st.DrawFn) -> tuple[Hours, ...]:
    """One to four ranges in quarter hours, some touching, some up to 24:00."""
    hours: list[Hours] = []
    at = draw(st.integers(0, 80)) * 15
    while at < 1440 and len(hours) < 4:
        length = draw(st.integers(1, 48)) * 15
        end = min(at + length, 1440)
        hours.append((time(at // 60, at % 60), time((end // 60) % 24, end % 60)))
        at = end + draw(st.integers(0, 24)) * 15
    return tuple(hours)


@st.composite
def schedules(draw: st.DrawFn) -> BusinessSchedule:
    days: ScheduleDays = draw(st.sampled_from(["working_days", "every_day"]))
    hours = draw(st.one_of(st.just(FIVE_BY_EIGHT), opening_hours()))
    zone = draw(st.sampled_from([SHANGHAI, BERLIN, SANTIAGO]))
    return schedule(days, hours, zone)


instants_us = st.one_of(
    st.integers(_FIRST, _LAST),
    st.integers(_FIRST // _MINUTE_US, _LAST // _MINUTE_US).map(lambda m: m * _MINUTE_US),
    st.builds(
        lambda change, minutes: change + minutes * _MINUTE_US,
        st.sampled_from(_CHANGES),
        st.integers(-36 * 60, 36 * 60),
    ),
)
instants = instants_us.map(from_us)


def _daily_us(work: BusinessSchedule) -> int:
    """An open day's hours in wall time: limits stay within 60 such days, so within known years."""
    return sum((hours_length(hours) for hours in work.hours), timedelta(0)) // timedelta(
        microseconds=1
    )


def turns_near(work: BusinessSchedule, moment: datetime, days: range) -> list[datetime]:
    """The openings and closings of the local days `days` after the moment's (before: < 0)."""
    day = work.local_date(to_us(moment))
    return [
        from_us(turn)
        for offset in days
        for opening in work.openings_us(day + timedelta(days=offset))
        for turn in opening
    ]


@st.composite
def moments(draw: st.DrawFn, work: BusinessSchedule, near: datetime | None = None) -> datetime:
    """Instants, half of them an opening or a closing of the schedule (where clocks turn);
    given `near`, one of the turns of the week after it."""
    base = from_us(draw(instants_us)) if near is None else near
    if near is None and draw(st.booleans()):
        return base
    turns = turns_near(work, base, range(8))
    return draw(st.sampled_from(turns)) if turns else base


@st.composite
def limits(draw: st.DrawFn, work: BusinessSchedule, start: datetime | None = None) -> timedelta:
    """Limits within 60 open days: whole minutes, any µs, or (given the start) the schedule
    time from it to an opening or closing of the week after it."""
    most = timedelta(microseconds=min(400 * 3600 * 10**6, 60 * _daily_us(work)))
    kind = draw(st.sampled_from(["minutes", "microseconds", "to_a_turn"]))
    if kind == "to_a_turn" and start is not None:
        return min(work.elapsed(start, draw(moments(work, near=start))), most)
    if kind == "microseconds":
        return draw(st.timedeltas(timedelta(0), most))
    return draw(st.integers(0, most // M)) * M
