"""The inventory's spec of a resource (vCPU数, 内存GB, 存储GB), against which the billing check
judges billed quantities; blank where the inventory does not record it.

Exact like the billing tables' decimals: NUMERIC(20, 6) on PostgreSQL; on SQLite, which has no
decimal type, the canonical decimal text.

Revision ID: 0017
Revises: 0016
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SPECS = ("vcpu", "memory_gb", "storage_gb")


def _decimal() -> sa.types.TypeEngine[object]:
    return sa.Numeric(20, 6).with_variant(sa.String(40), "sqlite")  # type: ignore[return-value]


def upgrade() -> None:
    with op.batch_alter_table("resource") as batch:
        for name in SPECS:
            batch.add_column(sa.Column(name, _decimal(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("resource") as batch:
        for name in reversed(SPECS):
            batch.drop_column(name)
