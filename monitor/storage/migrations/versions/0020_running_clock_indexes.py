"""Indexes of the running clocks only: the next moment a clock turns at risk or runs out is
read after every ingest, and with the status index alone it read every running clock (30 ms
for 90,000 open targets); each of these answers it from one end of a small index.

Revision ID: 0020
Revises: 0019
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PENDING = sa.text("status = 'pending'")
OPEN = sa.text("status IN ('pending', 'at_risk')")


def upgrade() -> None:
    op.create_index(
        "ix_target_result_pending_at_risk_from",
        "target_result",
        ["at_risk_from"],
        postgresql_where=PENDING,
        sqlite_where=PENDING,
    )
    op.create_index(
        "ix_target_result_open_deadline",
        "target_result",
        ["deadline"],
        postgresql_where=OPEN,
        sqlite_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index("ix_target_result_open_deadline", table_name="target_result")
    op.drop_index("ix_target_result_pending_at_risk_from", table_name="target_result")
