"""Monthly usage figures (CPU, memory, storage %) per pool or resource."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    select,
)

from monitor.storage.connections import connected
from monitor.storage.records import upsert_records as upsert_rows
from monitor.storage.rollups import rollup_sums
from monitor.storage.tables import (
    UsageFigureRow,
)
from monitor.storage.tickets import UpsertCounts

FIGURE = UsageFigureRow.__table__  # type: ignore[attr-defined]


def upsert_usage_figures(
    connection: Connection, rows: Sequence[Mapping[str, Any]], now: datetime
) -> UpsertCounts:
    key = ("source", "metric", "pool", "resource_id", "month")
    return upsert_rows(connection, FIGURE, key, rows, ("value",), now)


def monthly_means(
    bind: Engine | Connection, metric: str, months: Sequence[tuple[str, datetime, datetime]]
) -> dict[str, dict[str, float]]:
    """Per resource and month label: the mean of one metric's samples in that month."""
    out: dict[str, dict[str, float]] = {}
    with connected(bind) as connection:
        for label, start, end in months:
            for rid, counts in rollup_sums(connection, metric, start, end).items():
                if counts.samples:
                    out.setdefault(rid, {})[label] = counts.total / counts.samples
    return out


def usage_figures(
    bind: Engine | Connection, metrics: Sequence[str], months: Sequence[str]
) -> list[tuple[str, str, str, str, float]]:
    """(metric, pool, resource_id, month, value) of the months; the newest source's value wins."""
    query = (
        select(FIGURE.c.metric, FIGURE.c.pool, FIGURE.c.resource_id, FIGURE.c.month, FIGURE.c.value)
        .where(FIGURE.c.metric.in_(list(metrics)), FIGURE.c.month.in_(list(months)))
        .order_by(FIGURE.c.updated_at)
    )
    with connected(bind) as connection:
        latest = {tuple(row[:4]): row[4] for row in connection.execute(query)}
    return [(m, p, r, month, float(v)) for (m, p, r, month), v in latest.items()]
