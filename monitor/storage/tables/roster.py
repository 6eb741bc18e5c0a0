"""The duty roster (值班表): one row for each person on each shift of a pool."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import required_time


class DutyShiftRow(SQLModel, table=True):
    """One person on duty for one pool over [start, end); the shift's day and name as the
    roster writes them."""

    __tablename__ = "duty_shift"
    __table_args__ = (
        UniqueConstraint("source", "pool", "start", "person", name="uq_duty_shift_source_key"),
        Index("ix_duty_shift_start", "start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    pool: str = Field(max_length=100)
    shift_date: date  # the roster's day the shift starts on (local)
    shift_name: str | None = Field(default=None, max_length=100)
    start: datetime = required_time()
    end: datetime = required_time()
    person: str = Field(max_length=200)
    phone: str | None = Field(default=None, max_length=50)
    created_at: datetime = required_time()
    updated_at: datetime = required_time()
