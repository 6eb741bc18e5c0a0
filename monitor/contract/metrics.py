"""The contract's metric sections: availability, utilisation, idle resources and their scores.

Kept apart from monitor.contract.model (which holds them as fields) so that file stays about
tickets.
Percentages are written as percentages (99.95, not 0.9995), like the contract text.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from monitor.contract.indicator_names import INDICATOR_NAMES_EN
from monitor.contract.strict import StrictModel
from monitor.domain.durations import parse_duration
from monitor.domain.message import InvalidValue, Message


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


class ResourceClass(StrictModel):
    """A class of resource (云主机, 网络 …) and the availability the contract promises for it."""

    name_zh: str
    target: float | None = Field(default=None, gt=0, le=100)  # percent; None: no target


class MaintenanceWindow(StrictModel):
    """An approved maintenance window: its time is neither uptime nor downtime."""

    start: datetime  # without an offset: the contract's time zone
    end: datetime
    approved_by: str = Field(min_length=1)
    reason: str | None = None
    # Empty: every resource. Otherwise a resource matches any of the three.
    classes: tuple[str, ...] = ()
    pools: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise InvalidValue(
                Message(
                    "维护窗口的结束时间须晚于开始时间",
                    "a maintenance window must end after it starts",
                )
            )
        return self


def _default_classes() -> dict[str, ResourceClass]:
    return {
        "vm": ResourceClass(name_zh="云主机", target=99.95),
        "physical": ResourceClass(name_zh="物理机", target=99.95),
        "network": ResourceClass(name_zh="网络", target=99.9),
        "power": ResourceClass(name_zh="电力", target=99.99),
        "backup": ResourceClass(name_zh="备份服务", target=99.95),
        "storage": ResourceClass(name_zh="存储分区"),
    }


class AvailabilityConfig(StrictModel):
    classes: dict[str, ResourceClass] = Field(default_factory=_default_classes)
    # Below this share of the counted time with evidence, a figure is a finding of its own.
    coverage_floor: float = Field(default=0.9, gt=0, le=1)
    missing_evidence_fails: bool = True
    # Resources without samples: take the operator's outage records as complete (the 2022
    # method). Off by default: slamon exists to measure independently.
    outage_records_as_evidence: bool = False
    burn_rate_windows: tuple[timedelta, ...] = (
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(days=3),
    )
    at_risk_fraction: float | None = Field(default=None, gt=0, lt=1)  # None: the contract's
    maintenance_windows: tuple[MaintenanceWindow, ...] = ()

    @field_validator("burn_rate_windows", mode="before")
    @classmethod
    def _windows(cls, value: Any) -> Any:
        return tuple(_duration(item) for item in value) if isinstance(value, list) else value


class ServiceHours(StrictModel):
    """When utilisation is measured: e.g. working days 08:30–18:00 (nights are not sized on)."""

    days: Literal["working_days", "all"] = "working_days"
    start: time = time(8, 30)
    end: time = time(18, 0)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.end <= self.start:
            raise InvalidValue(
                Message(
                    "服务时段须在同一天内结束，且结束晚于开始",
                    "service hours must end after they start on the same day",
                )
            )
        return self


class UtilisationConfig(StrictModel):
    service_hours: ServiceHours | None = ServiceHours()  # None: around the clock


class IdleConfig(StrictModel):
    """When a host or storage partition is idle and must be reclaimed (回收)."""

    host_classes: tuple[str, ...] = ("vm", "physical")
    host_window: timedelta = timedelta(days=14)
    host_average_below: float = 5
    host_peak_below: float = 10
    storage_classes: tuple[str, ...] = ("storage",)
    storage_months: int = Field(default=2, ge=1, le=12)
    storage_below: float = 5
    grace: timedelta = timedelta(days=30)  # from detection to the reclaim deadline

    @field_validator("host_window", "grace", mode="before")
    @classmethod
    def _durations(cls, value: Any) -> Any:
        return _duration(value)


class Band(StrictModel):
    min: float
    points: float


class ResourceAvailabilityRule(StrictModel):
    """项目资源可用率: full marks, minus a deduction per started percentage point below target."""

    name_zh: str = "项目资源可用率"
    name_en: str = INDICATOR_NAMES_EN["resource_availability"]
    max_points: float = Field(default=1, gt=0)
    classes: tuple[str, ...] = ("vm", "physical")
    target: float = Field(default=99.95, gt=0, le=100)
    deduction_per_point: float = Field(default=0.5, gt=0)
    floor: float = 0


class AllMetRule(StrictModel):
    """Full marks when every listed class meets its availability target (and every listed
    ticket target is met), otherwise `points_if_not_met`."""

    name_zh: str
    name_en: str = ""  # a contract file's section without one gets its indicator's default
    max_points: float = Field(gt=0)
    classes: tuple[str, ...]
    ticket_targets: tuple[str, ...] = ()
    points_if_not_met: float = 0


class BandRule(StrictModel):
    """Points by the band a utilisation percentage falls in; no evidence scores the lowest band."""

    name_zh: str
    name_en: str = ""  # a contract file's section without one gets its indicator's default
    max_points: float = Field(gt=0)
    bands: tuple[Band, ...]
    pool: str | None = None  # one pool; None: every pool, combined by `combine`
    combine: Literal["lowest", "mean"] = "lowest"

    @model_validator(mode="after")
    def _bands(self) -> Self:
        if not self.bands:
            raise InvalidValue(Message("至少列出一个评分档", "list at least one band"))
        if any(band.points > self.max_points for band in self.bands):
            raise InvalidValue(
                Message(
                    "某一档的得分超过了满分 max_points", "a band cannot give more than max_points"
                )
            )
        return self

    def points_for(self, percent: float | None) -> float:
        if percent is not None:
            for band in sorted(self.bands, key=lambda band: band.min, reverse=True):
                if percent >= band.min:
                    return band.points
        return min(band.points for band in self.bands)


class IdleReclaimRule(StrictModel):
    name_zh: str = "主机闲置资源回收率"
    name_en: str = INDICATOR_NAMES_EN["idle_reclaim"]
    max_points: float = Field(default=3, gt=0)
    deduction_per_resource: float = Field(default=1, gt=0)
    floor: float = 0


def default_normal_operation() -> AllMetRule:
    return AllMetRule(
        name_zh="项目正常运行率",
        name_en=INDICATOR_NAMES_EN["normal_operation"],
        max_points=1,
        classes=("network", "power"),
    )


def default_backup_service() -> AllMetRule:
    return AllMetRule(
        name_zh="项目备份服务",
        name_en=INDICATOR_NAMES_EN["backup_service"],
        max_points=2,
        classes=("backup",),
        ticket_targets=("restore.response", "restore.duration"),
    )


def default_first_pool_utilisation() -> BandRule:
    return BandRule(
        name_zh="第一资源池云资源利用率",
        name_en=INDICATOR_NAMES_EN["first_pool_utilisation"],
        max_points=2,
        pool="一云",
        bands=(Band(min=65, points=2), Band(min=60, points=1), Band(min=0, points=0)),
    )


def default_cloud_usage() -> BandRule:
    points = ((70, 10), (60, 9), (50, 8), (40, 7), (30, 6), (20, 5), (0, 0))
    return BandRule(
        name_zh="云资源和云存储资源使用率",
        name_en=INDICATOR_NAMES_EN["cloud_usage"],
        max_points=10,
        bands=tuple(Band(min=low, points=score) for low, score in points),
    )


def check_metric_references(
    availability: AvailabilityConfig,
    idle: IdleConfig,
    rules: dict[str, AllMetRule | ResourceAvailabilityRule],
    target_ids: set[str],
) -> None:
    """Every class and ticket target a metric section names must exist; ValueError otherwise."""
    known = set(availability.classes)
    named: list[tuple[str, str]] = [
        *(("idle.host_classes", name) for name in idle.host_classes),
        *(("idle.storage_classes", name) for name in idle.storage_classes),
        *(
            (f"availability.maintenance_windows[{i}]", name)
            for i, window in enumerate(availability.maintenance_windows)
            for name in window.classes
        ),
        *((f"scoring.{key}", name) for key, rule in rules.items() for name in rule.classes),
    ]
    for where, name in named:
        if name not in known:
            raise InvalidValue(
                Message(
                    f"{where}：未定义的资源类别 '{name}'",
                    f"{where}: unknown resource class '{name}'",
                )
            )
    for key, rule in rules.items():
        for name in rule.classes:
            if availability.classes[name].target is None:
                raise InvalidValue(
                    Message(
                        f"scoring.{key}：资源类别 '{name}' 没有可用性目标",
                        f"scoring.{key}: class '{name}' has no availability target",
                    )
                )
        for target_id in getattr(rule, "ticket_targets", ()):
            if target_id not in target_ids:
                raise InvalidValue(
                    Message(
                        f"scoring.{key}：未定义的考核目标 '{target_id}'",
                        f"scoring.{key}: unknown target '{target_id}'",
                    )
                )
