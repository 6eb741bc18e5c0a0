"""Tickets as imported, the import runs and their rejected rows, and the status histories
of tickets from sources that record them (events, then the derived pauses, reopens and
severity changes)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import optional_time, required_time


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
    reported_at: datetime = required_time()
    responded_at: datetime | None = optional_time()
    arrived_at: datetime | None = optional_time()
    user_notified_at: datetime | None = optional_time()
    restored_at: datetime | None = optional_time()
    confirmed_at: datetime | None = optional_time()
    report_submitted_at: datetime | None = optional_time()
    closed_at: datetime | None = optional_time()
    restore_size_gb: float | None = None
    regulator_reported_at: datetime | None = optional_time()  # 监管报告时间 (migration 0005)
    created_at: datetime = required_time()
    updated_at: datetime = required_time()


class ImportRunRow(SQLModel, table=True):
    """One import of one file: what was read, stored, left unchanged and rejected."""

    __tablename__ = "import_run"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    path: str = Field(sa_column=Column(Text, nullable=False))
    started_at: datetime = required_time()
    rows_read: int = 0
    rows_stored: int = 0
    rows_unchanged: int = 0
    rows_rejected: int = 0
    # The api_token row that sent the batch; None for a file or a collector (migration 0010).
    token_id: int | None = None


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
    # Which table the row was meant for (None: ticket, the only kind until 0002) and its key there.
    target_table: str | None = Field(default=None, max_length=50)
    row_key: str | None = Field(default=None, max_length=200)


class TicketEventRow(SQLModel, table=True):
    """One row of a ticket's status history as the source recorded it; imported once."""

    __tablename__ = "ticket_event"
    __table_args__ = (
        UniqueConstraint("source", "ticket_id", "at", "sequence", name="uq_ticket_event_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    ticket_id: str = Field(max_length=200)
    at: datetime = required_time()
    sequence: int = 0  # the source's update counter (sys_mod_count …), else the row's order
    status: str | None = Field(default=None, max_length=100)  # the source's own status value
    severity: str | None = Field(default=None, max_length=50)  # already a contract key
    hold_reason: str | None = Field(default=None, max_length=100)


class TicketHistoryRow(SQLModel, table=True):
    """A pause, a reopen or a severity change of a ticket, derived from its status history."""

    __tablename__ = "ticket_history"
    __table_args__ = (Index("ix_ticket_history_ticket", "ticket_pk"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_pk: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    kind: str = Field(max_length=20)  # pause | reopen | severity
    start: datetime = required_time()
    end: datetime | None = optional_time()  # a pause still open: None
    value: str | None = Field(default=None, max_length=50)  # pause reason or new severity
