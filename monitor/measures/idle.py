"""Idle hosts and storage partitions, their reclaim deadlines and violations; pure.

A host is idle at a local midnight D when, over the window before D, both CPU and memory
average below the limit and never peak at or above theirs, with enough coverage to say so. A
storage partition is idle when its monthly usage stays below the limit for N consecutive
months, detected at the end of the last one. An idle resource not reclaimed within the grace
period after detection is a violation; one detection per resource is reported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from monitor.contract.metrics import IdleConfig
from monitor.domain.resources import DayStats, Resource

HOST_METRICS = ("cpu", "memory")


@dataclass(frozen=True, slots=True)
class IdleFinding:
    resource_id: str
    kind: str  # host | storage
    detected_at: datetime
    deadline: datetime
    evidence: dict[str, float]  # e.g. cpu_avg, cpu_peak, memory_avg, memory_peak / month values
    reclaimed_at: datetime | None
    status: str  # candidate | reclaimed | violation

    @property
    def is_violation(self) -> bool:
        return self.status == "violation"


def _status(deadline: datetime, reclaimed_at: datetime | None, at: datetime) -> str:
    if reclaimed_at is not None and reclaimed_at <= min(deadline, at):
        return "reclaimed"
    return "violation" if at >= deadline else "candidate"


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def idle_hosts(
    resources: Sequence[Resource],
    daily: Mapping[str, Mapping[str, Mapping[date, DayStats]]],
    checkpoints: Sequence[date],
    config: IdleConfig,
    coverage_floor: float,
    zone: ZoneInfo,
    at: datetime,
) -> list[IdleFinding]:
    """The first idle checkpoint of each host (days in the contract zone), judged as of `at`.

    The host's days are laid out as arrays (hosts × days) and every checkpoint's window is
    summed at once, day by day in window order: the same additions, in the same order, as
    summing each window on its own, so the same averages to the last bit.
    """
    hosts = [
        resource
        for resource in resources
        if resource.resource_class in config.host_classes
        and all(daily.get(resource.resource_id, {}).get(metric) for metric in HOST_METRICS)
    ]  # without samples of one of the two, nothing can prove a host idle
    if not hosts or not checkpoints:
        return []
    days = config.host_window.days
    first = min(checkpoints) - timedelta(days=days)
    ends = np.array([(day - first).days for day in checkpoints])
    detected = [_midnight(day, zone) for day in checkpoints]
    idle = np.ones((len(hosts), len(checkpoints)), dtype=bool)
    evidence: dict[str, np.ndarray] = {}
    limit = coverage_floor * _window_seconds(checkpoints, detected, config, zone)
    for metric in HOST_METRICS:
        columns = _day_columns(hosts, daily, metric, first, int(ends.max()))
        samples, total, covered, peak = _windows(columns, ends - days, days)
        counted = samples > 0
        average = np.divide(total, samples, out=np.zeros_like(total), where=counted)
        idle &= counted & (covered >= limit) & (average < config.host_average_below)
        idle &= peak < config.host_peak_below
        evidence[f"{metric}_avg"], evidence[f"{metric}_peak"] = average, peak
    idle &= _open_checkpoints(hosts, detected, at)
    found: list[IdleFinding] = []
    for row in np.flatnonzero(idle.any(axis=1)):
        column = int(np.argmax(idle[row]))
        resource = hosts[row]
        deadline = detected[column] + config.grace
        found.append(
            IdleFinding(
                resource.resource_id,
                "host",
                detected[column],
                deadline,
                {name: float(values[row, column]) for name, values in evidence.items()},
                resource.reclaimed_at,
                _status(deadline, resource.reclaimed_at, at),
            )
        )
    return found


def _window_seconds(
    checkpoints: Sequence[date], detected: Sequence[datetime], config: IdleConfig, zone: ZoneInfo
) -> np.ndarray:
    """Each window's real length (UTC), its local days 23 or 25 hours long across a DST change.

    (Aware datetimes in one zone subtract as wall clocks, hence the timestamps.)
    """
    days = timedelta(days=config.host_window.days)
    rest = (config.host_window - days).total_seconds()
    return np.array(
        [
            moment.timestamp() - _midnight(day - days, zone).timestamp() + rest
            for day, moment in zip(checkpoints, detected, strict=True)
        ]
    )


def _day_columns(
    hosts: Sequence[Resource],
    daily: Mapping[str, Mapping[str, Mapping[date, DayStats]]],
    metric: str,
    first: date,
    length: int,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """samples, total, covered and peak of one metric: hosts × the days from `first`.

    A day without samples is absent: nothing added, and a peak of −inf.
    """
    samples = np.zeros((len(hosts), length), dtype=np.int64)
    total = np.zeros((len(hosts), length))
    covered = np.zeros((len(hosts), length))
    peak = np.full((len(hosts), length), -np.inf)
    for row, resource in enumerate(hosts):
        for day, stats in daily[resource.resource_id][metric].items():
            column = (day - first).days
            if 0 <= column < length and stats.samples:
                samples[row, column] = stats.samples
                total[row, column] = stats.total
                covered[row, column] = stats.covered_seconds
                peak[row, column] = stats.peak
    return samples, total, covered, peak


def _windows(
    columns: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], starts: np.ndarray, days: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Sums and peak over the `days` days from each start: hosts × checkpoints.

    Added one day at a time, oldest first (not running sums, whose differences round
    differently), so a window's total is exactly what adding up its days gives.
    """
    samples, total, covered, peak = columns
    shape = (samples.shape[0], len(starts))
    window_samples = np.zeros(shape, dtype=np.int64)
    window_total = np.zeros(shape)
    window_covered = np.zeros(shape)
    window_peak = np.full(shape, -np.inf)
    for offset in range(days):
        index = starts + offset
        window_samples += samples[:, index]
        window_total += total[:, index]
        window_covered += covered[:, index]
        np.maximum(window_peak, peak[:, index], out=window_peak)
    return window_samples, window_total, window_covered, window_peak


def _open_checkpoints(
    hosts: Sequence[Resource], detected: Sequence[datetime], at: datetime
) -> np.ndarray:
    """hosts × checkpoints: still open to a detection, checkpoints taken in their order.

    Checking stops at the first checkpoint after `at` or not before the host's reclaim.
    """
    moments = np.array([_microseconds(moment) for moment in detected])
    reclaimed = np.array(
        [
            _microseconds(host.reclaimed_at) if host.reclaimed_at is not None else _NEVER
            for host in hosts
        ]
    )
    stops = (moments > _microseconds(at))[None, :] | (reclaimed[:, None] <= moments[None, :])
    return ~np.logical_or.accumulate(stops, axis=1)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NEVER = np.iinfo(np.int64).max


def _microseconds(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(microseconds=1)


def idle_storage(
    resources: Sequence[Resource],
    monthly: Mapping[str, Mapping[str, float]],
    months: Sequence[str],
    config: IdleConfig,
    zone: ZoneInfo,
    at: datetime,
) -> list[IdleFinding]:
    """Storage partitions below the limit for N consecutive months ('YYYY-MM', ascending)."""
    found: list[IdleFinding] = []
    run = config.storage_months
    for resource in resources:
        if resource.resource_class not in config.storage_classes:
            continue
        values = monthly.get(resource.resource_id, {})
        for index in range(run - 1, len(months)):
            chosen = months[index - run + 1 : index + 1]
            if not all(
                month in values and values[month] < config.storage_below for month in chosen
            ):
                continue
            detected = _month_after(chosen[-1], zone)
            if detected > at:
                break
            if resource.reclaimed_at is not None and resource.reclaimed_at <= detected:
                break
            deadline = detected + config.grace
            found.append(
                IdleFinding(
                    resource.resource_id,
                    "storage",
                    detected,
                    deadline,
                    {month: values[month] for month in chosen},
                    resource.reclaimed_at,
                    _status(deadline, resource.reclaimed_at, at),
                )
            )
            break
    return found


def _month_after(month: str, zone: ZoneInfo) -> datetime:
    year, number = (int(part) for part in month.split("-"))
    return datetime(year + number // 12, number % 12 + 1, 1, tzinfo=zone)


def months_between(start: datetime, end: datetime, zone: ZoneInfo) -> list[str]:
    """'YYYY-MM' of every local month that starts in [start, end)."""
    local = start.astimezone(zone)
    year, month = local.year, local.month
    if local != datetime(year, month, 1, tzinfo=zone):
        year, month = year + month // 12, month % 12 + 1
    out: list[str] = []
    while datetime(year, month, 1, tzinfo=zone) < end:
        out.append(f"{year:04d}-{month:02d}")
        year, month = year + month // 12, month % 12 + 1
    return out


def violations_in(findings: Sequence[IdleFinding], start: datetime, end: datetime) -> list[str]:
    """Resources whose reclaim deadline passed, unmet, within [start, end)."""
    return sorted({f.resource_id for f in findings if f.is_violation and start <= f.deadline < end})
