"""Daily rollups: the quarter-hour rollups summed per series and UTC day, backfilled.

A month's availability then reads ~30 rows per resource instead of ~2,900. Existing quarter
hours are summed into days here, in SQL; from now on `add_rollups` writes both in one
transaction.

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The UTC midnight of a quarter hour, in each dialect's own storage of UTCDateTime: SQLite keeps
# UTC wall time as text "YYYY-MM-DD HH:MM:SS.ffffff", PostgreSQL a timestamptz.
_DAY_OF_BUCKET = {
    "sqlite": "substr(bucket_start, 1, 10) || ' 00:00:00.000000'",
    "postgresql": "date_trunc('day', bucket_start AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'",
}


def upgrade() -> None:
    op.create_table(
        "metric_rollup_daily",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=False),
        sa.Column("resource_id", sa.String(length=200), nullable=False),
        sa.Column("day_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("peak", sa.Float(), nullable=False),
        sa.Column("covered_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "metric", "pool", "resource_id", "day_start", name="uq_metric_rollup_daily_series_day"
        ),
    )
    op.create_index(
        "ix_metric_rollup_daily_metric_day", "metric_rollup_daily", ["metric", "day_start"]
    )
    day = _DAY_OF_BUCKET[op.get_bind().dialect.name]
    op.execute(
        "INSERT INTO metric_rollup_daily "
        "(metric, pool, resource_id, day_start, samples, total, peak, covered_seconds) "
        f"SELECT metric, pool, resource_id, {day}, "
        "sum(samples), sum(total), max(peak), sum(covered_seconds) "
        f"FROM metric_rollup GROUP BY metric, pool, resource_id, {day}"
    )


def downgrade() -> None:
    op.drop_index("ix_metric_rollup_daily_metric_day", table_name="metric_rollup_daily")
    op.drop_table("metric_rollup_daily")
