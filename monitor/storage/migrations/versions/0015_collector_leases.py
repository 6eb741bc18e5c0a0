"""A collector's lease: the run that holds it until `claimed_until`, named by its token, so that
several `slamon serve` on one database share the metric collectors and a run taken over after
its lease ran out writes nothing. The lease lives on the collector's state row, which a first
claim creates before anything is fetched: its watermark may be empty.

Revision ID: 0015
Revises: 0014
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("collector_state") as batch:
        batch.alter_column("watermark", existing_type=sa.DateTime(timezone=True), nullable=True)
        batch.add_column(sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))


def downgrade() -> None:
    op.execute("DELETE FROM collector_state WHERE watermark IS NULL")
    with op.batch_alter_table("collector_state") as batch:
        batch.drop_column("lease_token")
        batch.drop_column("claimed_until")
        batch.alter_column("watermark", existing_type=sa.DateTime(timezone=True), nullable=False)
