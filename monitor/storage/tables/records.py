"""Inspection records (巡检) and satisfaction survey replies."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import optional_time, required_time


class InspectionRow(SQLModel, table=True):
    """One line of an inspection sheet (巡检); unique by (source, record_key)."""

    __tablename__ = "inspection"
    __table_args__ = (
        UniqueConstraint("source", "record_key", name="uq_inspection_source_record_key"),
        Index("ix_inspection_inspected_at", "inspected_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    # The sheet's record number, or date|pool|item|inspector when it has none.
    record_key: str = Field(max_length=400)
    inspected_at: datetime = required_time()
    pool: str | None = Field(default=None, max_length=100)
    inspector: str | None = Field(default=None, max_length=200)
    item: str = Field(max_length=200)
    result: str = Field(max_length=20)  # normal / abnormal
    finding: str | None = Field(default=None, sa_column=Column(Text))
    measure: str | None = Field(default=None, sa_column=Column(Text))
    resolved_at: datetime | None = optional_time()
    resolution_record: str | None = Field(default=None, sa_column=Column(Text))
    evidence_ref: str | None = Field(default=None, sa_column=Column(Text))
    ticket_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = required_time()
    updated_at: datetime = required_time()


class SurveyReplyRow(SQLModel, table=True):
    """One unit's reply to one satisfaction survey; a later reply of the unit replaces it."""

    __tablename__ = "survey_reply"
    __table_args__ = (
        UniqueConstraint("source", "survey", "unit", name="uq_survey_reply_source_survey_unit"),
        Index("ix_survey_reply_replied_at", "replied_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    survey: str = Field(default="", max_length=200)
    unit: str = Field(max_length=200)
    replied_at: datetime = required_time()
    rating: str = Field(max_length=30)
    pool: str | None = Field(default=None, max_length=100)
    respondent: str | None = Field(default=None, max_length=200)
    answers: str | None = Field(default=None, sa_column=Column(Text))  # JSON question → rating
    comment: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = required_time()
    updated_at: datetime = required_time()
