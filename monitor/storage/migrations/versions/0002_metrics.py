"""Metrics: resources, outages, quarter-hour rollups, monthly usage figures, collector state.

Rejected rows say which table they were meant for (ticket rows keep NULL).

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _stamps() -> list[sa.Column[object]]:
    return [
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "resource",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("resource_id", sa.String(length=200), nullable=False),
        sa.Column("resource_class", sa.String(length=50), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=True),
        sa.Column("user_unit", sa.String(length=200), nullable=True),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=50), nullable=True),
        sa.Column("in_service_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reclaimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("source", sa.String(length=100), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("resource_id"),
    )
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.create_index("ix_resource_resource_class", ["resource_class"], unique=False)

    op.create_table(
        "outage",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("resource_id", sa.String(length=200), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("planned", sa.Boolean(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=True),
        sa.Column("cause", sa.Text(), nullable=True),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "source", "resource_id", "start", name="uq_outage_source_resource_start"
        ),
    )
    with op.batch_alter_table("outage", schema=None) as batch_op:
        batch_op.create_index("ix_outage_resource_id", ["resource_id"], unique=False)

    op.create_table(
        "metric_rollup",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=False),
        sa.Column("resource_id", sa.String(length=200), nullable=False),
        sa.Column("bucket_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("peak", sa.Float(), nullable=False),
        sa.Column("covered_seconds", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "metric", "pool", "resource_id", "bucket_start", name="uq_metric_rollup_series_bucket"
        ),
    )
    with op.batch_alter_table("metric_rollup", schema=None) as batch_op:
        batch_op.create_index(
            "ix_metric_rollup_metric_bucket", ["metric", "bucket_start"], unique=False
        )

    op.create_table(
        "usage_figure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("metric", sa.String(length=20), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=False),
        sa.Column("resource_id", sa.String(length=200), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        *_stamps(),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "source", "metric", "pool", "resource_id", "month", name="uq_usage_figure_key"
        ),
    )

    op.create_table(
        "collector_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("watermark", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )

    op.create_table(
        "collector_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("range_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("range_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("samples", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("collector_run", schema=None) as batch_op:
        batch_op.create_index("ix_collector_run_name", ["name"], unique=False)

    with op.batch_alter_table("rejected_row", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_table", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("row_key", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rejected_row", schema=None) as batch_op:
        batch_op.drop_column("row_key")
        batch_op.drop_column("target_table")
    for table, indexes in (
        ("collector_run", ["ix_collector_run_name"]),
        ("collector_state", []),
        ("usage_figure", []),
        ("metric_rollup", ["ix_metric_rollup_metric_bucket"]),
        ("outage", ["ix_outage_resource_id"]),
        ("resource", ["ix_resource_resource_class"]),
    ):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for index in indexes:
                batch_op.drop_index(index)
        op.drop_table(table)
