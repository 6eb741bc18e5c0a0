"""The dashboard's users, waivers and the audit log."""

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
    """A supervisor's waiver of one violation (ticket, target); revoked_at set when withdrawn."""

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


class AuditLogRow(SQLModel, table=True):
    """Every change made through the dashboard or `slamon users`: who, when, what."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = required_time()
    actor: str = Field(max_length=200)
    action: str = Field(max_length=50)  # waiver.create | waiver.revoke | user.add …
    subject: str = Field(max_length=400)  # e.g. sample/GZ-2022-0102/major.restore
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON
