"""Scoped API tokens: each token writes one source and reads and writes its pools, and every
API batch's import run names the token that sent it, so that a token cannot rewrite another
source's tickets or move tickets between pools, and a write can be traced to its token.

Tokens made before this have no source: they keep reading every pool, as they did, and can no
longer write until one with `--source` replaces them (nothing says which source they meant).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("api_token") as batch:
        batch.add_column(sa.Column("source", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("pools", sa.Text(), nullable=True))
    # A plain column, not a foreign key: SQLite would copy import_run to add one, and a copy
    # cannot drop the table rejected_row refers to. Tokens are revoked, never deleted.
    op.add_column("import_run", sa.Column("token_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_column("import_run", "token_id")  # in place, for the same reason as its add
    with op.batch_alter_table("api_token") as batch:
        batch.drop_column("pools")
        batch.drop_column("source")
