"""A delivery's lease token: the claim that holds it, so that a sender whose lease ran out and
was taken over by another sender cannot send it, renew it or record its answer.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("alert_delivery") as batch:
        batch.add_column(sa.Column("lease_token", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("alert_delivery") as batch:
        batch.drop_column("lease_token")
