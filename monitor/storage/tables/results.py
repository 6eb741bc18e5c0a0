"""Target results, their status flips, and the evaluation runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import optional_time, required_time


class TargetResultRow(SQLModel, table=True):
    """The latest verdict of one target on one ticket; violations are breached/missing_evidence."""

    __tablename__ = "target_result"
    __table_args__ = (
        UniqueConstraint("ticket_pk", "target_id", name="uq_target_result_ticket_target"),
        Index("ix_target_result_status", "status"),
        Index("ix_target_result_contract_version", "contract_version"),
        # The running clocks only, for the next moment one turns (monitor.storage.live).
        Index(
            "ix_target_result_pending_at_risk_from",
            "at_risk_from",
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
        Index(
            "ix_target_result_open_deadline",
            "deadline",
            sqlite_where=text("status IN ('pending', 'at_risk')"),
            postgresql_where=text("status IN ('pending', 'at_risk')"),
        ),
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
    # The contract version that judged it (contract_version.version); None: judged by a
    # contract given in code before versions were kept.
    contract_version: str | None = Field(default=None, max_length=64)


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


class ContractVersionRow(SQLModel, table=True):
    """A contract file as it was when it first judged a result: its versions stay readable."""

    __tablename__ = "contract_version"

    version: str = Field(primary_key=True, max_length=64)  # SHA-256 of the file's text
    name: str = Field(max_length=200)
    path: str = Field(max_length=1000)
    content: str = Field(sa_column=Column(Text(), nullable=False))
    first_used_at: datetime = required_time()


class RejudgeRow(SQLModel, table=True):
    """One rejudging: who re-evaluated which tickets under the contracts in force, and why."""

    __tablename__ = "rejudge"

    id: int | None = Field(default=None, primary_key=True)
    ran_at: datetime = required_time()
    evaluated_at: datetime = required_time()
    actor: str = Field(max_length=200)
    reason: str = Field(sa_column=Column(Text(), nullable=False))
    reported_from: datetime | None = optional_time()  # None: every ticket
    contracts: str = Field(sa_column=Column(Text(), nullable=False))  # name@version, …
    tickets: int
    changed: int


class SupersededResultRow(SQLModel, table=True):
    """A result as it stood before a rejudging replaced it: the earlier version, kept."""

    __tablename__ = "superseded_result"
    __table_args__ = (Index("ix_superseded_result_rejudge", "rejudge_id"),)

    id: int | None = Field(default=None, primary_key=True)
    rejudge_id: int = Field(foreign_key="rejudge.id", ondelete="CASCADE")
    ticket_pk: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    target_id: str = Field(max_length=100)
    status: str = Field(max_length=20)
    start: datetime | None = optional_time()
    deadline: datetime | None = optional_time()
    stop: datetime | None = optional_time()
    overdue_seconds: int | None = None
    contract_version: str | None = Field(default=None, max_length=64)


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
    # Tickets reported by then that no contract covers: listed, given no verdict.
    uncovered: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
