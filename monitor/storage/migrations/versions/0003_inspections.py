"""Inspection records (巡检) and satisfaction survey replies.

Revision ID: 0003
Revises: 0002
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("record_key", sa.String(length=400), nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=True),
        sa.Column("inspector", sa.String(length=200), nullable=True),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("finding", sa.Text(), nullable=True),
        sa.Column("measure", sa.Text(), nullable=True),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolution_record", sa.Text(), nullable=True),
        sa.Column("evidence_ref", sa.Text(), nullable=True),
        sa.Column("ticket_id", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "record_key", name="uq_inspection_source_record_key"),
    )
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.create_index("ix_inspection_inspected_at", ["inspected_at"], unique=False)

    op.create_table(
        "survey_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("survey", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=200), nullable=False),
        sa.Column("replied_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rating", sa.String(length=30), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=True),
        sa.Column("respondent", sa.String(length=200), nullable=True),
        sa.Column("answers", sa.Text(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "survey", "unit", name="uq_survey_reply_source_survey_unit"),
    )
    with op.batch_alter_table("survey_reply", schema=None) as batch_op:
        batch_op.create_index("ix_survey_reply_replied_at", ["replied_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("survey_reply", schema=None) as batch_op:
        batch_op.drop_index("ix_survey_reply_replied_at")
    op.drop_table("survey_reply")
    with op.batch_alter_table("inspection", schema=None) as batch_op:
        batch_op.drop_index("ix_inspection_inspected_at")
    op.drop_table("inspection")
