"""Migration 0016: the alert table takes obligation-period alerts and keeps every ticket alert."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from monitor.storage.db import alembic_config, current_revision, head_revision, upgrade

TICKET = (
    "INSERT INTO ticket (source, ticket_id, kind, reported_at, created_at, updated_at) "
    "VALUES ('file', 'GZ-1', 'fault', '2022-08-10 03:41:00.000000', "
    "'2023-01-05 09:00:00.000000', '2023-01-05 09:00:00.000000')"
)
ALERT = (
    "INSERT INTO alert (ticket_pk, target_id, stage, occurred_at, payload) "
    "VALUES (:ticket_pk, 'major.restore', :stage, '2022-08-10 08:00:00.000000', '{}')"
)
DELIVERY = (
    "INSERT INTO alert_delivery (alert_id, channel, created_at, attempts, failures, "
    "next_attempt_at, acknowledged_at) VALUES (:alert_id, 'hook', "
    "'2022-08-10 08:00:00.000000', 1, 0, '2022-08-10 08:00:00.000000', "
    "'2022-08-10 08:00:01.000000')"
)
OBLIGATION_ALERT = (
    "INSERT INTO alert (ticket_pk, obligation_period_key, target_id, stage, occurred_at, "
    "payload) VALUES (:ticket_pk, :key, 'monthly_report', :stage, "
    "'2023-11-09 01:00:00.000000', '{}')"
)


def test_ticket_alerts_from_before_obligation_alerts_are_kept_with_their_deliveries(
    engine: Engine,
) -> None:
    command.downgrade(alembic_config(engine), "0015")
    with engine.begin() as connection:
        connection.execute(text(TICKET))
        ticket_pk = connection.execute(text("SELECT id FROM ticket")).scalar_one()
        for stage in ("at_risk", "breached"):
            connection.execute(text(ALERT), {"ticket_pk": ticket_pk, "stage": stage})
        for alert_id in connection.execute(text("SELECT id FROM alert ORDER BY id")).scalars():
            connection.execute(text(DELIVERY), {"alert_id": alert_id})
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        alerts = connection.execute(
            text("SELECT ticket_pk, obligation_period_key, target_id, stage FROM alert ORDER BY id")
        ).all()
        deliveries = connection.execute(
            text("SELECT channel, acknowledged_at IS NOT NULL FROM alert_delivery ORDER BY id")
        ).all()
    assert [tuple(row) for row in alerts] == [
        (ticket_pk, None, "major.restore", "at_risk"),
        (ticket_pk, None, "major.restore", "breached"),
    ]
    assert [tuple(row) for row in deliveries] == [("hook", True), ("hook", True)]


def test_an_alert_names_a_ticket_or_an_obligation_period_never_both_nor_neither(
    engine: Engine,
) -> None:
    key = "monthly_report|||2023-10-01"
    with engine.begin() as connection:
        connection.execute(text(TICKET))
        ticket_pk = connection.execute(text("SELECT id FROM ticket")).scalar_one()
        connection.execute(
            text(OBLIGATION_ALERT), {"ticket_pk": None, "key": key, "stage": "missed"}
        )
    for ticket, period in ((None, None), (ticket_pk, key)):
        with pytest.raises(IntegrityError), engine.begin() as connection:
            connection.execute(
                text(OBLIGATION_ALERT), {"ticket_pk": ticket, "key": period, "stage": "at_risk"}
            )
    with pytest.raises(IntegrityError), engine.begin() as connection:
        # One alert per (period, stage).
        connection.execute(
            text(OBLIGATION_ALERT), {"ticket_pk": None, "key": key, "stage": "missed"}
        )
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM alert")).scalar_one() == 1
