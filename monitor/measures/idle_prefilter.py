"""Which hosts could still be idle at some checkpoint, judged from whole rollup days; pure.

A window is idle only if its peak stays below the limit. A whole rollup day (a day of
UTC+08:00, monitor.domain.resources) that lies inside a window's local days (and inside the
range read) and peaked at or above the limit therefore rules that window out, whatever the
rest of it holds. A host all of whose windows are ruled out cannot be found idle, so its
quarter hours need not be read. Partial rollup days at a window's edges (in a zone other than
UTC+08:00) never rule anything out, nor do days the daily rollups lack.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from monitor.domain.resources import ROLLUP_DAY_OFFSET

_DAY = 86_400
_EPOCH = date(1970, 1, 1)


def hosts_that_may_be_idle(
    hosts: Sequence[str],
    busy: Mapping[str, Collection[date]],
    checkpoints: Sequence[date],
    window: timedelta,
    read_from: datetime,
    read_until: datetime,
    zone: ZoneInfo,
) -> list[str]:
    """The hosts (in their order) with a checkpoint whose window holds none of their busy
    whole rollup days (`busy`: their dates in UTC+08:00).

    A checkpoint D's window is the local days D − window.days … D − 1, as read: the quarter
    hours starting in [max(read_from, midnight(D − days)), min(read_until, midnight(D))).
    """
    if not checkpoints:
        return []
    first_day, last_day = _whole_rollup_days(checkpoints, window.days, read_from, read_until, zone)
    out = []
    for host in hosts:
        days = busy.get(host)
        if not days:
            out.append(host)
            continue
        numbers = np.sort(np.array([(day - _EPOCH).days for day in days]))
        inside = np.searchsorted(numbers, last_day, "right") - np.searchsorted(numbers, first_day)
        if (inside <= 0).any():  # some window without a busy day (or without whole days)
            out.append(host)
    return out


def _whole_rollup_days(
    checkpoints: Sequence[date],
    days: int,
    read_from: datetime,
    read_until: datetime,
    zone: ZoneInfo,
) -> tuple[np.ndarray, np.ndarray]:
    """Per checkpoint: the first and last rollup day (days since 1970) lying wholly in its
    window."""
    # Rollup day n covers [n days − the offset, n + 1 days − the offset) of the UTC epoch.
    shift = ROLLUP_DAY_OFFSET.total_seconds()
    lower, upper = read_from.timestamp() + shift, read_until.timestamp() + shift
    first, last = [], []
    for day in checkpoints:
        opened = max(lower, _midnight(day - timedelta(days=days), zone).timestamp() + shift)
        closed = min(upper, _midnight(day, zone).timestamp() + shift)
        first.append(math.ceil(opened / _DAY))
        last.append(math.floor(closed / _DAY) - 1)
    return np.array(first), np.array(last)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)
