"""Ticket sources: the regulator report time, status histories and what is derived from them.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("regulator_reported_at", sa.DateTime(timezone=True), nullable=True)
        )

    op.create_table(
        "ticket_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("ticket_id", sa.String(length=200), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=100), nullable=True),
        sa.Column("severity", sa.String(length=50), nullable=True),
        sa.Column("hold_reason", sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("source", "ticket_id", "at", "sequence", name="uq_ticket_event_key"),
    )

    op.create_table(
        "ticket_history",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_pk", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("value", sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(["ticket_pk"], ["ticket.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("ticket_history", schema=None) as batch_op:
        batch_op.create_index("ix_ticket_history_ticket", ["ticket_pk"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("ticket_history", schema=None) as batch_op:
        batch_op.drop_index("ix_ticket_history_ticket")
    op.drop_table("ticket_history")
    op.drop_table("ticket_event")
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        batch_op.drop_column("regulator_reported_at")
