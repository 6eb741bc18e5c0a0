"""idle_report reads quarter hours only for hosts the daily rollups cannot rule out; same report.

`reference_idle_report` is idle_report as it was before the prefilter, kept here as the
definition: every host's quarter hours grouped into local days, then the check. Random hosts
whose averages, peaks and coverage sit on and around the contract's limits, near a summer-time
change (Berlin) and in Shanghai, with windows and grace periods that do not end at midnight,
pool-level series that peak high (they must not rule a host out), hosts whose daily rollups
are missing (never backfilled: their quarter hours must still be read), on SQLite and
PostgreSQL: the findings, evidence included, are the same to the last bit. Totals are
multiples of 1/4, so sums are exact whatever order the database adds them in.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete

from monitor.contract.model import Contract, load_contract
from monitor.domain.periods import Period, parse_period
from monitor.measures.idle import (
    HOST_METRICS,
    IdleFinding,
    idle_hosts,
    idle_storage,
    months_between,
)
from monitor.runs.period_measures import _bounds, idle_report
from monitor.storage.resources import OUTAGE, RESOURCE, ensure_resources, load_resources
from monitor.storage.rollups import DAILY, ROLLUP, add_rollups, daily_stats
from monitor.storage.usage import monthly_means, usage_figures
from tests.conftest import SHANGHAI

BERLIN = ZoneInfo("Europe/Berlin")
CONTRACT: Contract = load_contract()


def reference_idle_report(
    engine: Engine, contract: Contract, period: Period, at: datetime
) -> list[IdleFinding]:
    """idle_report before the prefilter: every host's quarter hours read."""
    zone = contract.zone
    config = contract.idle
    until = max(period.start, min(period.end, at))
    first_detection = period.start - config.grace
    resources = load_resources(engine)
    daily = daily_stats(engine, HOST_METRICS, first_detection - config.host_window, until, zone)
    checkpoints = []
    day = first_detection.astimezone(zone).date()
    while day <= until.astimezone(zone).date():
        checkpoints.append(day)
        day += timedelta(days=1)
    floor = contract.availability.coverage_floor
    hosts = idle_hosts(resources, daily, checkpoints, config, floor, zone, at)
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
        monthly.setdefault(resource_id, {}).update(values)
    return hosts + idle_storage(resources, monthly, labels, config, zone, at)


HOST = st.fixed_dictionaries(
    {
        "level": st.sampled_from([1.0, 4.0, 4.75, 5.0, 5.25, 8.0, 30.0]),  # hourly average
        "spread": st.sampled_from([0.0, 0.25, 1.0]),
        "peak_over": st.sampled_from([0.5, 4.0, 5.0, 5.25]),  # peak = average + this
        "spikes": st.lists(  # (hour, peak) on and around the limit, anywhere in the data
            st.tuples(st.integers(0, 24 * 12), st.sampled_from([9.75, 10.0, 10.25, 40.0])),
            max_size=3,
        ),
        "gap_share": st.sampled_from([0.0, 0.05, 0.12]),  # around the 0.9 coverage floor
        "busy_from": st.one_of(st.none(), st.integers(0, 24 * 12)),  # turns busy (level 30)
        "pools": st.sampled_from([("一云",), ("",), ("一云", "二云")]),
        "no_daily_rows": st.booleans(),
        "memory_busy": st.booleans(),
    }
)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    hosts=st.lists(HOST, min_size=1, max_size=5),
    zone=st.sampled_from([BERLIN, SHANGHAI]),
    window=st.sampled_from([timedelta(days=3), timedelta(days=3, hours=5)]),
    grace=st.sampled_from([timedelta(days=1), timedelta(days=2, hours=7)]),
    length=st.sampled_from([1, 4]),  # days in the period: few checkpoints or more
    at_hours=st.integers(0, 5 * 24),
    seed=st.integers(0, 2**32),
)
def test_prefiltered_report_is_the_full_reads_report(
    engine: Engine,
    hosts: list[dict],
    zone: ZoneInfo,
    window: timedelta,
    grace: timedelta,
    length: int,
    at_hours: int,
    seed: int,
) -> None:
    with engine.begin() as connection:
        for table in (ROLLUP, DAILY, RESOURCE, OUTAGE):
            connection.execute(delete(table))
    # One or four local days next to or across Berlin's autumn change (27 October 2024).
    start = datetime(2024, 10, 26, tzinfo=zone)
    period = Period("days", start, datetime(2024, 10, 26 + length, tzinfo=zone))
    at = period.start + timedelta(hours=at_hours)
    idle = CONTRACT.idle.model_copy(update={"host_window": window, "grace": grace})
    contract = CONTRACT.model_copy(update={"timezone": zone.key, "idle": idle})
    first = (period.start - grace - window - timedelta(hours=12)).astimezone(UTC)
    rng = random.Random(seed)
    rows, missing = [], []
    for number, host in enumerate(hosts):
        name = f"vm-{number}"
        if host["no_daily_rows"]:
            missing.append(name)
        spikes = dict(host["spikes"])
        for hour in range(24 * 12):
            bucket = first + timedelta(hours=hour)
            for metric in HOST_METRICS:
                if rng.random() < host["gap_share"]:
                    continue
                busy = host["busy_from"] is not None and hour >= host["busy_from"]
                busy = busy and (metric == "cpu" or host["memory_busy"])
                level = 30.0 if busy else host["level"]
                average = max(0.0, level + host["spread"] * rng.choice([-1, 0, 1]))
                peak = spikes.get(hour, average + host["peak_over"])
                rows.append(
                    {
                        "metric": metric,
                        "pool": rng.choice(host["pools"]),
                        "resource_id": name,
                        "bucket_start": bucket,
                        "samples": 60,
                        "total": 60 * average,
                        "peak": peak,
                        "covered_seconds": 3600.0,
                    }
                )
    for hour in range(0, 24 * 12, 5):  # a pool-level series peaking far over the limit
        rows.append(
            {
                "metric": "cpu",
                "pool": "一云",
                "resource_id": "",
                "bucket_start": first + timedelta(hours=hour),
                "samples": 60,
                "total": 60 * 90.0,
                "peak": 99.0,
                "covered_seconds": 3600.0,
            }
        )
    with engine.begin() as connection:
        ensure_resources(
            connection,
            [{"resource_id": f"vm-{n}", "resource_class": "vm"} for n in range(len(hosts))],
            first,
        )
        add_rollups(connection, rows)
        if missing:
            connection.execute(delete(DAILY).where(DAILY.c.resource_id.in_(missing)))
    assert idle_report(engine, contract, period, at) == reference_idle_report(
        engine, contract, period, at
    )
