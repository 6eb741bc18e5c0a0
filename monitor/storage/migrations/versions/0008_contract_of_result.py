"""The contract of a result: each result names the contract version that judged it, the
versions' files are kept, an evaluation run counts the tickets no contract covers, and a
rejudging keeps the results it replaced.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_version",
        sa.Column("version", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("path", sa.String(length=1000), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("first_used_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version"),
    )
    with op.batch_alter_table("target_result") as batch:
        batch.add_column(sa.Column("contract_version", sa.String(length=64), nullable=True))
        batch.create_index("ix_target_result_contract_version", ["contract_version"])
    with op.batch_alter_table("evaluation_run") as batch:
        batch.add_column(sa.Column("uncovered", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "rejudge",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ran_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("evaluated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reported_from", sa.DateTime(timezone=True), nullable=True),
        sa.Column("contracts", sa.Text(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "superseded_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rejudge_id", sa.Integer(), nullable=False),
        sa.Column("ticket_pk", sa.Integer(), nullable=False),
        sa.Column("target_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=True),
        sa.Column("deadline", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stop", sa.DateTime(timezone=True), nullable=True),
        sa.Column("overdue_seconds", sa.Integer(), nullable=True),
        sa.Column("contract_version", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["rejudge_id"], ["rejudge.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["ticket_pk"], ["ticket.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_superseded_result_rejudge", "superseded_result", ["rejudge_id"])


def downgrade() -> None:
    op.drop_index("ix_superseded_result_rejudge", table_name="superseded_result")
    op.drop_table("superseded_result")
    op.drop_table("rejudge")
    with op.batch_alter_table("evaluation_run") as batch:
        batch.drop_column("uncovered")
    with op.batch_alter_table("target_result") as batch:
        batch.drop_index("ix_target_result_contract_version")
        batch.drop_column("contract_version")
    op.drop_table("contract_version")
