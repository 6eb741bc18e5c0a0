"""The dashboard's users, waivers and their requests and appeals, and the audit log."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, text
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import optional_time, required_time


class DashboardUserRow(SQLModel, table=True):
    """A dashboard user: a role and the pools or user units it may see; never a plain password."""

    __tablename__ = "dashboard_user"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200, unique=True)
    role: str = Field(max_length=20)  # supervisor | owner | operator | user_unit
    pools: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list
    units: str = Field(default="[]", sa_column=Column(Text, nullable=False))  # JSON list
    # scrypt$N$r$p$salt$hash (monitor.domain.passwords); None: single sign-on (OIDC) only.
    password_hash: str | None = Field(default=None, max_length=300)
    created_at: datetime = required_time()
    updated_at: datetime = required_time()


class WaiverRow(SQLModel, table=True):
    """A waiver in force of one violation (ticket, target), put there by the supervisor who
    approved its request or overturned its appeal; revoked_at set when withdrawn. Only
    approved waivers are rows here, so every reader that counts this table counts only those."""

    __tablename__ = "waiver"
    __table_args__ = (
        Index("ix_waiver_ticket_target", "ticket_pk", "target_id"),
        # At most one waiver in force per violation, whoever writes concurrently.
        Index(
            "uq_waiver_active",
            "ticket_pk",
            "target_id",
            unique=True,
            sqlite_where=text("revoked_at IS NULL"),
            postgresql_where=text("revoked_at IS NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_pk: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    target_id: str = Field(max_length=100)
    status_waived: str = Field(max_length=20)  # the violation's status when it was waived
    reason: str = Field(sa_column=Column(Text, nullable=False))
    attachment_ref: str | None = Field(default=None, sa_column=Column(Text))
    waived_by: str = Field(max_length=200)
    waived_at: datetime = required_time()
    revoked_by: str | None = Field(default=None, max_length=200)
    revoked_at: datetime | None = optional_time()
    revoke_reason: str | None = Field(default=None, sa_column=Column(Text))


class WaiverRequestRow(SQLModel, table=True):
    """A request to waive one violation, or an appeal (申诉) against it, and its decision.

    kind: waiver | appeal. state: pending, then approved | rejected (a waiver request) or
    overturned | upheld (an appeal); approved and overturned put a waiver in force (waiver_id).
    """

    __tablename__ = "waiver_request"
    __table_args__ = (
        Index("ix_waiver_request_ticket_target", "ticket_pk", "target_id"),
        # One open question per violation at a time, whoever writes concurrently.
        Index(
            "uq_waiver_request_pending",
            "ticket_pk",
            "target_id",
            unique=True,
            sqlite_where=text("state = 'pending'"),
            postgresql_where=text("state = 'pending'"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)
    ticket_pk: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    target_id: str = Field(max_length=100)
    status_at_request: str = Field(max_length=20)  # the violation's status when asked
    reason: str = Field(sa_column=Column(Text, nullable=False))
    evidence_ref: str | None = Field(default=None, sa_column=Column(Text))
    requested_by: str = Field(max_length=200)
    requested_at: datetime = required_time()
    state: str = Field(default="pending", max_length=12)
    decided_by: str | None = Field(default=None, max_length=200)
    decided_at: datetime | None = optional_time()
    decision_comment: str | None = Field(default=None, sa_column=Column(Text))
    waiver_id: int | None = Field(default=None, foreign_key="waiver.id")


class AuditLogRow(SQLModel, table=True):
    """Every change made through the dashboard or `slamon users`: who, when, what."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = required_time()
    actor: str = Field(max_length=200)
    action: str = Field(max_length=50)  # waiver.request | waiver.approve | user.add …
    subject: str = Field(max_length=400)  # e.g. sample/GZ-2022-0102/major.restore
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
