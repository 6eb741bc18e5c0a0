"""Resources, outages, rollups and watermarks, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine

from monitor.domain.resources import Counts, DayStats, Resource
from monitor.storage.collector_state import get_watermark, set_watermark
from monitor.storage.resources import (
    ensure_resources,
    load_outages,
    load_resources,
    upsert_outages,
    upsert_resources,
)
from monitor.storage.rollups import (
    add_rollups,
    daily_stats,
    pool_sums_in_ranges,
    rollup_buckets,
    rollup_sums,
)
from tests.conftest import local

NOW = datetime(2024, 7, 1, tzinfo=UTC)
BUCKET = local("2024-06-10 08:00")


def rollup(resource_id: str, start: datetime, samples: int, total: float, peak: float) -> dict:
    return {
        "metric": "cpu",
        "pool": "一云",
        "resource_id": resource_id,
        "bucket_start": start,
        "samples": samples,
        "total": total,
        "peak": peak,
        "covered_seconds": samples * 60.0,
    }


def test_rollups_of_the_same_quarter_hour_add_up_and_keep_the_higher_peak(engine: Engine) -> None:
    with engine.begin() as connection:
        add_rollups(connection, [rollup("vm-1", BUCKET, 10, 30.0, 7.0)])
    with engine.begin() as connection:
        add_rollups(
            connection,
            [rollup("vm-1", BUCKET, 3, 9.0, 4.0), rollup("vm-1", BUCKET, 2, 40.0, 25.0)],
        )
    end = BUCKET + timedelta(minutes=15)
    assert rollup_sums(engine, "cpu", BUCKET, end) == {"vm-1": Counts(15, 79.0, 900.0)}
    buckets = rollup_buckets(engine, "cpu", [(BUCKET, end)])
    assert buckets == {"vm-1": {BUCKET.astimezone(UTC): Counts(15, 79.0, 900.0)}}
    stats = daily_stats(engine, ["cpu"], BUCKET, end, timedelta(hours=8))
    assert stats["vm-1"]["cpu"][date(2024, 6, 10)] == DayStats(15, 79.0, 25.0, 900.0)


def test_days_are_local_days_of_the_given_offset(engine: Engine) -> None:
    # 23:45 Shanghai on 10 June is 15:45 UTC: it belongs to the local 10th, not the UTC day.
    late = local("2024-06-10 23:45")
    early = local("2024-06-11 00:00")
    with engine.begin() as connection:
        add_rollups(
            connection, [rollup("vm-1", late, 1, 1.0, 1.0), rollup("vm-1", early, 1, 2.0, 2.0)]
        )
    stats = daily_stats(engine, ["cpu"], late, early + timedelta(hours=1), timedelta(hours=8))
    assert sorted(stats["vm-1"]["cpu"]) == [date(2024, 6, 10), date(2024, 6, 11)]


def test_sums_respect_half_open_ranges_and_pools(engine: Engine) -> None:
    rows = [rollup("vm-1", BUCKET + timedelta(minutes=15 * i), 15, 15.0 * i, i) for i in range(4)]
    with engine.begin() as connection:
        add_rollups(connection, rows)
    # [08:15, 08:45): the 2nd and 3rd quarter hours only.
    ranges = [(BUCKET + timedelta(minutes=15), BUCKET + timedelta(minutes=45))]
    assert pool_sums_in_ranges(engine, ["cpu"], ranges) == {
        ("一云", "cpu"): Counts(30, 45.0, 1800.0)
    }


def test_the_inventory_upserts_and_collectors_never_overwrite_it(engine: Engine) -> None:
    row = {"resource_id": "vm-1", "resource_class": "vm", "pool": "一云", "source": "file"}
    columns = ["resource_id", "resource_class", "pool", "source"]
    with engine.begin() as connection:
        first = upsert_resources(connection, [row], columns, NOW)
        again = upsert_resources(connection, [row], columns, NOW)
        ensure_resources(
            connection,
            [
                {"resource_id": "vm-1", "resource_class": "physical", "pool": "二云"},
                {"resource_id": "vm-2", "resource_class": "vm", "pool": None},
            ],
            NOW,
        )
    assert (first.inserted, again.unchanged) == (1, 1)
    assert load_resources(engine) == [
        Resource("vm-1", "vm", pool="一云"),
        Resource("vm-2", "vm"),
    ]


def test_outages_overlapping_a_range_are_loaded(engine: Engine) -> None:
    def outage(start: str, end: str | None) -> dict:
        return {
            "source": "file",
            "resource_id": "vm-1",
            "start": local(start),
            "end": local(end) if end else None,
            "planned": False,
            "approved_by": None,
            "cause": None,
        }

    with engine.begin() as connection:
        upsert_outages(
            connection,
            [
                outage("2024-05-31 23:00", "2024-06-01 01:00"),
                outage("2024-06-20 10:00", None),
                outage("2024-05-01 10:00", "2024-05-01 11:00"),
            ],
            NOW,
        )
    found = load_outages(engine, local("2024-06-01 00:00"), local("2024-07-01 00:00"))
    assert [(o.start, o.end) for o in found] == [
        (local("2024-05-31 23:00"), local("2024-06-01 01:00")),
        (local("2024-06-20 10:00"), None),
    ]


def test_a_watermark_is_stored_once_per_collector_and_moves_forward(engine: Engine) -> None:
    assert get_watermark(engine, "vm_up") is None
    with engine.begin() as connection:
        set_watermark(connection, "vm_up", local("2024-06-01 06:00"), NOW)
    with engine.begin() as connection:
        set_watermark(connection, "vm_up", local("2024-06-01 12:00"), NOW)
    assert get_watermark(engine, "vm_up") == local("2024-06-01 12:00")
