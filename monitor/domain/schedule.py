"""Business-hours (工作时间) clocks: schedule time between instants, deadlines and lead times.

A schedule is a set of local opening hours (e.g. 5×8: 08:30–12:00 and 13:30–17:30) on working
days or on every day. Its clock runs only while the schedule is open; every instant given or
returned is absolute (aware, results in UTC), and local dates and times serve only to find the
openings of each day, so a day of 23 or 25 hours counts as it is.

Semantics:

- A day's opening intervals are half-open [opens, closes): an instant at a closing is outside.
- A clock that starts outside the schedule starts counting at the next opening.
- `deadline(start, limit)` is the last instant at which the clock still shows at most `limit`:
  stop <= deadline exactly when elapsed(start, stop) <= limit, so a stop in the break after
  the limit ran out (12:00–13:30) is still within it, and the deadline is the next opening
  (13:30). A limit of 0 gives the start itself when it is inside the schedule, else the next
  opening.
- `back_from(deadline, lead)` is the last instant with at least `lead` of schedule time left
  before the deadline, so back_from(deadline(s, L), x) == deadline(s, L - x) for x <= L.
- Local times are read with zoneinfo's fold=0: a time that a DST change skips is read with the
  offset before the change (02:30 on a spring-forward day lands at 03:30 summer time), a time
  that repeats is its first occurrence. The intervals so found are then cut to their local day
  and to start no earlier than the interval before them ends; one left empty is dropped.
- A working day is the calendar's (statutory holidays, 调休 make-up days); a CalendarError for a
  day no source knows is raised to the caller.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import pairwise
from typing import Literal
from zoneinfo import ZoneInfo

from monitor.domain.calendar import BusinessCalendar
from monitor.domain.instants import MICROSECOND, from_us, to_us

ScheduleDays = Literal["working_days", "every_day"]
Hours = tuple[time, time]  # local [start, end); an end of 00:00 is 24:00, the end of the day
OpeningUs = tuple[int, int]  # [opens, closes) as µs since the epoch

MIDNIGHT = time(0)
_ONE_DAY = timedelta(days=1)


def hours_length(hours: Hours) -> timedelta:
    """The wall-clock length of local hours, an end of 00:00 read as 24:00 (≤ 0: not forward)."""
    start, end = hours
    end_offset = _ONE_DAY if end == MIDNIGHT else _offset(end)
    return end_offset - _offset(start)


def overlapping_pair(hours: Sequence[Hours]) -> tuple[int, int] | None:
    """Indices (earlier, later in the list) of two ranges that overlap; touching is fine."""
    order = sorted(range(len(hours)), key=lambda index: _offset(hours[index][0]))
    for before, after in pairwise(order):
        if _offset(hours[before][0]) + hours_length(hours[before]) > _offset(hours[after][0]):
            return min(before, after), max(before, after)
    return None


def _text(hours: Hours) -> str:
    start, end = hours
    return f"{start:%H:%M}-" + ("24:00" if end == MIDNIGHT else f"{end:%H:%M}")


def _offset(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


@dataclass(frozen=True)
class BusinessSchedule:
    """Opening hours on working days or every day, in a zone; the clock arithmetic over them."""

    name: str
    days: ScheduleDays
    hours: tuple[Hours, ...]  # kept in the order of their start
    zone: ZoneInfo
    calendar: BusinessCalendar
    # Each local date's openings, found once: clocks walk the same days over and over.
    _openings: dict[date, tuple[OpeningUs, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        hours = tuple(sorted(self.hours, key=lambda item: _offset(item[0])))
        if not hours:
            raise ValueError(f"schedule {self.name}: no opening hours")
        if self.days not in ("working_days", "every_day"):
            raise ValueError(f"schedule {self.name}: days must be working_days or every_day")
        for start, end in hours:
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError(f"schedule {self.name}: hours are local times without a zone")
            if hours_length((start, end)) <= timedelta(0):
                raise ValueError(
                    f"schedule {self.name}: {_text((start, end))} does not run forward"
                )
        pair = overlapping_pair(hours)
        if pair is not None:
            earlier, later = (_text(hours[index]) for index in pair)
            raise ValueError(f"schedule {self.name}: {earlier} overlaps {later}")
        object.__setattr__(self, "hours", hours)

    def deadline(self, start: datetime, limit: timedelta) -> datetime:
        """The last instant at which the clock started at `start` shows at most `limit`."""
        return from_us(self._deadline_us(_us(start, "start"), _length_us(limit, "limit")))

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Schedule time between two instants (0 when end <= start)."""
        return timedelta(microseconds=self._elapsed_us(_us(start, "start"), _us(end, "end")))

    def back_from(self, deadline: datetime, lead: timedelta) -> datetime:
        """The last instant with at least `lead` of schedule time left before `deadline`."""
        return from_us(self._back_from_us(_us(deadline, "deadline"), _length_us(lead, "lead")))

    def local_date(self, moment_us: int) -> date:
        """The local date of an instant (µs since the epoch): the day whose openings hold it."""
        return from_us(moment_us).astimezone(self.zone).date()

    def openings_us(self, day: date) -> tuple[OpeningUs, ...]:
        """The local date's opening intervals as µs since the epoch, ordered and disjoint."""
        found = self._openings.get(day)
        if found is None:
            open_today = self.days == "every_day" or self.calendar.is_working_day(day)
            found = self._day_openings(day) if open_today else ()
            self._openings[day] = found
        return found

    def _day_openings(self, day: date) -> tuple[OpeningUs, ...]:
        day_starts = self._local_us(day, MIDNIGHT)
        day_ends = self._local_us(day + _ONE_DAY, MIDNIGHT)
        found: list[OpeningUs] = []
        floor = day_starts
        for start, end in self.hours:
            opens = max(self._local_us(day, start), floor)
            closes = day_ends if end == MIDNIGHT else min(self._local_us(day, end), day_ends)
            if closes > opens:
                found.append((opens, closes))
                floor = closes
        return tuple(found)

    def _local_us(self, day: date, moment: time) -> int:
        return to_us(datetime.combine(day, moment, tzinfo=self.zone))  # fold=0

    def _deadline_us(self, start: int, limit: int) -> int:
        remaining = limit
        day = self.local_date(start)
        while True:
            for opens, closes in self.openings_us(day):
                if closes <= start:
                    continue
                begin = max(opens, start)
                # Strictly less: a limit that runs out at a closing reaches the next opening.
                if remaining < closes - begin:
                    return begin + remaining
                remaining -= closes - begin
            day += _ONE_DAY

    def _elapsed_us(self, start: int, end: int) -> int:
        if end <= start:
            return 0
        total = 0
        day, last = self.local_date(start), self.local_date(end)
        while day <= last:
            for opens, closes in self.openings_us(day):
                total += max(0, min(closes, end) - max(opens, start))
            day += _ONE_DAY
        return total

    def _back_from_us(self, deadline: int, lead: int) -> int:
        if lead == 0:
            return deadline
        remaining = lead
        day = self.local_date(deadline)
        while True:
            for opens, closes in reversed(self.openings_us(day)):
                if opens >= deadline:
                    continue
                end = min(closes, deadline)
                if remaining <= end - opens:
                    return end - remaining
                remaining -= end - opens
            day -= _ONE_DAY


def _us(moment: datetime, what: str) -> int:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be an aware datetime, got {moment.isoformat()}")
    return to_us(moment)


def _length_us(length: timedelta, what: str) -> int:
    if length < timedelta(0):
        raise ValueError(f"{what} must not be negative, got {length}")
    return length // MICROSECOND
