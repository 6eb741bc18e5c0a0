"""Quarter-hour and daily metric rollups: set-based writes, and the sums, buckets and local-day
figures the measures read.

Every write is one statement per batch; every read is one grouped query (or one per chunk of
time ranges), never one per resource. Quarter-hour rollups are also kept summed per rollup
day, a day of UTC+08:00 (monitor.domain.resources; written in the same transaction), so sums
over long ranges read days and only the quarter hours of any partial day at either end: none
for a period of Asia/Shanghai.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from itertools import pairwise
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    Integer,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.sql.elements import ColumnElement

from monitor.domain.resources import (
    Counts,
    DayStats,
    Interval,
    rollup_day,
    rollup_day_ceil,
    rollup_day_floor,
)
from monitor.storage.connections import connected, dialect_insert
from monitor.storage.tables import (
    MetricDailyRollupRow,
    MetricRollupRow,
)

ROLLUP = MetricRollupRow.__table__  # type: ignore[attr-defined]
DAILY = MetricDailyRollupRow.__table__  # type: ignore[attr-defined]

_BATCH = 5000
_RANGES_PER_QUERY = 100  # OR-ed time ranges per statement; SQLite limits expression depth


def add_rollups(connection: Connection, rows: Sequence[Mapping[str, Any]]) -> int:
    """Add samples to their quarter hours and rollup days: counts and sums add up, peaks keep the
    larger. Returns the number of quarter hours written.

    Adding is not idempotent, so callers write rollups and their watermark in one transaction.
    """
    merged = _merged(rows, "bucket_start", lambda bucket: bucket)
    if not merged:
        return 0
    payload = list(merged.values())
    _add(connection, ROLLUP, "bucket_start", payload)
    days: dict[datetime, datetime] = {}  # quarter hour -> its rollup day; rows share few buckets

    def day_of(bucket: datetime) -> datetime:
        day = days.get(bucket)
        if day is None:
            day = days[bucket] = rollup_day_floor(bucket)
        return day

    _add(connection, DAILY, "day_start", list(_merged(payload, "day_start", day_of).values()))
    return len(payload)


def _merged(
    rows: Iterable[Mapping[str, Any]], column: str, bucket_of: Any
) -> dict[tuple[str, str, str, datetime], dict[str, Any]]:
    """Rows with the same series and bucket (`column`, computed by `bucket_of`) added up."""
    merged: dict[tuple[str, str, str, datetime], dict[str, Any]] = {}
    for row in rows:
        key = (
            row["metric"],
            row.get("pool") or "",
            row.get("resource_id") or "",
            bucket_of(row["bucket_start"]),
        )
        seen = merged.get(key)
        if seen is None:
            merged[key] = {
                "metric": key[0],
                "pool": key[1],
                "resource_id": key[2],
                column: key[3],
                "samples": row["samples"],
                "total": row["total"],
                "peak": row["peak"],
                "covered_seconds": row["covered_seconds"],
            }
        else:
            seen["samples"] += row["samples"]
            seen["total"] += row["total"]
            seen["peak"] = max(seen["peak"], row["peak"])
            seen["covered_seconds"] += row["covered_seconds"]
    return merged


def _add(connection: Connection, table: Any, column: str, payload: list[dict[str, Any]]) -> None:
    statement = dialect_insert(connection)(table)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=["metric", "pool", "resource_id", column],
        set_={
            "samples": table.c.samples + excluded.samples,
            "total": table.c.total + excluded.total,
            "covered_seconds": table.c.covered_seconds + excluded.covered_seconds,
            "peak": case((excluded.peak > table.c.peak, excluded.peak), else_=table.c.peak),
        },
    )
    for offset in range(0, len(payload), _BATCH):
        connection.execute(statement, payload[offset : offset + _BATCH])


def _sums(table: Any = ROLLUP) -> tuple[Any, Any, Any]:
    return (
        func.sum(table.c.samples),
        func.sum(table.c.total),
        func.sum(table.c.covered_seconds),
    )


def day_parts(start: datetime, end: datetime) -> list[tuple[Any, Any, datetime, datetime]]:
    """[start, end) as (table, its time column, since, until): whole rollup days from the daily
    rollups, the partial days at either end from the quarter hours (the same buckets)."""
    first_day, last_day = rollup_day_ceil(start), rollup_day_floor(end)
    if first_day >= last_day:
        return [(ROLLUP, ROLLUP.c.bucket_start, start, end)]
    parts = [
        (ROLLUP, ROLLUP.c.bucket_start, start, first_day),
        (DAILY, DAILY.c.day_start, first_day, last_day),
        (ROLLUP, ROLLUP.c.bucket_start, last_day, end),
    ]
    return [part for part in parts if part[2] < part[3]]


def rollup_peaks(
    bind: Engine | Connection, metric: str, start: datetime, end: datetime
) -> dict[str, float]:
    """Per resource: the highest sample of one metric in quarter hours starting in
    [start, end)."""
    out: dict[str, float] = {}
    with connected(bind) as connection:
        for table, moment, since, until in day_parts(start, end):
            query = (
                select(table.c.resource_id, func.max(table.c.peak))
                .where(table.c.metric == metric, moment >= since, moment < until)
                .where(table.c.resource_id != "")
                .group_by(table.c.resource_id)
            )
            for rid, peak in connection.execute(query):
                out[rid] = max(float(peak), out.get(rid, -math.inf))
    return out


def rollup_sums(
    bind: Engine | Connection, metric: str, start: datetime, end: datetime
) -> dict[str, Counts]:
    """Per resource: the samples of one metric in quarter hours starting in [start, end).

    Whole rollup days inside the range come from the daily rollups, the partial days at either
    end from the quarter hours: the same buckets, so the same sums.
    """
    out: dict[str, Counts] = {}
    with connected(bind) as connection:
        for table, moment, since, until in day_parts(start, end):
            query = (
                select(table.c.resource_id, *_sums(table))
                .where(table.c.metric == metric, moment >= since, moment < until)
                .where(table.c.resource_id != "")
                .group_by(table.c.resource_id)
            )
            for rid, samples, total, covered in connection.execute(query):
                counts = Counts(int(samples), float(total), float(covered))
                seen = out.get(rid)
                out[rid] = counts if seen is None else seen + counts
    return out


def _in_ranges(ranges: Sequence[Interval]) -> ColumnElement[bool]:
    return or_(*(and_(ROLLUP.c.bucket_start >= a, ROLLUP.c.bucket_start < b) for a, b in ranges))


def _chunks(ranges: Sequence[Interval]) -> Iterable[Sequence[Interval]]:
    for offset in range(0, len(ranges), _RANGES_PER_QUERY):
        yield ranges[offset : offset + _RANGES_PER_QUERY]


def rollup_buckets(
    bind: Engine | Connection, metric: str, ranges: Sequence[Interval]
) -> dict[str, dict[datetime, Counts]]:
    """Per resource and quarter hour: the rollups inside the (few, short) ranges."""
    out: dict[str, dict[datetime, Counts]] = {}
    with connected(bind) as connection:
        for chunk in _chunks(ranges):
            query = (
                select(ROLLUP.c.resource_id, ROLLUP.c.bucket_start, *_sums())
                .where(ROLLUP.c.metric == metric, ROLLUP.c.resource_id != "", _in_ranges(chunk))
                .group_by(ROLLUP.c.resource_id, ROLLUP.c.bucket_start)
            )
            for rid, bucket, samples, total, covered in connection.execute(query):
                out.setdefault(rid, {})[bucket] = Counts(int(samples), float(total), float(covered))
    return out


def pool_sums_in_ranges(
    bind: Engine | Connection, metrics: Sequence[str], ranges: Sequence[Interval]
) -> dict[tuple[str, str], Counts]:
    """Per (pool, metric): samples inside the ranges (service hours), resource and pool series."""
    out: dict[tuple[str, str], Counts] = {}
    with connected(bind) as connection:
        for chunk in _chunks(ranges):
            query = (
                select(ROLLUP.c.pool, ROLLUP.c.metric, *_sums())
                .where(ROLLUP.c.metric.in_(list(metrics)), ROLLUP.c.pool != "", _in_ranges(chunk))
                .group_by(ROLLUP.c.pool, ROLLUP.c.metric)
            )
            for pool, metric, samples, total, covered in connection.execute(query):
                key = (pool, metric)
                out[key] = out.get(key, Counts()) + Counts(
                    int(samples), float(total), float(covered)
                )
    return out


def _epoch_seconds(connection: Connection) -> ColumnElement[Any]:
    if connection.dialect.name == "postgresql":
        return cast(func.extract("epoch", ROLLUP.c.bucket_start), Integer)
    return cast(func.strftime("%s", ROLLUP.c.bucket_start), Integer)


def offset_pieces(zone: tzinfo, start: datetime, end: datetime) -> list[tuple[datetime, int]]:
    """[start, end) cut where `zone`'s UTC offset changes: (piece start, offset in seconds).

    Offsets change a few times a year at most (summer time, at whole seconds), so the offset
    is probed once a day and a change found between two probes is bisected to its second.
    """

    def offset(second: int) -> int:
        moment = datetime.fromtimestamp(second, zone)
        return int((moment.utcoffset() or timedelta(0)).total_seconds())

    first, last = math.floor(start.timestamp()), math.ceil(end.timestamp())
    pieces = [(first, offset(first))]
    low = first
    while low < last:
        high = min(low + 86_400, last)
        if offset(high) != pieces[-1][1]:
            while high - low > 1:  # offset(low) is the piece's, offset(high) is not
                middle = (low + high) // 2
                low, high = (middle, high) if offset(middle) == pieces[-1][1] else (low, middle)
            if high < last:
                pieces.append((high, offset(high)))
        low = high
    return [(datetime.fromtimestamp(second, UTC), shift) for second, shift in pieces]


def _local_day_number(
    connection: Connection, zone: tzinfo, start: datetime, end: datetime
) -> ColumnElement[Any]:
    """Days since 1970-01-01 of the local date each quarter hour starts on, in `zone`.

    The local date of an instant is its UTC epoch plus the zone's offset at that instant, in
    whole days; the offset is a CASE over the pieces of constant offset, so a 23- or 25-hour
    day (summer time) holds exactly the quarter hours between its two local midnights.
    """
    pieces = offset_pieces(zone, start, end)
    shift: ColumnElement[Any] = literal(pieces[-1][1], Integer)
    if len(pieces) > 1:
        shift = case(
            *(
                (ROLLUP.c.bucket_start < until, offset)
                for (_, offset), (until, _) in pairwise(pieces)
            ),
            else_=pieces[-1][1],
        )
    return (_epoch_seconds(connection) + shift) // 86_400


def daily_stats(
    bind: Engine | Connection,
    metrics: Sequence[str],
    start: datetime,
    end: datetime,
    zone: tzinfo | timedelta,
    resource_ids: Collection[str] | None = None,
) -> dict[str, dict[str, dict[date, DayStats]]]:
    """Per resource, metric and local day of `zone`: one grouped query over [start, end).

    A quarter hour counts for the local day its start falls in; `zone` is an IANA zone (its
    offsets change with summer time) or a fixed UTC offset. With `resource_ids`,
    only those resources' series are read, looked up by series (metric, pool, resource) in
    the rollups' unique index rather than scanning every row of the range.
    """
    epoch = date(1970, 1, 1)
    fixed = timezone(zone) if isinstance(zone, timedelta) else zone
    out: dict[str, dict[str, dict[date, DayStats]]] = {}
    with connected(bind) as connection:
        day = _local_day_number(connection, fixed, start, end)
        query = (
            select(
                ROLLUP.c.resource_id,
                ROLLUP.c.metric,
                day.label("day"),
                *_sums(),
                func.max(ROLLUP.c.peak),
            )
            .where(ROLLUP.c.metric.in_(list(metrics)), ROLLUP.c.resource_id != "")
            .where(ROLLUP.c.bucket_start >= start, ROLLUP.c.bucket_start < end)
            .group_by(ROLLUP.c.resource_id, ROLLUP.c.metric, "day")
        )
        for chunk in _by_series(connection, query, ROLLUP, metrics, resource_ids):
            for rid, metric, number, samples, total, covered, peak in connection.execute(chunk):
                stats = DayStats(int(samples), float(total), float(peak), float(covered))
                out.setdefault(rid, {}).setdefault(metric, {})[
                    epoch + timedelta(days=int(number))
                ] = stats
    return out


_IDS_PER_QUERY = 500  # resource ids per statement (SQLite's bound-parameter limit)


def _by_series(
    connection: Connection,
    query: Any,
    table: Any,
    metrics: Sequence[str],
    resource_ids: Collection[str] | None,
) -> list[Any]:
    """`query` as is, or, for `resource_ids`, once per batch of them, each looking them up
    by series (metric, pool, resource) in the table's unique index."""
    if resource_ids is None:
        return [query]
    chosen = sorted({rid for rid in resource_ids if rid})
    pools = _rollup_pools(connection, metrics, table)
    return [
        query.where(
            table.c.pool.in_(pools),
            table.c.resource_id.in_(chosen[offset : offset + _IDS_PER_QUERY]),
        )
        for offset in range(0, len(chosen) if pools else 0, _IDS_PER_QUERY)
    ]


def _rollup_pools(connection: Connection, metrics: Sequence[str], table: Any = ROLLUP) -> list[str]:
    """Every pool holding rollups of the metrics ('' included): a few index seeks.

    min(pool) above the last one found, per metric, walks the unique index's second column
    without reading the rows under each pool.
    """
    pools: set[str] = set()
    for metric in metrics:
        seen: str | None = None
        while True:
            query = select(func.min(table.c.pool)).where(table.c.metric == metric)
            if seen is not None:
                query = query.where(table.c.pool > seen)
            seen = connection.execute(query).scalar_one_or_none()
            if seen is None:
                break
            pools.add(seen)
    return sorted(pools)


def busy_days(
    bind: Engine | Connection,
    metrics: Sequence[str],
    peak_at_least: float,
    start: datetime,
    end: datetime,
    resource_ids: Collection[str] | None = None,
) -> dict[str, set[date]]:
    """Per resource (of `resource_ids` when given): the whole rollup days inside [start, end) on
    which one of the metrics peaked at `peak_at_least` or above, from the daily rollups
    (resource series, any pool).

    A day missing from the daily rollups is simply not listed: it proves nothing.
    """
    first, last = rollup_day_ceil(start), rollup_day_floor(end)
    if first >= last:
        return {}
    query = (
        select(DAILY.c.resource_id, DAILY.c.day_start)
        .where(DAILY.c.metric.in_(list(metrics)), DAILY.c.resource_id != "")
        .where(DAILY.c.day_start >= first, DAILY.c.day_start < last)
        .where(DAILY.c.peak >= peak_at_least)
        .distinct()
    )
    out: dict[str, set[date]] = {}
    with connected(bind) as connection:
        for chunk in _by_series(connection, query, DAILY, metrics, resource_ids):
            for rid, day_start in connection.execute(chunk):
                out.setdefault(rid, set()).add(rollup_day(day_start))
    return out
