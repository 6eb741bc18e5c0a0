"""The live service's API tokens, alerts and their delivery outbox."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import optional_time, required_time


class ApiTokenRow(SQLModel, table=True):
    """A bearer token for the HTTP API; only its SHA-256 is kept, the token is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    token_hash: str = Field(max_length=64, unique=True)  # hex SHA-256 of the token
    # The one source the token writes; None: a token for reads only (migration 0010).
    source: str | None = Field(default=None, max_length=100)
    # The pools it reads and writes, a JSON list; None: every pool.
    pools: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: datetime = required_time()
    revoked_at: datetime | None = optional_time()


class AlertRow(SQLModel, table=True):
    """One stage (at_risk, breached, resolved) of one target on one ticket, or one stage
    (at_risk, missed) of one obligation period: announced once."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("ticket_pk", "target_id", "stage", name="uq_alert_ticket_target_stage"),
        UniqueConstraint("obligation_period_key", "stage", name="uq_alert_obligation_period_stage"),
        CheckConstraint(
            "(ticket_pk IS NULL) <> (obligation_period_key IS NULL)",
            name="ck_alert_ticket_or_obligation_period",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_pk: int | None = Field(default=None, foreign_key="ticket.id", ondelete="CASCADE")
    # An obligation period's natural key (obligation|subject|pool|period start): the stored
    # periods are replaced by every evaluation, so their row ids do not last.
    obligation_period_key: str | None = Field(default=None, max_length=400)
    target_id: str = Field(max_length=100)  # a ticket's target, or the obligation's id
    stage: str = Field(max_length=20)
    occurred_at: datetime = required_time()
    # The facts of the message as they were at that moment (JSON), rendered per channel.
    payload: str = Field(sa_column=Column(Text, nullable=False))


class AlertDeliveryRow(SQLModel, table=True):
    """The outbox: one alert to one channel, retried with backoff until acknowledged."""

    __tablename__ = "alert_delivery"
    __table_args__ = (
        UniqueConstraint("alert_id", "channel", name="uq_alert_delivery_alert_channel"),
        Index("ix_alert_delivery_due", "acknowledged_at", "failed_at", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int = Field(foreign_key="alert.id", ondelete="CASCADE")
    channel: str = Field(max_length=100)
    created_at: datetime = required_time()
    attempts: int = 0
    failures: int = 0
    next_attempt_at: datetime = required_time()
    claimed_until: datetime | None = optional_time()  # a sender's lease; expired, anyone may retry
    # The claim holding the lease: only its sender may send, renew or record an answer.
    lease_token: str | None = Field(default=None, max_length=32)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    acknowledged_at: datetime | None = optional_time()
    failed_at: datetime | None = optional_time()  # a permanent failure: never retried
