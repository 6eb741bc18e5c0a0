"""The dashboard: users, waivers, the audit log, and indexes for its overview and search.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "dashboard_user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("pools", sa.Text(), nullable=False),
        sa.Column("units", sa.Text(), nullable=False),
        sa.Column("password_hash", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "waiver",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_pk", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(length=100), nullable=False),
        sa.Column("status_waived", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("attachment_ref", sa.Text(), nullable=True),
        sa.Column("waived_by", sa.String(length=200), nullable=False),
        sa.Column("waived_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by", sa.String(length=200), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoke_reason", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_pk"], ["ticket.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("waiver", schema=None) as batch_op:
        batch_op.create_index("ix_waiver_ticket_target", ["ticket_pk", "target_id"])
        batch_op.create_index(
            "uq_waiver_active",
            ["ticket_pk", "target_id"],
            unique=True,
            sqlite_where=sa.text("revoked_at IS NULL"),
            postgresql_where=sa.text("revoked_at IS NULL"),
        )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("subject", sa.String(length=400), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_at", ["at"])
    # Plain CREATE INDEX: no table copy, so existing tickets and results stay as they are.
    op.create_index("ix_ticket_reported_at", "ticket", ["reported_at"])
    op.create_index("ix_ticket_closed_at", "ticket", ["closed_at"])
    op.create_index("ix_target_result_stop_deadline", "target_result", ["stop", "deadline"])


def downgrade() -> None:
    op.drop_index("ix_target_result_stop_deadline", table_name="target_result")
    op.drop_index("ix_ticket_closed_at", table_name="ticket")
    op.drop_index("ix_ticket_reported_at", table_name="ticket")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_at")
    op.drop_table("audit_log")
    with op.batch_alter_table("waiver", schema=None) as batch_op:
        batch_op.drop_index("uq_waiver_active")
        batch_op.drop_index("ix_waiver_ticket_target")
    op.drop_table("waiver")
    op.drop_table("dashboard_user")
