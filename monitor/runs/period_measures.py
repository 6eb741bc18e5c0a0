"""Availability, utilisation and idle resources of a period: read from storage, computed pure.

Like monitor.runs.evaluate, this is the seam between the database and the pure modules
(monitor.measures.availability, monitor.measures.utilisation, monitor.measures.idle); the
scorecard reads them through monitor.runs.period_inputs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import Period, parse_period
from monitor.domain.resources import AVAILABILITY, UTILISATION_METRICS, clipped
from monitor.measures.availability import (
    AvailabilityFigure,
    AvailabilityInputs,
    aggregate,
    approved_windows,
    bucket_span,
    elapsed_end,
    maintenance_ranges,
    resource_figures,
)
from monitor.measures.idle import (
    HOST_METRICS,
    IdleFinding,
    idle_hosts,
    idle_storage,
    months_between,
)
from monitor.measures.idle_prefilter import hosts_that_may_be_idle
from monitor.measures.utilisation import PoolUtilisation, pool_utilisation, service_intervals
from monitor.storage.resources import load_outages, load_resources
from monitor.storage.rollups import (
    busy_days,
    daily_stats,
    pool_sums_in_ranges,
    rollup_buckets,
    rollup_sums,
)
from monitor.storage.usage import monthly_means, usage_figures

# Hosts judged together by idle_report: their days (two metrics × the windows' days each)
# are what it holds in memory at once.
HOSTS_PER_CHUNK = 2_000


@dataclass(frozen=True, slots=True)
class AvailabilityReport:
    period: Period
    at: datetime
    resources: list[AvailabilityFigure]
    by_class: list[AvailabilityFigure]
    by_pool: list[AvailabilityFigure]


def availability_report(
    engine: Engine, contract: Contract, period: Period, at: datetime
) -> AvailabilityReport:
    """Every resource's availability in the period as of `at`, and per class and pool."""
    until = elapsed_end(period, at)
    span = bucket_span(period, at, contract)
    resources = [
        r for r in load_resources(engine) if r.resource_class in contract.availability.classes
    ]
    outages = load_outages(engine, span[0], period.end)
    windows = approved_windows(contract, outages)
    inputs = AvailabilityInputs(
        resources=resources,
        period_counts=rollup_sums(engine, AVAILABILITY, period.start, until),
        maintenance_rows=rollup_buckets(
            engine, AVAILABILITY, clipped(maintenance_ranges(windows), span[0], span[1])
        ),
        window_counts={
            window: rollup_sums(engine, AVAILABILITY, until - window, until)
            for window in contract.availability.burn_rate_windows
        },
        outages=outages,
        windows=windows,
    )
    figures = [
        figure
        for figure in resource_figures(inputs, contract, period, at)
        if figure.period_seconds > 0 or figure.evidence != "none"
    ]
    return AvailabilityReport(
        period,
        at,
        figures,
        aggregate(figures, "class", contract, period, at),
        aggregate(figures, "pool", contract, period, at),
    )


def utilisation_report(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, period: Period, at: datetime
) -> list[PoolUtilisation]:
    """CPU, memory and storage utilisation per pool over the period's service hours so far."""
    zone = contract.zone
    until = max(period.start, min(period.end, at))
    ranges = service_intervals(period.start, until, contract.utilisation, calendar, zone)
    samples = pool_sums_in_ranges(engine, UTILISATION_METRICS, ranges)
    months = months_between(period.start, period.end, zone)
    monthly: dict[tuple[str, str], list[float]] = {}
    for metric, pool, resource_id, _month, value in usage_figures(
        engine, UTILISATION_METRICS, months
    ):
        if pool and not resource_id:
            monthly.setdefault((pool, metric), []).append(value)
    pools = {pool for pool, _ in samples} | {pool for pool, _ in monthly}
    pools |= {r.pool for r in load_resources(engine) if r.pool}
    return pool_utilisation(pools, samples, monthly)


def idle_report(
    engine: Engine, contract: Contract, period: Period, at: datetime
) -> list[IdleFinding]:
    """Idle hosts and storage whose detection could make a reclaim deadline fall in the period.

    Quarter hours are read only for hosts that no whole rollup day of the daily rollups peaking
    at the limit rules out at every checkpoint (monitor.measures.idle_prefilter): in a busy cloud
    most hosts, and the same findings as reading every host. Hosts are judged a chunk at a
    time, so the days held in memory are a chunk's whatever the size of the fleet.
    """
    zone = contract.zone
    config = contract.idle
    until = max(period.start, min(period.end, at))
    first_detection = period.start - config.grace
    since = first_detection - config.host_window
    resources = load_resources(engine)
    checkpoints = []
    day = first_detection.astimezone(zone).date()
    while day <= until.astimezone(zone).date():
        checkpoints.append(day)
        day += timedelta(days=1)
    floor = contract.availability.coverage_floor
    fleet = [r for r in resources if r.resource_class in config.host_classes]
    hosts: list[IdleFinding] = []
    for offset in range(0, len(fleet), HOSTS_PER_CHUNK):
        chunk = fleet[offset : offset + HOSTS_PER_CHUNK]
        ids = [r.resource_id for r in chunk]
        busy = busy_days(
            engine, HOST_METRICS, config.host_peak_below, since, until, resource_ids=ids
        )
        hosts_read = hosts_that_may_be_idle(
            ids, busy, checkpoints, config.host_window, since, until, zone
        )
        daily = daily_stats(engine, HOST_METRICS, since, until, zone, resource_ids=hosts_read)
        hosts += idle_hosts(chunk, daily, checkpoints, config, floor, zone, at)
    # Storage: whole months that ended by `at`, far enough back to detect N in a row.
    back = parse_period(first_detection.astimezone(zone).strftime("%Y-%m"), zone).start
    for _ in range(config.storage_months):
        back = parse_period((back - timedelta(days=1)).strftime("%Y-%m"), zone).start
    labels = [m for m in months_between(back, until, zone) if parse_period(m, zone).end <= at]
    ranges = [(m, *_bounds(m, contract)) for m in labels]
    measured = monthly_means(engine, "storage", ranges)
    monthly: dict[str, dict[str, float]] = {}
    for metric, _pool, resource_id, month, value in usage_figures(engine, ["storage"], labels):
        if resource_id and metric == "storage":
            monthly.setdefault(resource_id, {})[month] = value
    for resource_id, values in measured.items():
        monthly.setdefault(resource_id, {}).update(values)  # measured beats reported
    return hosts + idle_storage(resources, monthly, labels, config, zone, at)


def _bounds(month: str, contract: Contract) -> tuple[datetime, datetime]:
    period = parse_period(month, contract.zone)
    return period.start, period.end
