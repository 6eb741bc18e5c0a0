"""Daily rollups give the same sums and the same availability as the quarter hours they sum.

The reference is computed here in Python straight from the quarter-hour rows written; sample
values are multiples of 1/4, so every sum is exact and the comparisons are equalities.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from alembic import command
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, func, inspect, select

from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.domain.resources import (
    BUCKET,
    Counts,
    Interval,
    Outage,
    Resource,
    clipped,
    rollup_day_floor,
)
from monitor.measures.availability import (
    AvailabilityInputs,
    approved_windows,
    bucket_span,
    elapsed_end,
    maintenance_ranges,
    resource_figures,
)
from monitor.runs.period_measures import availability_report
from monitor.storage.db import alembic_config, current_revision, upgrade
from monitor.storage.resources import (
    OUTAGE,
    RESOURCE,
    ensure_resources,
    load_resources,
    upsert_outages,
)
from monitor.storage.rollups import DAILY, ROLLUP, add_rollups, rollup_sums
from tests.conftest import SHANGHAI, local

NOW = datetime(2024, 7, 10, tzinfo=UTC)
JUNE = parse_period("2024-06", SHANGHAI)  # 2024-05-31 16:00 UTC to 2024-06-30 16:00 UTC
# Quarter hours from three days before June (Shanghai) to two days after it.
FIRST = JUNE.start - timedelta(days=3)
QUARTERS = int((JUNE.end + timedelta(days=2) - FIRST) / BUCKET)
CLASSES = {"vm-1": "vm", "vm-2": "vm", "st-1": "storage"}
RESOURCES = tuple(CLASSES)

Row = dict[str, Any]


@st.composite
def rollup_batches(draw: st.DrawFn) -> list[list[Row]]:
    """A few add_rollups batches of random quarter hours; some repeat a bucket (adding up)."""
    batches = []
    for _ in range(draw(st.integers(1, 3))):
        rows = []
        for _ in range(draw(st.integers(0, 40))):
            samples = draw(st.integers(1, 15))
            ups = draw(st.integers(0, samples))
            rows.append(
                {
                    "metric": draw(st.sampled_from(("availability", "availability", "cpu"))),
                    "pool": draw(st.sampled_from(("一云", "二云", ""))),
                    "resource_id": draw(st.sampled_from((*RESOURCES, ""))),
                    "bucket_start": FIRST + BUCKET * draw(st.integers(0, QUARTERS - 1)),
                    "samples": samples,
                    "total": ups + draw(st.sampled_from((0.0, 0.25, 0.5))),
                    "peak": float(draw(st.integers(0, 1))),
                    "covered_seconds": 60.0 * samples,
                }
            )
        batches.append(rows)
    return batches


def quarter_aligned(low: datetime, high: datetime) -> st.SearchStrategy[datetime]:
    steps = int((high - low) / BUCKET)
    return st.integers(0, steps).map(lambda i: low + BUCKET * i)


def expected_sums(
    batches: Sequence[Sequence[Row]], metric: str, start: datetime, end: datetime
) -> dict[str, Counts]:
    out: dict[str, Counts] = {}
    for row in (row for batch in batches for row in batch):
        rid = row["resource_id"]
        if row["metric"] == metric and rid and start <= row["bucket_start"] < end:
            part = Counts(row["samples"], row["total"], row["covered_seconds"])
            out[rid] = out.get(rid, Counts()) + part
    return out


def expected_buckets(
    batches: Sequence[Sequence[Row]], ranges: Sequence[Interval]
) -> dict[str, dict[datetime, Counts]]:
    out: dict[str, dict[datetime, Counts]] = {}
    for row in (row for batch in batches for row in batch):
        rid, bucket = row["resource_id"], row["bucket_start"]
        if row["metric"] == "availability" and rid and any(a <= bucket < b for a, b in ranges):
            part = Counts(row["samples"], row["total"], row["covered_seconds"])
            series = out.setdefault(rid, {})
            series[bucket] = series.get(bucket, Counts()) + part
    return out


def write(engine: Engine, batches: Sequence[Sequence[Row]], outages: Sequence[Row] = ()) -> None:
    with engine.begin() as connection:
        for table in (DAILY, ROLLUP, OUTAGE, RESOURCE):
            connection.execute(delete(table))
        ensure_resources(
            connection,
            [
                {"resource_id": rid, "resource_class": CLASSES[rid], "pool": "一云"}
                for rid in RESOURCES
            ],
            NOW,
        )
        upsert_outages(connection, outages, NOW)
    for batch in batches:  # one transaction per batch, as the collector writes its chunks
        with engine.begin() as connection:
            add_rollups(connection, batch)


def daily_table(engine: Engine) -> dict[tuple[str, str, str, datetime], tuple[Any, ...]]:
    columns = ("samples", "total", "peak", "covered_seconds")
    query = select(DAILY.c.metric, DAILY.c.pool, DAILY.c.resource_id, DAILY.c.day_start)
    query = query.add_columns(*(DAILY.c[name] for name in columns))
    with engine.connect() as connection:
        return {tuple(row[:4]): tuple(row[4:]) for row in connection.execute(query)}  # type: ignore[misc]


def utc_day_floor(moment: datetime) -> datetime:
    """The UTC day holding `moment`: the daily rollups' day before migration 0018."""
    return datetime.combine(moment.astimezone(UTC).date(), time(), UTC)


def days_of(
    batches: Sequence[Sequence[Row]], day_of: Callable[[datetime], datetime] = rollup_day_floor
) -> dict[tuple[str, str, str, datetime], tuple]:
    out: dict[tuple[str, str, str, datetime], list[Any]] = {}
    for row in (row for batch in batches for row in batch):
        key = (row["metric"], row["pool"], row["resource_id"], day_of(row["bucket_start"]))
        seen = out.setdefault(key, [0, 0.0, row["peak"], 0.0])
        seen[0] += row["samples"]
        seen[1] += row["total"]
        seen[2] = max(seen[2], row["peak"])
        seen[3] += row["covered_seconds"]
    return {key: tuple(value) for key, value in out.items()}


EXAMPLES = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@EXAMPLES
@given(
    batches=rollup_batches(),
    start=quarter_aligned(FIRST, FIRST + BUCKET * QUARTERS),
    length=st.integers(0, QUARTERS),
)
def test_sums_over_any_range_equal_the_quarter_hours(
    engine: Engine, batches: list[list[Row]], start: datetime, length: int
) -> None:
    write(engine, batches)
    end = start + BUCKET * length
    assert daily_table(engine) == days_of(batches)
    for metric in ("availability", "cpu"):
        assert rollup_sums(engine, metric, start, end) == expected_sums(batches, metric, start, end)
    # The period of a Shanghai month: whole rollup days only.
    assert rollup_sums(engine, "availability", JUNE.start, JUNE.end) == expected_sums(
        batches, "availability", JUNE.start, JUNE.end
    )


@st.composite
def approved_outages(draw: st.DrawFn) -> list[Row]:
    """Planned outages with an approver (maintenance), some off the quarter hours."""
    out = []
    for number in range(draw(st.integers(0, 3))):
        start = FIRST + timedelta(minutes=draw(st.integers(0, QUARTERS * 15)))
        out.append(
            {
                "source": "file",
                "resource_id": draw(st.sampled_from(RESOURCES)),
                "start": start + timedelta(seconds=number),
                "end": start + timedelta(minutes=draw(st.integers(1, 3000))),
                "planned": True,
                "approved_by": "市政数局 张三",
                "cause": None,
            }
        )
    return out


def reference_figures(
    batches: Sequence[Sequence[Row]],
    outages: Sequence[Row],
    resources: Sequence[Resource],
    contract: Contract,
    at: datetime,
) -> list[Any]:
    """The report as the quarter-hour path computes it, from the rows written."""
    until = elapsed_end(JUNE, at)
    span = bucket_span(JUNE, at, contract)
    windows = approved_windows(
        contract,
        [
            Outage(o["resource_id"], o["start"], o["end"], True, o["approved_by"])
            for o in outages
            if o["start"] < JUNE.end and o["end"] > span[0]
        ],
    )
    inputs = AvailabilityInputs(
        resources=resources,
        period_counts=expected_sums(batches, "availability", JUNE.start, until),
        maintenance_rows=expected_buckets(
            batches, clipped(maintenance_ranges(windows), span[0], span[1])
        ),
        window_counts={
            w: expected_sums(batches, "availability", until - w, until)
            for w in contract.availability.burn_rate_windows
        },
        windows=windows,
    )
    return [
        f
        for f in resource_figures(inputs, contract, JUNE, at)
        if f.period_seconds > 0 or f.evidence != "none"
    ]


@EXAMPLES
@given(
    batches=rollup_batches(),
    outages=approved_outages(),
    at=st.one_of(
        quarter_aligned(JUNE.start, JUNE.end).map(lambda t: t + timedelta(minutes=7)),
        st.just(JUNE.end + timedelta(days=1)),
    ),
)
def test_availability_report_equals_the_quarter_hour_computation(
    engine: Engine,
    contract: Contract,
    batches: list[list[Row]],
    outages: list[Row],
    at: datetime,
) -> None:
    write(engine, batches, outages)
    classes = contract.availability.classes
    resources = [r for r in load_resources(engine) if r.resource_class in classes]
    assert {r.resource_class for r in resources} == {"vm", "storage"}
    report = availability_report(engine, contract, JUNE, at)
    assert report.resources == reference_figures(batches, outages, resources, contract, at)


def test_a_month_in_shanghai_is_its_rollup_days(engine: Engine) -> None:
    """June in Shanghai starts at 16:00 UTC: the quarter hours before that are not June's."""
    rows = [
        {
            "metric": "availability",
            "pool": "一云",
            "resource_id": "vm-1",
            "bucket_start": local(stamp).astimezone(UTC),
            "samples": 15,
            "total": float(up),
            "peak": 1.0,
            "covered_seconds": 900.0,
        }
        for stamp, up in (
            ("2024-05-31 23:45", 15),  # May in Shanghai, same UTC day as June's first hours
            ("2024-06-01 00:00", 10),
            ("2024-06-15 12:00", 15),
            ("2024-06-30 23:45", 14),
            ("2024-07-01 00:00", 0),  # July in Shanghai, same UTC day as June's last hours
        )
    ]
    write(engine, [rows])
    assert rollup_sums(engine, "availability", JUNE.start, JUNE.end) == {
        "vm-1": Counts(45, 39.0, 2700.0)
    }


def test_the_migration_backfills_daily_rollups_and_downgrades(engine: Engine) -> None:
    rows = [
        {
            "metric": "availability",
            "pool": "一云",
            "resource_id": rid,
            "bucket_start": JUNE.start + BUCKET * i,
            "samples": 15,
            "total": float(i % 16),
            "peak": float(i % 2),
            "covered_seconds": 900.0,
        }
        for rid in ("vm-1", "vm-2")
        for i in range(0, 400, 3)
    ]
    command.downgrade(alembic_config(engine), "0006")
    assert "metric_rollup_daily" not in inspect(engine).get_table_names()
    with engine.begin() as connection:  # what 0006's collector wrote: quarter hours only
        connection.execute(ROLLUP.insert(), rows)
    upgrade(engine, "0007")
    assert current_revision(engine) == "0007"
    assert daily_table(engine) == days_of([rows], utc_day_floor)
    upgrade(engine)  # 0018 sums the days again per day of UTC+08:00
    assert daily_table(engine) == days_of([rows])
    assert rollup_sums(engine, "availability", JUNE.start, JUNE.end) == expected_sums(
        [rows], "availability", JUNE.start, JUNE.end
    )


@pytest.mark.parametrize("moment", ["2024-06-01 00:00", "2024-06-01 07:59", "2024-06-01 23:59"])
def test_the_rollup_day_of_a_shanghai_moment_is_its_local_day(moment: str) -> None:
    day = rollup_day_floor(local(moment))
    assert day.tzinfo is UTC
    assert day <= local(moment) < day + timedelta(days=1)
    assert day == local("2024-06-01 00:00")


def series_totals(engine: Engine) -> dict[tuple[str, str], tuple[Any, ...]]:
    """Per series of the daily rollups: the row count aside, every sum and the peak."""
    query = select(DAILY.c.metric, DAILY.c.resource_id).add_columns(
        func.sum(DAILY.c.samples),
        func.sum(DAILY.c.total),
        func.max(DAILY.c.peak),
        func.sum(DAILY.c.covered_seconds),
    )
    query = query.group_by(DAILY.c.metric, DAILY.c.resource_id)
    with engine.connect() as connection:
        return {tuple(row[:2]): tuple(row[2:]) for row in connection.execute(query)}  # type: ignore[misc]


def test_0018_sums_days_again_where_quarter_hours_are_kept_and_keeps_older_ones(
    engine: Engine,
) -> None:
    """Quarter hours from 2024-06-01 00:00 UTC (May's dropped past retention); the daily rows
    of May stay UTC days, those from June on become days of UTC+08:00; nothing is lost either
    way, and downgrading gives UTC days back."""
    kept = [
        {
            "metric": metric,
            "pool": "一云",
            "resource_id": rid,
            "bucket_start": datetime(2024, 6, 1, tzinfo=UTC) + BUCKET * i,
            "samples": 15 - i % 3,
            "total": float(i % 16),
            "peak": float(i % 7),
            "covered_seconds": 900.0 - i % 5,
        }
        for metric in ("availability", "cpu")
        for rid in ("vm-1", "vm-2")
        for i in range(0, 300)
    ]
    may = [  # what the quarter hours of May, since dropped, left in the daily rollups
        {
            "metric": metric,
            "pool": "一云",
            "resource_id": rid,
            "day_start": datetime(2024, 5, day, tzinfo=UTC),
            "samples": 1400 + day,
            "total": 1000.0 + day,
            "peak": 3.0,
            "covered_seconds": 86_000.0,
        }
        for metric in ("availability", "cpu")
        for rid in ("vm-1", "vm-2")
        for day in range(20, 32)
    ]
    command.downgrade(alembic_config(engine), "0017")
    with engine.begin() as connection:
        connection.execute(ROLLUP.insert(), kept)
        connection.execute(DAILY.insert(), may)
        connection.execute(DAILY.insert(), list(days_rows(kept, utc_day_floor)))
    before = series_totals(engine)
    upgrade(engine, "0018")
    assert series_totals(engine) == before
    june = datetime(2024, 6, 1, tzinfo=UTC)
    table = daily_table(engine)
    assert {k: v for k, v in table.items() if k[3] >= june} == {
        k: v for k, v in days_of([kept]).items() if k[3] >= june
    }
    old = {k: v for k, v in table.items() if k[3] < june}
    assert len(old) == len(may) + 4  # May's rows, and 4 series' 16:00 UTC row of 1 June
    assert all(k[3].hour == 16 for k in old if k[3] >= datetime(2024, 5, 31, 16, tzinfo=UTC))
    command.downgrade(alembic_config(engine), "0017")
    assert series_totals(engine) == before
    assert daily_table(engine) == {
        **{
            (r["metric"], r["pool"], r["resource_id"], r["day_start"]): tuple(
                r[c] for c in ("samples", "total", "peak", "covered_seconds")
            )
            for r in may
        },
        **days_of([kept], utc_day_floor),
    }
    upgrade(engine)


def days_rows(rows: Sequence[Row], day_of: Callable[[datetime], datetime]) -> Iterator[Row]:
    """Daily rollup rows as the collector writes them beside `rows`, per the day `day_of`."""
    for (metric, pool, rid, day), values in days_of([rows], day_of).items():
        samples, total, peak, covered = values
        yield {
            "metric": metric,
            "pool": pool,
            "resource_id": rid,
            "day_start": day,
            "samples": samples,
            "total": total,
            "peak": peak,
            "covered_seconds": covered,
        }
