"""Target results, their status flips, and the evaluation runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import optional_time, required_time


class TargetResultRow(SQLModel, table=True):
    """The latest verdict of one target on one ticket; violations are breached/missing_evidence."""

    __tablename__ = "target_result"
    __table_args__ = (
        UniqueConstraint("ticket_pk", "target_id", name="uq_target_result_ticket_target"),
        Index("ix_target_result_status", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_pk: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    target_id: str = Field(max_length=100)
    status: str = Field(max_length=20)
    start: datetime | None = optional_time()
    deadline: datetime | None = optional_time()
    stop: datetime | None = optional_time()
    overdue_seconds: int | None = None
    at_risk_from: datetime | None = optional_time()
    # When the status last changed, and when the result first became a violation.
    status_since: datetime = required_time()
    first_violation_at: datetime | None = optional_time()


class ResultChangeRow(SQLModel, table=True):
    """A status flip of one target on one ticket: the history behind alerts and audits."""

    __tablename__ = "result_change"
    __table_args__ = (Index("ix_result_change_ticket_target", "ticket_pk", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_pk: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    target_id: str = Field(max_length=100)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    changed_at: datetime = required_time()


class EvaluationRunRow(SQLModel, table=True):
    """One evaluation of every ticket: the instant it evaluated as of, and what it found."""

    __tablename__ = "evaluation_run"

    id: int | None = Field(default=None, primary_key=True)
    evaluated_at: datetime = required_time()
    ran_at: datetime = required_time()
    contract: str = Field(max_length=200)
    tickets: int
    results: int
    violations: int
    changes: int
