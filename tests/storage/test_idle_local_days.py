"""Local days of daily_stats in a zone with summer time: 23- and 25-hour days, on both stores.

A quarter hour belongs to the local day its start falls in. The reference is Python's own
`bucket.astimezone(zone).date()` over the rows written.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from monitor.domain.resources import DayStats
from monitor.storage.rollups import add_rollups, daily_stats, offset_pieces
from tests.conftest import SHANGHAI

BERLIN = ZoneInfo("Europe/Berlin")
QUARTER = timedelta(minutes=15)


def quarter_hours(first: datetime, last: datetime) -> list[datetime]:
    # In UTC: aware datetimes of one zone add up as wall clocks, which skip and repeat hours.
    out, moment, last = [], first.astimezone(UTC), last.astimezone(UTC)
    while moment < last:
        out.append(moment)
        moment += QUARTER
    return out


def rows(buckets: list[datetime], metric: str = "cpu", seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "metric": metric,
            "pool": "一云",
            "resource_id": f"vm-{rng.randint(1, 3)}",
            "bucket_start": bucket,
            "samples": 15,
            "total": rng.randint(0, 60) / 4,  # multiples of 1/4: sums are exact
            "peak": rng.randint(0, 400) / 4,
            "covered_seconds": 900.0,
        }
        for bucket in buckets
    ]


def reference(written: list[dict], zone: ZoneInfo) -> dict[str, dict[str, dict[date, DayStats]]]:
    out: dict[str, dict[str, dict[date, list[dict]]]] = {}
    for row in written:
        day = row["bucket_start"].astimezone(zone).date()
        out.setdefault(row["resource_id"], {}).setdefault(row["metric"], {}).setdefault(
            day, []
        ).append(row)
    return {
        rid: {
            metric: {
                day: DayStats(
                    sum(r["samples"] for r in group),
                    sum(r["total"] for r in group),
                    max(r["peak"] for r in group),
                    sum(r["covered_seconds"] for r in group),
                )
                for day, group in days.items()
            }
            for metric, days in by_metric.items()
        }
        for rid, by_metric in out.items()
    }


def one_series(engine: Engine, first: datetime, last: datetime) -> dict[date, int]:
    """Quarter hours of one resource over [first, last): how many each local Berlin day holds."""
    written = [{**row, "resource_id": "vm-1"} for row in rows(quarter_hours(first, last))]
    with engine.begin() as connection:
        add_rollups(connection, written)
    stats = daily_stats(engine, ["cpu"], first, last, BERLIN)["vm-1"]["cpu"]
    return {day: s.samples // 15 for day, s in stats.items()}


def test_the_spring_day_in_berlin_holds_23_hours(engine: Engine) -> None:
    # 2024-03-31: clocks go 02:00 → 03:00; local midnights at 23:00 UTC (30th) and 22:00 UTC.
    first = datetime(2024, 3, 30, 0, tzinfo=BERLIN)
    last = datetime(2024, 4, 2, 0, tzinfo=BERLIN)
    assert one_series(engine, first, last) == {
        date(2024, 3, 30): 96,
        date(2024, 3, 31): 92,
        date(2024, 4, 1): 96,
    }


def test_the_autumn_day_in_berlin_holds_25_hours(engine: Engine) -> None:
    # 2024-10-27: clocks go 03:00 → 02:00; local midnights at 22:00 UTC (26th) and 23:00 UTC.
    first = datetime(2024, 10, 26, 0, tzinfo=BERLIN)
    last = datetime(2024, 10, 29, 0, tzinfo=BERLIN)
    assert one_series(engine, first, last) == {
        date(2024, 10, 26): 96,
        date(2024, 10, 27): 100,
        date(2024, 10, 28): 96,
    }


def test_quarter_hours_next_to_the_local_midnights_land_on_their_own_day(engine: Engine) -> None:
    # The last quarter hour of 31 March (21:45 UTC) and the first of 1 April (22:00 UTC).
    late = datetime(2024, 3, 31, 21, 45, tzinfo=UTC)
    written = rows([late, late + QUARTER])
    written[0].update(resource_id="vm-1", peak=42.0)
    written[1].update(resource_id="vm-1", peak=7.0)
    with engine.begin() as connection:
        add_rollups(connection, written)
    stats = daily_stats(engine, ["cpu"], late, late + 2 * QUARTER, BERLIN)["vm-1"]["cpu"]
    assert {day: s.peak for day, s in stats.items()} == {
        date(2024, 3, 31): 42.0,
        date(2024, 4, 1): 7.0,
    }


def test_a_year_of_random_rollups_matches_python_in_berlin_and_shanghai(engine: Engine) -> None:
    # Every other hour for a year (both changes of 2024), three resources, two metrics.
    first = datetime(2024, 1, 1, tzinfo=UTC)
    rng = random.Random(11)
    buckets = [first + timedelta(hours=2 * n, minutes=15 * rng.randrange(4)) for n in range(4392)]
    written = rows(buckets, "cpu", 1) + rows(buckets, "memory", 2)
    with engine.begin() as connection:
        add_rollups(connection, written)
    last = buckets[-1] + QUARTER
    for zone in (BERLIN, SHANGHAI):
        assert daily_stats(engine, ["cpu", "memory"], first, last, zone) == reference(written, zone)
    # Shanghai has no summer time: its zone and its fixed +08:00 give the same days.
    eight = daily_stats(engine, ["cpu", "memory"], first, last, timedelta(hours=8))
    assert eight == daily_stats(engine, ["cpu", "memory"], first, last, SHANGHAI)


def test_offset_pieces_cut_at_the_changes_only() -> None:
    year = (datetime(2024, 1, 1, tzinfo=BERLIN), datetime(2025, 1, 1, tzinfo=BERLIN))
    assert offset_pieces(BERLIN, *year) == [
        (datetime(2023, 12, 31, 23, tzinfo=UTC), 3600),
        (datetime(2024, 3, 31, 1, tzinfo=UTC), 7200),
        (datetime(2024, 10, 27, 1, tzinfo=UTC), 3600),
    ]
    assert offset_pieces(SHANGHAI, *year) == [(datetime(2023, 12, 31, 23, tzinfo=UTC), 28800)]
    fixed = timezone(timedelta(hours=-5))
    assert offset_pieces(fixed, *year) == [(datetime(2023, 12, 31, 23, tzinfo=UTC), -18000)]
