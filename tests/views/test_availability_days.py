"""Availability per pool and day: a day without samples is absent (a gap), never downtime."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.storage.rollups import add_rollups
from monitor.views.availability_days import PoolDay, availability_days
from tests.conftest import SHANGHAI

SUPERVISOR = Viewer("监理", Role.SUPERVISOR)
POOL_2 = Viewer("二云运营", Role.OPERATOR, pools=("二云",))
DECEMBER = parse_period("2022-12", SHANGHAI)


def quarters(day: str, count: int, down: int) -> list[dict[str, object]]:
    """`count` quarter-hour rollups of ZS-VM-0001 from `day` 00:00 in Shanghai (a rollup day's
    start), the first `down` down."""
    start = datetime.fromisoformat(day).replace(tzinfo=SHANGHAI)
    return [
        {
            "metric": "availability",
            "pool": "一云",
            "resource_id": "ZS-VM-0001",
            "bucket_start": start + timedelta(minutes=15 * i),
            "samples": 15,
            "total": 0.0 if i < down else 15.0,
            "peak": 0.0 if i < down else 1.0,
            "covered_seconds": 900.0,
        }
        for i in range(count)
    ]


def test_a_day_without_samples_is_a_gap(engine: Engine) -> None:
    with engine.begin() as connection:
        add_rollups(connection, quarters("2022-12-02", 96, down=24))  # 6 h down of 24
        add_rollups(connection, quarters("2022-12-04", 48, down=0))  # half the day covered
    days = availability_days(engine, SUPERVISOR, DECEMBER)
    assert days == [
        PoolDay("一云", date(2022, 12, 2), 0.75, 1.0),
        PoolDay("一云", date(2022, 12, 4), 1.0, 0.5),
    ]  # 12-03 has no samples: no row, not a day at 0 %
    assert availability_days(engine, POOL_2, DECEMBER) == []
    assert availability_days(engine, SUPERVISOR, parse_period("2022-11", SHANGHAI)) == []
