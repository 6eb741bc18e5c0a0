"""Alerts and their delivery outbox: set-based writes, an atomic claim, acknowledgements.

An alert is unique per (ticket, target, stage) or per (obligation period, stage), a delivery
per (alert, channel): inserting one twice does nothing, so two evaluations — two processes —
cannot announce a stage twice.
A sender claims due deliveries with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL; SQLite has
one writer at a time and the conditional UPDATE is the claim); an acknowledged delivery is
never claimed again. Each claim writes its own token on the rows it took: renewing a lease,
recording a failure and handing a row back all name that token, so a sender whose lease ran
out and was claimed by another changes nothing and learns that it must not send.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, func, or_, select, tuple_, update

from monitor.storage.connections import dialect_insert
from monitor.storage.tables import AlertDeliveryRow, AlertRow

ALERT = AlertRow.__table__  # type: ignore[attr-defined]
DELIVERY = AlertDeliveryRow.__table__  # type: ignore[attr-defined]
_BATCH = 1000


@dataclass(frozen=True, slots=True)
class NewAlert:
    ticket_pk: int
    target_id: str
    stage: str
    occurred_at: datetime
    facts: dict[str, Any]
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class NewObligationAlert:
    period_key: str  # the period's natural key (monitor.alerting.obligations.period_key)
    obligation_id: str
    stage: str
    occurred_at: datetime
    facts: dict[str, Any]
    channels: tuple[str, ...]


def add_alerts(connection: Connection, alerts: Sequence[NewAlert], now: datetime) -> int:
    """Store alerts not stored yet, with one outbox row per channel; how many were new."""
    rows = [
        {
            "ticket_pk": alert.ticket_pk,
            "target_id": alert.target_id,
            "stage": alert.stage,
            "occurred_at": alert.occurred_at,
            "payload": json.dumps(alert.facts, ensure_ascii=False),
        }
        for alert in alerts
    ]
    channels = [alert.channels for alert in alerts]
    return _add(connection, ("ticket_pk", "target_id", "stage"), rows, channels, now)


def add_obligation_alerts(
    connection: Connection, alerts: Sequence[NewObligationAlert], now: datetime
) -> int:
    """Store obligation alerts not stored yet, with one outbox row per channel; how many were
    new. Unique per (period, stage), like a ticket's per (ticket, target, stage)."""
    rows = [
        {
            "obligation_period_key": alert.period_key,
            "target_id": alert.obligation_id,
            "stage": alert.stage,
            "occurred_at": alert.occurred_at,
            "payload": json.dumps(alert.facts, ensure_ascii=False),
        }
        for alert in alerts
    ]
    channels = [alert.channels for alert in alerts]
    return _add(connection, ("obligation_period_key", "stage"), rows, channels, now)


def _add(
    connection: Connection,
    key: tuple[str, ...],
    rows: list[dict[str, Any]],
    channels: list[tuple[str, ...]],
    now: datetime,
) -> int:
    """Insert the alert rows that are new by `key` (a unique key of the table) and an outbox
    row per channel of each one inserted."""
    if not rows:
        return 0
    statement = (
        dialect_insert(connection)(ALERT)
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(ALERT.c.id, *(ALERT.c[name] for name in key))
    )
    by_key = {
        tuple(row[name] for name in key): wanted for row, wanted in zip(rows, channels, strict=True)
    }
    deliveries: list[dict[str, Any]] = []
    added = 0
    for offset in range(0, len(rows), _BATCH):
        for row in connection.execute(statement, rows[offset : offset + _BATCH]):
            added += 1
            deliveries.extend(
                {
                    "alert_id": row.id,
                    "channel": channel,
                    "created_at": now,
                    "attempts": 0,
                    "failures": 0,
                    "next_attempt_at": now,
                }
                for channel in by_key[tuple(row)[1:]]
            )
    for offset in range(0, len(deliveries), _BATCH):
        connection.execute(DELIVERY.insert(), deliveries[offset : offset + _BATCH])
    return added


def announced(connection: Connection, keys: Collection[tuple[int, str]], stage: str) -> set[Any]:
    """Which of the (ticket, target) keys already have an alert of `stage`."""
    found: set[tuple[int, str]] = set()
    wanted = list(keys)
    columns = (ALERT.c.ticket_pk, ALERT.c.target_id)
    for offset in range(0, len(wanted), _BATCH):
        chunk = wanted[offset : offset + _BATCH]
        query = select(*columns).where(ALERT.c.stage == stage, tuple_(*columns).in_(chunk))
        found.update((row.ticket_pk, row.target_id) for row in connection.execute(query))
    return found


@dataclass(frozen=True, slots=True)
class Claimed:
    """A delivery a sender holds until `lease_until`, with what it has to send."""

    id: int
    channel: str
    attempts: int
    failures: int
    stage: str
    facts: dict[str, Any]
    token: str  # the claim's lease token


def _due(now: datetime) -> Any:
    return and_(
        DELIVERY.c.acknowledged_at.is_(None),
        DELIVERY.c.failed_at.is_(None),
        DELIVERY.c.next_attempt_at <= now,
        or_(DELIVERY.c.claimed_until.is_(None), DELIVERY.c.claimed_until < now),
    )


def claim_due(
    engine: Engine, now: datetime, lease_until: datetime, limit: int, token: str | None = None
) -> list[Claimed]:
    """Claim up to `limit` due deliveries for one sender; others skip what is claimed.

    The claim's rows carry `token` (a fresh one unless given) until answered or handed back.
    """
    token = token or uuid.uuid4().hex
    due = select(DELIVERY.c.id).where(_due(now)).order_by(DELIVERY.c.next_attempt_at, DELIVERY.c.id)
    due = due.limit(limit).with_for_update(skip_locked=True)  # rendered on PostgreSQL only
    claim = (
        update(DELIVERY)
        .where(DELIVERY.c.id.in_(due.scalar_subquery()), _due(now))
        .values(claimed_until=lease_until, lease_token=token, attempts=DELIVERY.c.attempts + 1)
        .returning(
            DELIVERY.c.id,
            DELIVERY.c.alert_id,
            DELIVERY.c.channel,
            DELIVERY.c.attempts,
            DELIVERY.c.failures,
        )
    )
    with engine.begin() as connection:
        claimed = connection.execute(claim).all()
        if not claimed:
            return []
        alert_ids = {row.alert_id for row in claimed}
        alerts = {
            row.id: row
            for row in connection.execute(
                select(ALERT.c.id, ALERT.c.stage, ALERT.c.payload).where(ALERT.c.id.in_(alert_ids))
            )
        }
    return [
        Claimed(
            row.id,
            row.channel,
            row.attempts,
            row.failures,
            alerts[row.alert_id].stage,
            json.loads(alerts[row.alert_id].payload),
            token,
        )
        for row in sorted(claimed, key=lambda row: row.id)
    ]


def _held(token: str) -> Any:
    """The rows of one claim that are still its own and still to send."""
    return and_(
        DELIVERY.c.lease_token == token,
        DELIVERY.c.acknowledged_at.is_(None),
        DELIVERY.c.failed_at.is_(None),
    )


def renew(engine: Engine, token: str, lease_until: datetime) -> set[int]:
    """Extend the lease of every row the claim still holds; the ids of those rows.

    A row missing from the answer was answered, or its lease ran out and another sender
    claimed it: it must not be sent by this one.
    """
    statement = (
        update(DELIVERY)
        .where(_held(token))
        .values(claimed_until=lease_until)
        .returning(DELIVERY.c.id)
    )
    with engine.begin() as connection:
        return set(connection.execute(statement).scalars())


def hand_back(engine: Engine, token: str) -> int:
    """Release the rows of a claim that were not sent (a stopping sender): due again at once,
    and their claim not counted as an attempt. How many."""
    statement = (
        update(DELIVERY)
        .where(_held(token))
        .values(claimed_until=None, lease_token=None, attempts=DELIVERY.c.attempts - 1)
    )
    with engine.begin() as connection:
        return connection.execute(statement).rowcount


def acknowledge(engine: Engine, delivery_id: int, now: datetime) -> None:
    """The channel took it: never sent again, whoever holds the lease by now."""
    with engine.begin() as connection:
        connection.execute(
            update(DELIVERY)
            .where(DELIVERY.c.id == delivery_id, DELIVERY.c.acknowledged_at.is_(None))
            .values(acknowledged_at=now, claimed_until=None, lease_token=None)
        )


def retry_later(
    engine: Engine, delivery_id: int, token: str, error: str, next_attempt_at: datetime
) -> None:
    _record_failure(engine, delivery_id, token, error, next_attempt_at=next_attempt_at)


def give_up(engine: Engine, delivery_id: int, token: str, error: str, now: datetime) -> None:
    """A permanent failure (the channel refused the message itself): kept, never retried."""
    _record_failure(engine, delivery_id, token, error, failed_at=now)


def _record_failure(
    engine: Engine, delivery_id: int, token: str, error: str, **values: datetime
) -> None:
    """One more failed attempt, its error, and when to try again (or that it never will);
    nothing if the claim `token` no longer holds the row (its new holder decides)."""
    with engine.begin() as connection:
        connection.execute(
            update(DELIVERY)
            .where(DELIVERY.c.id == delivery_id, _held(token))
            .values(
                failures=DELIVERY.c.failures + 1,
                last_error=error[:2000],
                claimed_until=None,
                lease_token=None,
                **values,
            )
        )


def next_due(engine: Engine) -> datetime | None:
    """The earliest next attempt of a delivery still to make."""
    query = select(func.min(DELIVERY.c.next_attempt_at)).where(
        DELIVERY.c.acknowledged_at.is_(None), DELIVERY.c.failed_at.is_(None)
    )
    with engine.connect() as connection:
        value: datetime | None = connection.execute(query).scalar()
    return value
