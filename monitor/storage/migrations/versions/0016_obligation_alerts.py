"""Alerts for obligation periods (履约事项): an alert belongs to a ticket or to an obligation
period, never both, and is announced once per (period, stage) as a ticket's is per (ticket,
target, stage). The period is named by its natural key, not its row id: every evaluation
replaces the stored periods, and the alert outlives the rows it was raised from.

SQLite alters `alert` by copying it and dropping the old table, and dropping it deletes every
delivery through the ON DELETE CASCADE of alert_delivery: the deliveries are kept aside and
put back (the alert ids are copied unchanged).

Revision ID: 0016
Revises: 0015
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ONE_SUBJECT = "(ticket_pk IS NULL) <> (obligation_period_key IS NULL)"


@contextmanager
def _deliveries_kept() -> Iterator[None]:
    """Keep alert_delivery's rows across a copy of the alert table on SQLite."""
    if op.get_bind().dialect.name != "sqlite":
        yield
        return
    op.execute("CREATE TEMPORARY TABLE kept_alert_delivery AS SELECT * FROM alert_delivery")
    yield
    op.execute("DELETE FROM alert_delivery")
    op.execute("INSERT INTO alert_delivery SELECT * FROM kept_alert_delivery")
    op.execute("DROP TABLE kept_alert_delivery")


def upgrade() -> None:
    with _deliveries_kept(), op.batch_alter_table("alert") as batch:
        batch.alter_column("ticket_pk", existing_type=sa.Integer(), nullable=True)
        batch.add_column(sa.Column("obligation_period_key", sa.String(length=400), nullable=True))
        batch.create_unique_constraint(
            "uq_alert_obligation_period_stage", ["obligation_period_key", "stage"]
        )
        batch.create_check_constraint("ck_alert_ticket_or_obligation_period", ONE_SUBJECT)


def downgrade() -> None:
    op.execute("DELETE FROM alert WHERE ticket_pk IS NULL")
    with _deliveries_kept(), op.batch_alter_table("alert") as batch:
        batch.drop_constraint("ck_alert_ticket_or_obligation_period", type_="check")
        batch.drop_constraint("uq_alert_obligation_period_stage", type_="unique")
        batch.drop_column("obligation_period_key")
        batch.alter_column("ticket_pk", existing_type=sa.Integer(), nullable=False)
