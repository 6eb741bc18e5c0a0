"""Waivers with four eyes, and appeals: a waiver is requested (by an operator or a
supervisor) with a reason and evidence and put in force only when a different supervisor
approves it; an operator's appeal (申诉) is ruled on the same way. The requests, appeals and
decisions are rows of waiver_request; the waiver table keeps holding only the waivers in
force, so everything that counts waivers keeps reading it.

Waivers made before this were one supervisor's single step: each becomes an approved request
whose requester and approver are that supervisor, at the moment it was waived.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "waiver_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("ticket_pk", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(length=100), nullable=False),
        sa.Column("status_at_request", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("evidence_ref", sa.Text(), nullable=True),
        sa.Column("requested_by", sa.String(length=200), nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.Column("waiver_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["ticket_pk"], ["ticket.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["waiver_id"], ["waiver.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_waiver_request_ticket_target", "waiver_request", ["ticket_pk", "target_id"])
    op.create_index(
        "uq_waiver_request_pending",
        "waiver_request",
        ["ticket_pk", "target_id"],
        unique=True,
        sqlite_where=sa.text("state = 'pending'"),
        postgresql_where=sa.text("state = 'pending'"),
    )
    op.execute(
        "INSERT INTO waiver_request (kind, ticket_pk, target_id, status_at_request, reason, "
        "evidence_ref, requested_by, requested_at, state, decided_by, decided_at, waiver_id) "
        "SELECT 'waiver', ticket_pk, target_id, status_waived, reason, attachment_ref, "
        "waived_by, waived_at, 'approved', waived_by, waived_at, id FROM waiver ORDER BY id"
    )


def downgrade() -> None:
    op.drop_index("uq_waiver_request_pending", table_name="waiver_request")
    op.drop_index("ix_waiver_request_ticket_target", table_name="waiver_request")
    op.drop_table("waiver_request")
