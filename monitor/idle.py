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
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.metrics import Resource
from monitor.metrics_contract import IdleConfig

HOST_METRICS = ("cpu", "memory")


@dataclass(frozen=True, slots=True)
class DayStats:
    """One metric of one resource over one local day."""

    samples: int
    total: float
    peak: float
    covered_seconds: float


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
    """The first idle checkpoint of each host (days in the contract zone), judged as of `at`."""
    days = config.host_window.days
    window_seconds = config.host_window.total_seconds()
    found: list[IdleFinding] = []
    for resource in resources:
        if resource.resource_class not in config.host_classes:
            continue
        by_metric = daily.get(resource.resource_id, {})
        if not all(by_metric.get(metric) for metric in HOST_METRICS):
            continue  # no samples of one of the two: nothing can prove it idle
        for day in checkpoints:
            detected = _midnight(day, zone)
            if detected > at:
                break
            if resource.reclaimed_at is not None and resource.reclaimed_at <= detected:
                break
            window = [day - timedelta(days=n) for n in range(days, 0, -1)]
            evidence = _host_window(by_metric, window, window_seconds, coverage_floor, config)
            if evidence is not None:
                deadline = detected + config.grace
                status = _status(deadline, resource.reclaimed_at, at)
                found.append(
                    IdleFinding(
                        resource.resource_id,
                        "host",
                        detected,
                        deadline,
                        evidence,
                        resource.reclaimed_at,
                        status,
                    )
                )
                break
    return found


def _host_window(
    by_metric: Mapping[str, Mapping[date, DayStats]],
    window: Sequence[date],
    window_seconds: float,
    coverage_floor: float,
    config: IdleConfig,
) -> dict[str, float] | None:
    evidence: dict[str, float] = {}
    for metric in HOST_METRICS:
        stats = [by_metric.get(metric, {}).get(day) for day in window]
        present = [s for s in stats if s is not None and s.samples]
        samples = sum(s.samples for s in present)
        covered = sum(s.covered_seconds for s in present)
        if not samples or covered < coverage_floor * window_seconds:
            return None  # too little evidence to call it idle
        average = sum(s.total for s in present) / samples
        peak = max(s.peak for s in present)
        if average >= config.host_average_below or peak >= config.host_peak_below:
            return None
        evidence[f"{metric}_avg"] = average
        evidence[f"{metric}_peak"] = peak
    return evidence


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
