"""Availability per pool and day of a period, from the daily rollups: a day without samples
is absent, so a chart shows it as a gap and never as downtime; each day carries its coverage
(the share of the day the samples cover)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Engine, select

from monitor.domain.periods import Period
from monitor.domain.resources import rollup_day
from monitor.domain.viewer import Viewer
from monitor.storage.resources import load_resources
from monitor.storage.tables import MetricDailyRollupRow

DAILY = MetricDailyRollupRow.__table__  # type: ignore[attr-defined]
DAY_SECONDS = 86400.0


@dataclass(frozen=True, slots=True)
class PoolDay:
    pool: str
    day: date  # the rollup day (a date of UTC+08:00, monitor.domain.resources)
    availability: float  # 0..1, over the samples of that day
    coverage: float  # 0..1 of the day's seconds, per resource on average


def availability_days(engine: Engine, viewer: Viewer, period: Period) -> list[PoolDay]:
    """Each pool's availability and coverage per day of the period with samples, of the
    resources the viewer may see, by pool then day."""
    query = select(
        DAILY.c.pool, DAILY.c.resource_id, DAILY.c.day_start, DAILY.c.samples, DAILY.c.total
    ).add_columns(DAILY.c.covered_seconds)
    query = query.where(
        DAILY.c.metric == "availability",
        # The rollup days that overlap the period (in a zone east of UTC+08:00 its first one
        # starts before it).
        DAILY.c.day_start > period.start - timedelta(days=1),
        DAILY.c.day_start < period.end,
        DAILY.c.resource_id != "",
    )
    units = (
        {}
        if viewer.sees_everything
        else {r.resource_id: r.user_unit for r in load_resources(engine)}
    )
    sums: dict[tuple[str, date], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0, 0.0])
    with engine.connect() as connection:
        for pool, resource_id, day, samples, total, covered in connection.execute(query):
            if not viewer.sees_everything and not viewer.sees_record(
                pool or None, units.get(resource_id)
            ):
                continue
            figures = sums[(pool or "—", rollup_day(day))]
            figures[0] += samples
            figures[1] += total
            figures[2] += covered
            figures[3] += 1
    return [
        PoolDay(pool, day, total / samples, min(1.0, covered / (resources * DAY_SECONDS)))
        for (pool, day), (samples, total, covered, resources) in sorted(sums.items())
        if samples
    ]
