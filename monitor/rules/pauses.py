"""Pause arithmetic: which waiting stretches stop a clock, and where they move its deadline.

Pure functions of their arguments. A pause counts as of the evaluation time `now`: one that
starts later has not happened yet, one that ends later is still open. Pauses after the clock
stopped are irrelevant, and a pause that begins once the deadline has passed cannot save it.
A `resolved` stretch (a resolution a reopen undid) is a pause only once that reopen happened:
until then the ticket stood restored. Stretches are in UTC, so that a pause across a summer-time
change lasts the time that really passed (monitor.rules.status says why).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.domain.schedule import BusinessSchedule
from monitor.domain.tickets import Pause

# The reason monitor.rules.history gives the stretch a premature resolution stood.
RESOLVED = "resolved"

# A stretch the clock stood still; end None: still paused as of the evaluation time.
Stretch = tuple[datetime, datetime | None]
# The latest instant a datetime holds: a deadline that would be later (an absurd restore size,
# pauses on top) is this one, and such a clock cannot run out.
LAST_INSTANT = datetime.max.replace(tzinfo=UTC)


def paused_stretches(
    pauses: Iterable[Pause],
    reasons: Collection[str],
    start: datetime,
    stop: datetime | None,
    now: datetime,
) -> list[Stretch]:
    """The pauses with a counted reason inside [start, stop or now], merged, in order, in UTC."""
    start = start.astimezone(UTC)
    stop = stop.astimezone(UTC) if stop is not None else None
    now = now.astimezone(UTC)
    horizon = stop if stop is not None else now
    clipped: list[tuple[datetime, datetime | None]] = []
    for pause in pauses:
        if pause.reason not in reasons or pause.start > now:
            continue
        if pause.reason == RESOLVED and (pause.end is None or pause.end > now):
            continue  # not reopened yet as of `now`: the ticket stood restored
        begin = max(pause.start.astimezone(UTC), start)
        end = pause.end.astimezone(UTC) if pause.end is not None and pause.end <= now else None
        if stop is not None:
            end = stop if end is None else min(end, stop)
            if begin >= stop:
                continue
        elif begin > horizon:
            continue
        if end is not None and end <= begin:
            continue
        clipped.append((begin, end))
    clipped.sort(key=lambda stretch: stretch[0])
    merged: list[Stretch] = []
    for begin, end in clipped:
        if merged:
            last_begin, last_end = merged[-1]
            if last_end is None or begin <= last_end:
                merged[-1] = (
                    last_begin,
                    None if end is None or last_end is None else max(end, last_end),
                )
                continue
        merged.append((begin, end))
    return merged


def closed_at(stretches: list[Stretch], now: datetime) -> list[tuple[datetime, datetime]]:
    """The stretches with a still-open one ending at `now`: the clock as if it resumed now."""
    return [(begin, end if end is not None else now) for begin, end in stretches]


def extend_elapsed(deadline: datetime, stretches: list[tuple[datetime, datetime]]) -> datetime:
    """A 7×24 deadline moved later by every pause that began before it ran out (at most
    LAST_INSTANT)."""
    for begin, end in stretches:
        if begin >= deadline:
            break  # the clock had already run out when this pause began
        if end - begin >= LAST_INSTANT - deadline:
            return LAST_INSTANT
        deadline += end - begin
    return deadline


def extend_schedule(
    schedule: BusinessSchedule,
    start: datetime,
    deadline: datetime,
    stretches: list[tuple[datetime, datetime]],
    last: datetime,
) -> datetime:
    """A business-hours deadline moved later by the schedule time each pause that began before
    it ran out covered (at most `last`)."""
    if deadline >= last:
        return last
    limit = schedule.elapsed(start, deadline)
    covered = timedelta(0)
    for begin, end in stretches:
        if begin >= deadline:
            break  # the clock had already run out when this pause began
        covered += schedule.elapsed(begin, end)
        try:
            deadline = schedule.deadline(start, limit + covered)
        except OverflowError:
            return last
    return deadline


def paused_days(stretches: Iterable[tuple[datetime, datetime]], zone: ZoneInfo) -> set[date]:
    """The local calendar days whose end (24:00 in the zone) fell while the clock was paused."""
    days: set[date] = set()
    for begin, end in stretches:
        local_begin = begin.astimezone(zone)
        day = local_begin.date()
        if local_begin.time() == time(0):
            day -= timedelta(days=1)  # the pause began exactly as the day before ended
        while _end_of(day, zone) <= end:
            days.add(day)
            day += timedelta(days=1)
    return days


def _end_of(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)


def extend_working_days(
    start_day: date,
    working_days: int,
    deadline_after: Callable[[int], datetime],
    is_working_day: Callable[[date], bool],
    days_paused: set[date],
    zone: ZoneInfo,
) -> datetime:
    """A working-day deadline that does not count a working day whose end came during a pause.

    Days are counted whole and a limit ends at 24:00 of its last day, so a day counts once the
    clock is running when it ends. `deadline_after(n)` is the deadline of n counted working
    days; each paused working day up to the deadline adds one, until no more fall inside. A
    clock paused now therefore always has its deadline after now: it cannot breach while paused.
    """
    extra = 0
    while True:
        deadline = deadline_after(working_days + extra)
        last_day = deadline.astimezone(zone).date() - timedelta(days=1)
        inside = sum(
            1 for day in days_paused if start_day < day <= last_day and is_working_day(day)
        )
        if inside == extra:
            return deadline
        extra = inside
