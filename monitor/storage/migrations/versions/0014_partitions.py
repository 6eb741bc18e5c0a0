"""Monthly partitions on PostgreSQL for the quarter-hour and daily rollups and the result
changes, so that retention drops a whole month instead of deleting its rows one by one.

At province size the quarter hours grow by millions of rows a day; a month of them past
retention is one DETACH and DROP, where a DELETE would rewrite indexes, bloat the table and
leave vacuum the work. Each table is rebuilt in place: the old one renamed, a table of the same
columns made partitioned by range of its time column, one partition per UTC month the data
spans (`<table>_pYYYYMM`) and a DEFAULT partition for any other month (`<table>_default`),
every row copied with its id, the id sequence kept (and widened to bigint: ids are never
reused and the quarter hours pass 2^31 within a few years), and the keys and indexes made
again. A partitioned table's keys must hold its partition column: the primary key becomes
(id, time); the series unique keys, which ON CONFLICT names, already end with the time.
`slamon serve` makes the months ahead and splits rows out of the DEFAULT partition
(monitor.storage.partitions). On SQLite nothing changes: the embedded database stays plain.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence
from datetime import UTC, datetime

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table: (time column, unique key or None, secondary indexes, foreign keys)
_TABLES = {
    "metric_rollup": (
        "bucket_start",
        ("uq_metric_rollup_series_bucket", "metric, pool, resource_id, bucket_start"),
        {"ix_metric_rollup_metric_bucket": "metric, bucket_start"},
        {},
    ),
    "metric_rollup_daily": (
        "day_start",
        ("uq_metric_rollup_daily_series_day", "metric, pool, resource_id, day_start"),
        {"ix_metric_rollup_daily_metric_day": "metric, day_start"},
        {},
    ),
    "result_change": (
        "changed_at",
        None,
        {"ix_result_change_ticket_target": "ticket_pk, target_id"},
        {"result_change_ticket_pk_fkey": "(ticket_pk) REFERENCES ticket (id) ON DELETE CASCADE"},
    ),
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        _rebuild(table, partitioned=True)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in _TABLES:
        _rebuild(table, partitioned=False)


def _rebuild(table: str, *, partitioned: bool) -> None:
    """`table` made again, partitioned by month or plain, with every row and its id."""
    column, unique, indexes, foreign = _TABLES[table]
    old = f"{table}_unpartitioned" if partitioned else f"{table}_partitioned"
    op.execute(f"ALTER TABLE {table} RENAME TO {old}")
    # The old table's keys and indexes give their names (schema-wide) to the new table's.
    for name in foreign:
        op.execute(f"ALTER TABLE {old} DROP CONSTRAINT {name}")
    if unique is not None:
        op.execute(f"ALTER TABLE {old} DROP CONSTRAINT {unique[0]}")
    for name in indexes:
        op.execute(f"DROP INDEX {name}")
    op.execute(f"ALTER TABLE {old} DROP CONSTRAINT {table}_pkey")
    scheme = f" PARTITION BY RANGE ({column})" if partitioned else ""
    op.execute(f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS){scheme}")
    op.execute(f"ALTER SEQUENCE {table}_id_seq OWNED BY {table}.id")
    op.execute(f"ALTER TABLE {table} ALTER COLUMN id TYPE bigint")
    op.execute(f"ALTER SEQUENCE {table}_id_seq AS bigint")
    if partitioned:
        for start, end in _months(old, column):
            op.execute(
                f"CREATE TABLE {table}_p{start:%Y%m} PARTITION OF {table} "
                f"FOR VALUES FROM ('{start:%Y-%m-%d}+00') TO ('{end:%Y-%m-%d}+00')"
            )
        op.execute(f"CREATE TABLE {table}_default PARTITION OF {table} DEFAULT")
    op.execute(f"INSERT INTO {table} SELECT * FROM {old}")
    op.execute(f"DROP TABLE {old}")
    # Keys and indexes are built once over the copied rows, not maintained row by row.
    key = f"id, {column}" if partitioned else "id"
    op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {table}_pkey PRIMARY KEY ({key})")
    if unique is not None:
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {unique[0]} UNIQUE ({unique[1]})")
    for name, columns in indexes.items():
        op.execute(f"CREATE INDEX {name} ON {table} ({columns})")
    for name, reference in foreign.items():
        op.execute(f"ALTER TABLE {table} ADD CONSTRAINT {name} FOREIGN KEY {reference}")
    op.execute(f"ANALYZE {table}")


def _months(table: str, column: str) -> list[tuple[datetime, datetime]]:
    """Every UTC month from the oldest row's to the newest's, as (first, first of the next)."""
    span = (
        op.get_bind()
        .exec_driver_sql(
            f"SELECT date_trunc('month', min({column}) AT TIME ZONE 'UTC'), "
            f"date_trunc('month', max({column}) AT TIME ZONE 'UTC') FROM {table}"
        )
        .one()
    )
    if span[0] is None:
        return []
    months = []
    index, last = span[0].year * 12 + span[0].month - 1, span[1].year * 12 + span[1].month - 1
    while index <= last:
        start = datetime(index // 12, index % 12 + 1, 1, tzinfo=UTC)
        after = index + 1
        months.append((start, datetime(after // 12, after % 12 + 1, 1, tzinfo=UTC)))
        index = after
    return months
