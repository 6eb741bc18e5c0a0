"""The database tables; schema changes go through Alembic (monitor/storage/migrations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.types import UTCDateTime


def _time() -> datetime | None:
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))  # type: ignore[no-any-return]


class TicketRow(SQLModel, table=True):
    """A ticket as last imported from its source; unique by (source, ticket_id)."""

    __tablename__ = "ticket"
    __table_args__ = (
        UniqueConstraint("source", "ticket_id", name="uq_ticket_source_ticket_id"),
        Index("ix_ticket_kind_reported", "kind", "reported_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    ticket_id: str = Field(max_length=200)
    kind: str = Field(max_length=50)
    severity: str | None = Field(default=None, max_length=50)
    pool: str | None = Field(default=None, max_length=100, index=True)
    operator: str | None = Field(default=None, max_length=200)
    user_unit: str | None = Field(default=None, max_length=200)
    system: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, sa_column=Column(Text))
    reported_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    responded_at: datetime | None = _time()
    arrived_at: datetime | None = _time()
    user_notified_at: datetime | None = _time()
    restored_at: datetime | None = _time()
    confirmed_at: datetime | None = _time()
    report_submitted_at: datetime | None = _time()
    closed_at: datetime | None = _time()
    restore_size_gb: float | None = None
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class ImportRunRow(SQLModel, table=True):
    """One import of one file: what was read, stored, left unchanged and rejected."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    path: str = Field(sa_column=Column(Text, nullable=False))
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    rows_read: int = 0
    rows_stored: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0


class RejectedRow(SQLModel, table=True):
    """An input row that could not be stored, kept whole with the reason so nothing is lost."""

    __tablename__ = "rejected_row"

    id: int | None = Field(default=None, primary_key=True)
    import_run_id: int = Field(foreign_key="import_run.id", index=True)
    line: int
    ticket_id: str | None = Field(default=None, max_length=200)
    column_name: str | None = Field(default=None, max_length=100)
    reason: str = Field(sa_column=Column(Text, nullable=False))
    raw: str = Field(sa_column=Column(Text, nullable=False))  # the row as JSON, original values


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
    start: datetime | None = _time()
    deadline: datetime | None = _time()
    stop: datetime | None = _time()
    overdue_seconds: int | None = None
    at_risk_from: datetime | None = _time()
    # When the status last changed, and when the result first became a violation.
    status_since: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    first_violation_at: datetime | None = _time()


class ResultChangeRow(SQLModel, table=True):
    """A status flip of one target on one ticket: the history behind alerts and audits."""

    __tablename__ = "result_change"
    __table_args__ = (Index("ix_result_change_ticket_target", "ticket_pk", "target_id"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_pk: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    target_id: str = Field(max_length=100)
    from_status: str | None = Field(default=None, max_length=20)
    to_status: str = Field(max_length=20)
    changed_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class EvaluationRunRow(SQLModel, table=True):
    """One evaluation of every ticket: the instant it evaluated as of, and what it found."""

    __tablename__ = "evaluation_run"

    id: int | None = Field(default=None, primary_key=True)
    evaluated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ran_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    contract: str = Field(max_length=200)
    tickets: int
    results: int
    violations: int
    changes: int
