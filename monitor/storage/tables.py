"""The database tables; schema changes go through Alembic (monitor/storage/migrations)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Index, Text, UniqueConstraint, text
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
    regulator_reported_at: datetime | None = _time()  # 监管报告时间 (migration 0005)
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
    # Which table the row was meant for (None: ticket, the only kind until 0002) and its key there.
    target_table: str | None = Field(default=None, max_length=50)
    row_key: str | None = Field(default=None, max_length=200)


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


class ResourceRow(SQLModel, table=True):
    """A resource of the inventory (云主机, 网络, 电力 …), unique by resource_id."""

    __tablename__ = "resource"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: str = Field(max_length=200, unique=True)
    resource_class: str = Field(max_length=50, index=True)
    pool: str | None = Field(default=None, max_length=100)
    user_unit: str | None = Field(default=None, max_length=200)
    system: str | None = Field(default=None, max_length=200)
    status: str | None = Field(default=None, max_length=50)
    in_service_from: datetime | None = _time()
    reclaimed_at: datetime | None = _time()
    source: str = Field(max_length=100)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class OutageRow(SQLModel, table=True):
    """An outage record; planned and approved, it is a maintenance window."""

    __tablename__ = "outage"
    __table_args__ = (
        UniqueConstraint("source", "resource_id", "start", name="uq_outage_source_resource_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    resource_id: str = Field(max_length=200, index=True)
    start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    end: datetime | None = _time()
    planned: bool = False
    approved_by: str | None = Field(default=None, max_length=200)
    cause: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class MetricRollupRow(SQLModel, table=True):
    """Samples of one series in one UTC quarter hour: count, sum, peak, seconds covered.

    resource_id is '' for a pool-level series, pool is '' when unknown.
    """

    __tablename__ = "metric_rollup"
    __table_args__ = (
        UniqueConstraint(
            "metric", "pool", "resource_id", "bucket_start", name="uq_metric_rollup_series_bucket"
        ),
        Index("ix_metric_rollup_metric_bucket", "metric", "bucket_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    metric: str = Field(max_length=20)
    pool: str = Field(default="", max_length=100)
    resource_id: str = Field(default="", max_length=200)
    bucket_start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    samples: int
    total: float
    peak: float
    covered_seconds: float


class MetricDailyRollupRow(SQLModel, table=True):
    """The quarter-hour rollups of one series summed per UTC day (day_start is 00:00 UTC).

    Written with the quarter hours in the same transaction, so a month is read as ~30 rows
    per series plus the quarter hours of its partial first and last UTC days.
    """

    __tablename__ = "metric_rollup_daily"
    __table_args__ = (
        UniqueConstraint(
            "metric", "pool", "resource_id", "day_start", name="uq_metric_rollup_daily_series_day"
        ),
        Index("ix_metric_rollup_daily_metric_day", "metric", "day_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    metric: str = Field(max_length=20)
    pool: str = Field(default="", max_length=100)
    resource_id: str = Field(default="", max_length=200)
    day_start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    samples: int
    total: float
    peak: float
    covered_seconds: float


class UsageFigureRow(SQLModel, table=True):
    """A monthly utilisation figure (percent) from the operator's report, pool or resource."""

    __tablename__ = "usage_figure"
    __table_args__ = (
        UniqueConstraint(
            "source", "metric", "pool", "resource_id", "month", name="uq_usage_figure_key"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    metric: str = Field(max_length=20)
    pool: str = Field(default="", max_length=100)
    resource_id: str = Field(default="", max_length=200)
    month: str = Field(max_length=7)  # YYYY-MM in the contract's zone
    value: float
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CollectorStateRow(SQLModel, table=True):
    """How far a collector has fetched: everything up to the watermark is stored."""

    __tablename__ = "collector_state"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    watermark: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


class CollectorRunRow(SQLModel, table=True):
    """One collection: the range it covered and, when the source failed, why (a data gap)."""

    __tablename__ = "collector_run"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, index=True)
    started_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    range_from: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    range_to: datetime | None = _time()  # how far it got
    samples: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))


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
    inspected_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    pool: str | None = Field(default=None, max_length=100)
    inspector: str | None = Field(default=None, max_length=200)
    item: str = Field(max_length=200)
    result: str = Field(max_length=20)  # normal / abnormal
    finding: str | None = Field(default=None, sa_column=Column(Text))
    measure: str | None = Field(default=None, sa_column=Column(Text))
    resolved_at: datetime | None = _time()
    resolution_record: str | None = Field(default=None, sa_column=Column(Text))
    evidence_ref: str | None = Field(default=None, sa_column=Column(Text))
    ticket_id: str | None = Field(default=None, max_length=200)
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


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
    replied_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    rating: str = Field(max_length=30)
    pool: str | None = Field(default=None, max_length=100)
    respondent: str | None = Field(default=None, max_length=200)
    answers: str | None = Field(default=None, sa_column=Column(Text))  # JSON question → rating
    comment: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


# --- the dashboard: users, waivers, the audit log, and the indexes its queries use ---


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
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


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
    waived_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_by: str | None = Field(default=None, max_length=200)
    revoked_at: datetime | None = _time()
    revoke_reason: str | None = Field(default=None, sa_column=Column(Text))


class AuditLogRow(SQLModel, table=True):
    """Every change made through the dashboard or `slamon users`: who, when, what."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_at", "at"),)

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    actor: str = Field(max_length=200)
    action: str = Field(max_length=50)  # waiver.create | waiver.revoke | user.add …
    subject: str = Field(max_length=400)  # e.g. sample/GZ-2022-0102/major.restore
    details: str = Field(default="{}", sa_column=Column(Text, nullable=False))  # JSON


# The dashboard's overview and search read tickets by report time and open state, and open
# clocks by deadline; declared here so the metadata matches migration 0006.
Index("ix_ticket_reported_at", TicketRow.__table__.c.reported_at)  # type: ignore[attr-defined]
Index("ix_ticket_closed_at", TicketRow.__table__.c.closed_at)  # type: ignore[attr-defined]
Index(
    "ix_target_result_stop_deadline",
    TargetResultRow.__table__.c.stop,  # type: ignore[attr-defined]
    TargetResultRow.__table__.c.deadline,  # type: ignore[attr-defined]
)


# --- the live service: API tokens, alerts and their delivery outbox ---


class ApiTokenRow(SQLModel, table=True):
    """A bearer token for the HTTP API; only its SHA-256 is kept, the token is shown once."""

    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    token_hash: str = Field(max_length=64, unique=True)  # hex SHA-256 of the token
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: datetime | None = _time()


class AlertRow(SQLModel, table=True):
    """One stage (at_risk, breached, resolved) of one target on one ticket: announced once."""

    __tablename__ = "alert"
    __table_args__ = (
        UniqueConstraint("ticket_pk", "target_id", "stage", name="uq_alert_ticket_target_stage"),
    )

    id: int | None = Field(default=None, primary_key=True)
    ticket_pk: int = Field(foreign_key="ticket.id", ondelete="CASCADE")
    target_id: str = Field(max_length=100)
    stage: str = Field(max_length=20)
    occurred_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
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
    created_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    attempts: int = 0
    failures: int = 0
    next_attempt_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    claimed_until: datetime | None = _time()  # a sender's lease; expired, anyone may retry
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    acknowledged_at: datetime | None = _time()
    failed_at: datetime | None = _time()  # a permanent failure: never retried


# --- ticket sources: status histories and the pauses, reopens and severity changes
# derived from them ---


class TicketEventRow(SQLModel, table=True):
    """One row of a ticket's status history as the source recorded it; imported once."""

    __tablename__ = "ticket_event"
    __table_args__ = (
        UniqueConstraint("source", "ticket_id", "at", "sequence", name="uq_ticket_event_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    ticket_id: str = Field(max_length=200)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
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
    start: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    end: datetime | None = _time()  # a pause still open: None
    value: str | None = Field(default=None, max_length=50)  # pause reason or new severity
