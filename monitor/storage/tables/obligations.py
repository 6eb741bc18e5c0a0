"""The contract's periodic obligations (履约事项): the evidence that a duty was done, and each
obligation period's stored clock."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import optional_time, required_time


class ObligationEvidenceRow(SQLModel, table=True):
    """One piece of evidence (a drill's minutes, a report sent, a test certificate) or one
    vulnerability notice; unique by (source, record_key)."""

    __tablename__ = "obligation_evidence"
    __table_args__ = (
        UniqueConstraint("source", "record_key", name="uq_obligation_evidence_source_record_key"),
        Index("ix_obligation_evidence_obligation", "obligation_id", "done_on"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    # The file's record number, else obligation|subject|day done (a notice: obligation|subject).
    record_key: str = Field(max_length=400)
    obligation_id: str = Field(max_length=100)
    # The system (业务系统) of a per-system duty, or the notice number of an event-triggered one.
    subject: str | None = Field(default=None, max_length=200)
    pool: str | None = Field(default=None, max_length=100)
    # The period it is for (2022, 2022-Q1, 2022-01, 2022-W05); None: the earliest one owed
    # whose window holds the day it was done.
    period: str | None = Field(default=None, max_length=10)
    noticed_on: date | None = None  # the day an event-triggered duty's notice was issued
    done_on: date | None = None  # None: a notice not yet dealt with
    document_ref: str | None = Field(default=None, sa_column=Column(Text))
    done_by: str | None = Field(default=None, max_length=200)
    created_at: datetime = required_time()
    updated_at: datetime = required_time()


class ObligationPeriodRow(SQLModel, table=True):
    """One obligation's clock over one period (a year, a quarter, a month, a week, a notice),
    for one subject and pool ('' when the duty has none), as the last evaluation found it."""

    __tablename__ = "obligation_period"
    __table_args__ = (
        UniqueConstraint(
            "obligation_id",
            "subject",
            "pool",
            "period_start",
            name="uq_obligation_period_obligation_subject_pool_start",
        ),
        Index("ix_obligation_period_due_at", "due_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    obligation_id: str = Field(max_length=100)
    subject: str = Field(default="", max_length=200)
    pool: str = Field(default="", max_length=100)
    period_start: date
    period_end: date  # exclusive
    due_at: datetime = required_time()
    at_risk_at: datetime = required_time()
    required: int
    done: int
    met_at: datetime | None = optional_time()  # when the requirement was fulfilled
    status: str = Field(max_length=20)
    # JSON: the evidence counted (document, day, who) or the units covered.
    evidence: str | None = Field(default=None, sa_column=Column(Text))
    evaluated_at: datetime = required_time()
