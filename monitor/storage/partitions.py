"""Monthly partitions of the large time-keyed tables on PostgreSQL: made ahead, split out of
the DEFAULT partition, and dropped whole past retention (audited).

On PostgreSQL each table in PARTITIONED is partitioned by range of its time column, one
partition per UTC month named `<table>_pYYYYMM`, plus `<table>_default` for rows of a month
that has no partition yet. Writes never create partitions: a CREATE or ATTACH in the write
path would lock the parent under concurrent writers and readers, and a row of any time (a
backfill of last year, a clock far off) must be stored rather than refused. The DEFAULT
partition takes such rows; `prepare_months` moves them into their month's own partition.
A statement that is routing rows to the DEFAULT partition while a month is attached fails
(PostgreSQL checks each row against the DEFAULT's new bounds), so `slamon serve` makes the
current month and those ahead before any of its writers starts, and later months are
attached while their rows are still months away.
On SQLite the tables are plain and every function here does nothing.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Connection, text

from monitor.domain.retention import add_months, month_floor
from monitor.storage import audit

log = logging.getLogger(__name__)

# Each partitioned table and the time column it is partitioned by.
PARTITIONED: dict[str, str] = {
    "metric_rollup": "bucket_start",
    "metric_rollup_daily": "day_start",
    "result_change": "changed_at",
}
# A DETACH waits for the readers of the table and makes every later reader wait behind it:
# give up after this and try at the next upkeep rather than stall the dashboard.
LOCK_TIMEOUT = "5s"


@dataclass(frozen=True, slots=True)
class MonthPartition:
    """One month's partition of a table: rows with start <= time < end."""

    table: str
    name: str
    start: datetime
    end: datetime


def partition_name(table: str, month: datetime) -> str:
    return f"{table}_p{month:%Y%m}"


def default_partition(table: str) -> str:
    return f"{table}_default"


def bound(moment: datetime) -> str:
    """A partition bound as SQL text: DDL takes no bound parameters."""
    return f"'{moment.astimezone(UTC):%Y-%m-%d %H:%M:%S}+00'"


def is_partitioned(connection: Connection, table: str) -> bool:
    """Whether `table` is a partitioned table (never on SQLite)."""
    if connection.dialect.name != "postgresql":
        return False
    query = text(
        "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "WHERE c.relname = :table AND pg_table_is_visible(c.oid)"
    )
    return connection.execute(query, {"table": table}).first() is not None


def month_partitions(connection: Connection, table: str) -> list[MonthPartition]:
    """The month partitions of `table`, oldest first (the DEFAULT partition is not one)."""
    if not is_partitioned(connection, table):
        return []
    query = text(
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "WHERE i.inhparent = CAST(:table AS regclass)"
    )
    pattern = re.compile(rf"^{re.escape(table)}_p(\d{{4}})(\d{{2}})$")
    found = []
    for (name,) in connection.execute(query, {"table": table}):
        match = pattern.match(name)
        if match:
            start = datetime(int(match[1]), int(match[2]), 1, tzinfo=UTC)
            found.append(MonthPartition(table, name, start, add_months(start, 1)))
    return sorted(found, key=lambda partition: partition.start)


def months_in_default(connection: Connection, table: str) -> list[datetime]:
    """The UTC months of the rows waiting in `table`'s DEFAULT partition."""
    column = PARTITIONED[table]
    query = text(
        f"SELECT DISTINCT date_trunc('month', {column} AT TIME ZONE 'UTC') "
        f"FROM {default_partition(table)}"
    )
    return sorted(month.replace(tzinfo=UTC) for (month,) in connection.execute(query))


def prepare_months(connection: Connection, table: str, months: Iterable[datetime]) -> list[str]:
    """Give each month its own partition of `table`, moving its rows out of the DEFAULT
    partition; returns the partitions made. Call it in a transaction.

    The partition is made beside the table and attached once filled: ATTACH locks the parent
    only against schema changes (SHARE UPDATE EXCLUSIVE), where CREATE … PARTITION OF would
    lock out every reader and writer.
    """
    if not is_partitioned(connection, table):
        return []
    have = {partition.start for partition in month_partitions(connection, table)}
    column, spare = PARTITIONED[table], default_partition(table)
    made = []
    connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    for month in sorted({month_floor(month) for month in months} - have):
        name, start, end = partition_name(table, month), month, add_months(month, 1)
        connection.execute(
            text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
        )
        connection.execute(
            text(
                f"WITH moved AS (DELETE FROM {spare} WHERE {column} >= :a AND {column} < :b "
                f"RETURNING *) INSERT INTO {name} SELECT * FROM moved"
            ),
            {"a": start, "b": end},
        )
        connection.execute(
            text(
                f"ALTER TABLE {table} ATTACH PARTITION {name} "
                f"FOR VALUES FROM ({bound(start)}) TO ({bound(end)})"
            )
        )
        made.append(name)
        log.info("made partition %s", name)
    return made


def prepare_ahead(connection: Connection, table: str, now: datetime, ahead: int) -> list[str]:
    """Partitions of `table` for the month of `now`, the `ahead` months after it, and every
    month with rows in the DEFAULT partition; returns the partitions made."""
    if not is_partitioned(connection, table):
        return []
    current = month_floor(now)
    wanted = [add_months(current, step) for step in range(ahead + 1)]
    return prepare_months(connection, table, [*wanted, *months_in_default(connection, table)])


def drop_before(
    connection: Connection, table: str, keep_from: datetime, *, now: datetime, actor: str
) -> list[MonthPartition]:
    """Detach and drop every month partition of `table` that ends at or before `keep_from`,
    each recorded in the audit log in the same transaction; returns those dropped."""
    dropped = []
    for partition in month_partitions(connection, table):
        if partition.end > keep_from:
            break
        size = connection.execute(
            text(
                "SELECT c.reltuples, pg_total_relation_size(c.oid) FROM pg_class c "
                "WHERE c.oid = CAST(:name AS regclass)"
            ),
            {"name": partition.name},
        ).one()
        connection.execute(text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
        connection.execute(text(f"ALTER TABLE {table} DETACH PARTITION {partition.name}"))
        connection.execute(text(f"DROP TABLE {partition.name}"))
        audit.record(
            connection,
            at=now,
            actor=actor,
            action="partition.drop",
            subject=partition.name,
            table=table,
            start=partition.start.isoformat(),
            end=partition.end.isoformat(),
            rows_estimated=max(0, int(size[0])),
            bytes=int(size[1]),
            kept_from=keep_from.isoformat(),
        )
        log.info("dropped partition %s (%s to %s)", partition.name, partition.start, partition.end)
        dropped.append(partition)
    return dropped
