"""The service catalogue (服务目录) and the operators' statements (结算清单), so that what an
operator bills can be checked against the inventory and the catalogue's prices.

Prices, quantities and amounts are exact: NUMERIC(20, 6) on PostgreSQL; on SQLite, which has
no decimal type (its NUMERIC affinity makes them binary floats), the canonical decimal text.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _decimal() -> sa.types.TypeEngine[object]:
    return sa.Numeric(20, 6).with_variant(sa.String(40), "sqlite")  # type: ignore[return-value]


def upgrade() -> None:
    op.create_table(
        "catalogue_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("item_code", sa.String(length=100), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_until", sa.Date(), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=50), nullable=False),
        sa.Column("unit_price", _decimal(), nullable=False),
        sa.Column("measure", sa.String(length=30), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "item_code", "pool", "operator", "valid_from", name="uq_catalogue_item_validity"
        ),
    )
    op.create_table(
        "statement_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=100), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("pool", sa.String(length=100), nullable=True),
        sa.Column("operator", sa.String(length=200), nullable=True),
        sa.Column("user_unit", sa.String(length=200), nullable=True),
        sa.Column("system", sa.String(length=200), nullable=True),
        sa.Column("resource_id", sa.String(length=200), nullable=True),
        sa.Column("item_code", sa.String(length=100), nullable=False),
        sa.Column("quantity", _decimal(), nullable=False),
        sa.Column("billed_days", _decimal(), nullable=True),
        sa.Column("billed_months", _decimal(), nullable=True),
        sa.Column("unit_price", _decimal(), nullable=False),
        sa.Column("amount", _decimal(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "source", "period", "line", name="uq_statement_line_source_period_line"
        ),
    )
    with op.batch_alter_table("statement_line", schema=None) as batch_op:
        batch_op.create_index("ix_statement_line_period", ["period"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("statement_line", schema=None) as batch_op:
        batch_op.drop_index("ix_statement_line_period")
    op.drop_table("statement_line")
    op.drop_table("catalogue_item")
