"""What the operators delivered in a period: resources of each class in service on its days
(from the inventory), the days no outage outside approved maintenance touched and the days the
duty roster covered around the clock."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.domain.periods import Period
from monitor.domain.resources import Interval, Outage, Resource
from monitor.domain.roster import DutyShift
from monitor.measures.availability import ApprovedWindow
from monitor.measures.service_life import first_service_day, last_service_day


@dataclass(frozen=True, slots=True)
class DaySpan:
    """The local days of a period that have begun by the evaluation time, first to last."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @classmethod
    def of(cls, period: Period, at: datetime, zone: ZoneInfo) -> DaySpan | None:
        """None: the period has not begun."""
        if at < period.start:
            return None
        end = min(at, period.end - timedelta(microseconds=1))
        return cls(period.start.astimezone(zone).date(), end.astimezone(zone).date())


@dataclass(frozen=True, slots=True)
class ClassDelivery:
    """One class: its planned count, the fewest in service on a day (and the first such day)
    and the count on the last day."""

    resource_class: str
    planned: int
    fewest: int
    fewest_on: date
    last_day: int


def delivered(
    resources: Iterable[Resource], planned: Mapping[str, int], span: DaySpan, zone: ZoneInfo
) -> list[ClassDelivery]:
    """Each planned class's resources in service (at some moment of the day) per day of span."""
    changes = {name: [0] * (span.days + 1) for name in planned}
    for resource in resources:
        counts = changes.get(resource.resource_class)
        if counts is None:
            continue
        first, last = first_service_day(resource, zone), last_service_day(resource, zone)
        start = 0 if first is None else max(0, (first - span.first).days)
        stop = span.days - 1 if last is None else min(span.days - 1, (last - span.first).days)
        if start <= stop:
            counts[start] += 1
            counts[stop + 1] -= 1
    found = []
    for name, count in planned.items():
        running, daily = 0, []
        for change in changes[name][:-1]:
            running += change
            daily.append(running)
        fewest = min(daily)
        found.append(
            ClassDelivery(
                name,
                count,
                fewest,
                span.first + timedelta(days=daily.index(fewest)),
                daily[-1],
            )
        )
    return found


@dataclass(frozen=True, slots=True)
class ServiceDays:
    """The days of a span, those an outage outside approved maintenance touched (`lost`) and
    those the duty roster did not cover around the clock (`uncovered`); a day in either is
    not a service day."""

    span: DaySpan
    lost: tuple[date, ...]
    uncovered: tuple[date, ...] = ()

    @property
    def not_served(self) -> tuple[date, ...]:
        return tuple(sorted({*self.lost, *self.uncovered}))

    @property
    def served(self) -> int:
        return self.span.days - len(self.not_served)


def count_service_days(
    outages: Iterable[Outage],
    resources: Mapping[str, Resource],
    windows: Sequence[ApprovedWindow],
    span: DaySpan,
    at: datetime,
    zone: ZoneInfo,
    counts: Callable[[Resource | None], bool],
) -> ServiceDays:
    """The span's days touched by an outage of a counted resource (`counts` says which) not
    covered by an approved window; an outage still going on lasts until `at`."""
    lost: set[date] = set()
    for outage in outages:
        if outage.is_approved_maintenance:
            continue
        resource = resources.get(outage.resource_id)
        if not counts(resource):
            continue
        applying = [w for w in windows if resource is None or w.applies_to(resource)]
        end = min(outage.end or at, at)
        for start, stop in _outside((outage.start, end), applying):
            lost.update(_days(start, stop, zone, span))
    return ServiceDays(span, tuple(sorted(lost)))


def _outside(interval: Interval, windows: Sequence[ApprovedWindow]) -> list[Interval]:
    """The parts of the interval no window covers."""
    pieces = [interval] if interval[1] > interval[0] else []
    for window in windows:
        kept: list[Interval] = []
        for start, end in pieces:
            if window.end <= start or window.start >= end:
                kept.append((start, end))
                continue
            if start < window.start:
                kept.append((start, window.start))
            if window.end < end:
                kept.append((window.end, end))
        pieces = kept
    return pieces


def _days(start: datetime, end: datetime, zone: ZoneInfo, span: DaySpan) -> Iterable[date]:
    day = max(start.astimezone(zone).date(), span.first)
    last = min((end - timedelta(microseconds=1)).astimezone(zone).date(), span.last)
    while day <= last:
        yield day
        day += timedelta(days=1)


def uncovered_days(shifts: Iterable[DutyShift], span: DaySpan, zone: ZoneInfo) -> tuple[date, ...]:
    """The span's local days that the shifts together (their union) do not cover from
    midnight to midnight in `zone`; a day of 23 or 25 hours is its own length."""
    merged = _merged(sorted((shift.start, shift.end) for shift in shifts))
    starts = [start for start, _ in merged]
    uncovered: list[date] = []
    day = span.first
    while day <= span.last:
        begin = datetime.combine(day, time(0), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
        # The one merged interval that can hold the whole day starts at or before midnight.
        index = bisect_right(starts, begin) - 1
        if index < 0 or merged[index][1] < end:
            uncovered.append(day)
        day += timedelta(days=1)
    return tuple(uncovered)


def _merged(intervals: Sequence[Interval]) -> list[Interval]:
    """Sorted intervals joined where they overlap or touch."""
    merged: list[Interval] = []
    for start, end in intervals:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
