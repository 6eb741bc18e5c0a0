"""Resources, outages, metric rollups (quarter hours and days), usage figures, and the
collectors' watermarks and runs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import exact_decimal, optional_time, required_time


class ResourceRow(SQLModel, table=True):
    """A resource of the inventory (云主机, 网络, 电力 …), unique by resource_id."""

    __tablename__ = "resource"

    id: int | None = Field(default=None, primary_key=True)
    resource_id: str = Field(max_length=200, unique=True)
    resource_class: str = Field(max_length=50, index=True)
    pool: str | None = Field(default=None, max_length=100)
    user_unit: str | None = Field(default=None, max_length=200)
    system: str | None = Field(default=None, max_length=200)
    protection_level: int | None = None  # 等保级别 of its system (1–5)
    status: str | None = Field(default=None, max_length=50)
    in_service_from: datetime | None = optional_time()
    reclaimed_at: datetime | None = optional_time()
    # The spec the inventory records (None: not known, so no billed quantity is judged by it).
    vcpu: Decimal | None = exact_decimal(True)
    memory_gb: Decimal | None = exact_decimal(True)
    storage_gb: Decimal | None = exact_decimal(True)
    source: str = Field(max_length=100)
    created_at: datetime = required_time()
    updated_at: datetime = required_time()


class OutageRow(SQLModel, table=True):
    """An outage record; planned and approved, it is a maintenance window."""

    __tablename__ = "outage"
    __table_args__ = (
        UniqueConstraint("source", "resource_id", "start", name="uq_outage_source_resource_start"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    resource_id: str = Field(max_length=200, index=True)
    start: datetime = required_time()
    end: datetime | None = optional_time()
    planned: bool = False
    approved_by: str | None = Field(default=None, max_length=200)
    cause: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = required_time()
    updated_at: datetime = required_time()


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
    bucket_start: datetime = required_time()
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
    day_start: datetime = required_time()
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
    created_at: datetime = required_time()
    updated_at: datetime = required_time()


class CollectorStateRow(SQLModel, table=True):
    """How far a collector has fetched: everything up to the watermark is stored."""

    __tablename__ = "collector_state"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, unique=True)
    watermark: datetime | None = optional_time()  # None: claimed, nothing stored yet
    updated_at: datetime = required_time()
    # The run collecting it (storage/collector_leases.py); expired, another process may.
    claimed_until: datetime | None = optional_time()
    lease_token: str | None = Field(default=None, max_length=32)


class CollectorRunRow(SQLModel, table=True):
    """One collection: the range it covered and, when the source failed, why (a data gap)."""

    __tablename__ = "collector_run"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100, index=True)
    started_at: datetime = required_time()
    range_from: datetime = required_time()
    range_to: datetime | None = optional_time()  # how far it got
    samples: int = 0
    error: str | None = Field(default=None, sa_column=Column(Text))
