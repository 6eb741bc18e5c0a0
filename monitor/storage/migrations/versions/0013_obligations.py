"""The contract's periodic obligations (履约事项): evidence that a duty was done (and the
vulnerability notices that start a duty), each obligation period's clock, and the inventory's
等保 level, so that a yearly 等保测评 is owed for every system of level 3.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "obligation_evidence",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("record_key", sa.String(length=400), nullable=False),
        sa.Column("obligation_id", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=True),
        sa.Column("pool", sa.String(length=100), nullable=True),
        sa.Column("period", sa.String(length=10), nullable=True),
        sa.Column("noticed_on", sa.Date(), nullable=True),
        sa.Column("done_on", sa.Date(), nullable=True),
        sa.Column("document_ref", sa.Text(), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "source", "record_key", name="uq_obligation_evidence_source_record_key"
        ),
    )
    with op.batch_alter_table("obligation_evidence", schema=None) as batch_op:
        batch_op.create_index(
            "ix_obligation_evidence_obligation", ["obligation_id", "done_on"], unique=False
        )
    op.create_table(
        "obligation_period",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("obligation_id", sa.String(length=100), nullable=False),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("at_risk_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("met_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("evidence", sa.Text(), nullable=True),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "obligation_id",
            "subject",
            "pool",
            "period_start",
            name="uq_obligation_period_obligation_subject_pool_start",
        ),
    )
    with op.batch_alter_table("obligation_period", schema=None) as batch_op:
        batch_op.create_index("ix_obligation_period_due_at", ["due_at"], unique=False)
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.add_column(sa.Column("protection_level", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("resource", schema=None) as batch_op:
        batch_op.drop_column("protection_level")
    with op.batch_alter_table("obligation_period", schema=None) as batch_op:
        batch_op.drop_index("ix_obligation_period_due_at")
    op.drop_table("obligation_period")
    with op.batch_alter_table("obligation_evidence", schema=None) as batch_op:
        batch_op.drop_index("ix_obligation_evidence_obligation")
    op.drop_table("obligation_evidence")
