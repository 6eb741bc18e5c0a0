"""Business-hours deadlines and lead times over NumPy columns of µs (MISSING stays MISSING).

The same results as BusinessSchedule.deadline and .back_from element by element, found on one
timeline of the days the column needs: each opening interval with the schedule time before
it, so schedule time up to an instant and the last instant at a given schedule time are both
a binary search. The days come from the scalar functions once per distinct UTC day of the
column (its first and last instant), never once per element, and a CalendarError they raise
is raised to the caller.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np

from monitor.domain.instants import DAY_US, MISSING, Ints, from_us
from monitor.domain.schedule import BusinessSchedule

_ONE_DAY = timedelta(days=1)


def deadlines_us(schedule: BusinessSchedule, starts: Ints, limit_us: int) -> Ints:
    """schedule.deadline(start, limit) for each start (µs since the epoch)."""
    if limit_us < 0:
        raise ValueError(f"limit must not be negative, got {limit_us} µs")
    limit = timedelta(microseconds=limit_us)

    def found(distinct: Ints) -> Ints:
        # Each UTC day's clocks span from its first start's day to its last start's deadline.
        days = [
            (
                schedule.local_date(first),
                _local_date(schedule.deadline(from_us(last), limit), schedule),
            )
            for first, last in _utc_day_ends(distinct)
        ]
        timeline = _Timeline.over(schedule, days)
        return timeline.last_at(timeline.schedule_time_at(distinct) + limit_us)

    return _each_distinct(starts, found)


def back_from_us(schedule: BusinessSchedule, deadlines: Ints, lead_us: int) -> Ints:
    """schedule.back_from(deadline, lead) for each deadline (µs since the epoch)."""
    if lead_us < 0:
        raise ValueError(f"lead must not be negative, got {lead_us} µs")
    if lead_us == 0:
        return deadlines.astype(np.int64, copy=True)
    lead = timedelta(microseconds=lead_us)

    def found(distinct: Ints) -> Ints:
        # Each UTC day's clocks span from its first deadline's lead back to its last deadline.
        days = [
            (
                _local_date(schedule.back_from(from_us(first), lead), schedule),
                schedule.local_date(last),
            )
            for first, last in _utc_day_ends(distinct)
        ]
        timeline = _Timeline.over(schedule, days)
        return timeline.last_at(timeline.schedule_time_at(distinct) - lead_us)

    return _each_distinct(deadlines, found)


def _each_distinct(moments: Ints, found: Callable[[Ints], Ints]) -> Ints:
    """`found` of the column's sorted distinct instants, spread back over it; MISSING stays."""
    out = np.full(moments.shape, MISSING, dtype=np.int64)
    present = moments != MISSING
    distinct, inverse = np.unique(moments[present], return_inverse=True)
    if distinct.size:
        out[present] = found(distinct)[inverse.reshape(-1)]
    return out


def _local_date(moment: datetime, schedule: BusinessSchedule) -> date:
    return moment.astimezone(schedule.zone).date()


def _utc_day_ends(distinct: Ints) -> list[tuple[int, int]]:
    """The first and last instant of each UTC day of sorted distinct instants."""
    utc_days = distinct // DAY_US
    breaks = np.flatnonzero(np.diff(utc_days)) + 1
    firsts = distinct[np.concatenate(([0], breaks))]
    lasts = distinct[np.concatenate((breaks - 1, [distinct.size - 1]))]
    return list(zip(firsts.tolist(), lasts.tolist(), strict=True))


@dataclass(frozen=True, slots=True)
class _Timeline:
    """Opening intervals of some local days in order, with the schedule time before each."""

    opens: Ints
    lengths: Ints
    before: Ints  # schedule time of the timeline before each interval
    through: Ints  # ... up to each interval's closing

    @classmethod
    def over(cls, schedule: BusinessSchedule, spans: Iterable[tuple[date, date]]) -> _Timeline:
        """The openings of every day within the spans (first and last day included).

        Schedule time runs on over a gap between spans; no element's clock crosses one, since
        each span holds its elements' whole clocks.
        """
        opens: list[int] = []
        closes: list[int] = []
        for first, last in _merged(spans):
            day = first
            while day <= last:
                for opening, closing in schedule.openings_us(day):
                    opens.append(opening)
                    closes.append(closing)
                day += _ONE_DAY
        opens_array = np.array(opens, dtype=np.int64)
        lengths = np.array(closes, dtype=np.int64) - opens_array
        through = np.cumsum(lengths)
        return cls(opens_array, lengths, through - lengths, through)

    def schedule_time_at(self, moments: Ints) -> Ints:
        """Schedule time of the timeline up to each instant."""
        index = np.searchsorted(self.opens, moments, side="right") - 1
        at = np.maximum(index, 0)
        inside = np.clip(moments - self.opens[at], 0, self.lengths[at])
        found: Ints = np.where(index >= 0, self.before[at] + inside, 0)
        return found

    def last_at(self, times: Ints) -> Ints:
        """The last instant at which the timeline's schedule time is at most each value."""
        # The first interval closing beyond the value: a value reached exactly at a closing
        # is still shown until the next interval opens.
        index = np.searchsorted(self.through, times, side="right")
        assert index.size == 0 or int(index.max()) < self.opens.size, "timeline too short"
        found: Ints = self.opens[index] + (times - self.before[index])
        return found


def _merged(spans: Iterable[tuple[date, date]]) -> list[tuple[date, date]]:
    """Day spans in order, overlapping or adjacent ones joined."""
    out: list[tuple[date, date]] = []
    for first, last in sorted(spans):
        if out and first <= out[-1][1] + _ONE_DAY:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return out
