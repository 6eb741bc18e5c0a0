"""The contract: targets, vocabularies, calendar additions and scoring, loaded from YAML.

The contract is configuration, not code. Loading validates it whole and a bad file gets one
clear error naming the file, the key and what was expected.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_core import InitErrorDetails

from monitor.contract.clocks import ClockRules, OperatorClass, check_pause_reasons
from monitor.contract.delivery import (
    DeliveredQuantitiesRule,
    ServiceDaysRule,
    UnitPriceRule,
    unknown_delivery_classes,
)
from monitor.contract.indicator_names import INDICATOR_NAMES_EN, with_english_names
from monitor.contract.metrics import (
    AllMetRule,
    AvailabilityConfig,
    BandRule,
    IdleConfig,
    IdleReclaimRule,
    ResourceAvailabilityRule,
    UtilisationConfig,
    check_metric_references,
    default_backup_service,
    default_cloud_usage,
    default_first_pool_utilisation,
    default_normal_operation,
)
from monitor.contract.obligations import (
    Obligations,
    ObligationsRule,
    check_scored_obligations,
)
from monitor.contract.schedules import Schedules
from monitor.contract.scorecard import (
    InspectionRules,
    SatisfactionRule,
    ScorecardConfig,
    SlaAssessmentRule,
    check_inspection_target,
)
from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import YamlFileError, load_yaml_model
from monitor.domain.durations import format_duration, parse_duration
from monitor.domain.message import InvalidValue, Message
from monitor.domain.tickets import EVENT_FIELDS

DEFAULT_CONTRACT_PATH = Path(__file__).resolve().parents[2] / "config/contracts/default.yaml"


class ContractError(YamlFileError):
    """A contract file that cannot be used; the message says where and why."""


class Vocabulary(StrictModel):
    """A ticket kind or severity level: its Chinese name and the spellings sources use."""

    name_zh: str
    name_en: str
    aliases: tuple[str, ...] = ()


class ClockKind(StrEnum):
    ELAPSED = "elapsed"  # 7×24 wall-clock time
    WORKING_DAYS = "working_days"  # Chinese working days, holidays and 调休 included


class ScheduleClock(StrictModel):
    """A clock that runs only while a schedule of the contract's `schedules` is open."""

    schedule: str


class Limit(StrictModel):
    """How long a target allows: a duration, N working days, or a duration per TB restored."""

    duration: timedelta | None = None
    working_days: int | None = Field(default=None, ge=1, le=366)
    per_tb: timedelta | None = None
    # A duration per operator class (the security-incident reporting rules); the contract's
    # `operator_class` picks one.
    by_operator_class: dict[OperatorClass, timedelta] | None = None
    size_field: str = "restore_size_gb"

    @model_validator(mode="before")
    @classmethod
    def _from_shorthand(cls, value: Any) -> Any:
        # "30m" is the common case; write it without a mapping.
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return {"duration": value}
        return value

    @field_validator("by_operator_class", mode="before")
    @classmethod
    def _parse_by_class(cls, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                key: parse_duration(item) if isinstance(item, str) else item
                for key, item in value.items()
            }
        return value

    @field_validator("duration", "per_tb", mode="before")
    @classmethod
    def _parse_duration(cls, value: Any) -> Any:
        if isinstance(value, str):
            return parse_duration(value)
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise InvalidValue(
                Message("时限须带单位，如 30m 或 2h", "write the unit too, e.g. 30m or 2h")
            )
        return value

    @model_validator(mode="after")
    def _exactly_one(self) -> Self:
        given = [self.duration, self.working_days, self.per_tb, self.by_operator_class]
        if sum(value is not None for value in given) != 1:
            raise InvalidValue(
                Message(
                    "时限须恰好写一种：时长（如 30m）、working_days: N、per_tb: 时长、"
                    "by_operator_class: {cii: 1h, ...}",
                    "set exactly one of: a duration (e.g. 30m), working_days: N, "
                    "per_tb: DURATION, by_operator_class: {cii: 1h, ...}",
                )
            )
        for value in (self.duration, self.per_tb, *(self.by_operator_class or {}).values()):
            if value is not None and value <= timedelta(0):
                raise InvalidValue(Message("时限须大于零", "a limit must be longer than zero"))
        if self.size_field != "restore_size_gb":
            raise InvalidValue(
                Message(
                    "size_field 只能是 restore_size_gb", "size_field can only be restore_size_gb"
                )
            )
        return self

    def describe_zh(self) -> str:
        if self.working_days is not None:
            return f"{self.working_days}个工作日"
        if self.per_tb is not None:
            return f"每TB {format_duration(self.per_tb)}"
        if self.by_operator_class is not None:
            return " / ".join(
                f"{key.value} {format_duration(value)}"
                for key, value in self.by_operator_class.items()
            )
        assert self.duration is not None
        return format_duration(self.duration)

    def describe_en(self) -> str:
        if self.working_days is not None:
            return f"{self.working_days} working days"
        if self.per_tb is not None:
            return f"{format_duration(self.per_tb)} per TB"
        return self.describe_zh()  # durations, per operator class or not, read the same


class Target(StrictModel):
    """One contract target: which tickets, which two events, how long between them."""

    id: str = Field(pattern=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
    name_zh: str
    name_en: str
    kind: str
    severities: tuple[str, ...] | None = None  # None: every severity, including none recorded
    start: str
    stop: str
    limit: Limit
    # elapsed, working_days, or {schedule: NAME}: business hours (工作时间) of `schedules`.
    clock: ClockKind | ScheduleClock = ClockKind.ELAPSED
    at_risk_fraction: float | None = Field(default=None, gt=0, lt=1)
    warn_before: timedelta | None = None
    rule_zh: str | None = None  # the contract's wording, shown next to the evidence
    # Which waiting statuses pause this target's clock; None: the contract's clocks.pause_reasons.
    pause_reasons: tuple[str, ...] | None = None

    @field_validator("pause_reasons")
    @classmethod
    def _known_pause_reasons(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return check_pause_reasons(value)

    @field_validator("start", "stop")
    @classmethod
    def _known_event(cls, value: str) -> str:
        if value not in EVENT_FIELDS:
            known = ", ".join(EVENT_FIELDS)
            raise InvalidValue(
                Message(
                    f"'{value}' 不是工单事件，可选：{known}",
                    f"'{value}' is not a ticket event; use one of {known}",
                )
            )
        return value

    @field_validator("warn_before", mode="before")
    @classmethod
    def _parse_warn_before(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.start == self.stop:
            raise InvalidValue(
                Message("start 与 stop 须是不同的事件", "start and stop must be different events")
            )
        if isinstance(self.clock, ScheduleClock) and self.limit.working_days is not None:
            raise InvalidValue(
                Message(
                    "按工作时间计时的时限须为时长（如 4h），不能是工作日数",
                    "A schedule clock needs a duration limit (e.g. 4h), not working_days: "
                    "time on a schedule is measured in hours",
                )
            )
        if (self.limit.working_days is not None) != (self.clock is ClockKind.WORKING_DAYS):
            raise InvalidValue(
                Message(
                    "以工作日计的时限须配 clock: working_days，该计时方式也只能配工作日时限",
                    "a working_days limit needs clock: working_days, and that clock needs a "
                    "working_days limit",
                )
            )
        if self.at_risk_fraction is not None and self.warn_before is not None:
            raise InvalidValue(
                Message(
                    "at_risk_fraction 与 warn_before 只能设置其一",
                    "set at_risk_fraction or warn_before, not both",
                )
            )
        return self

    @property
    def schedule(self) -> str | None:
        """The name of the schedule the clock runs on; None: an elapsed or working-day clock."""
        return self.clock.schedule if isinstance(self.clock, ScheduleClock) else None

    def applies_to(self, kind: str, severity: str | None) -> bool:
        if kind != self.kind:
            return False
        return self.severities is None or severity in self.severities


# The statutory holidays of a year (全国年节及纪念日放假办法), by the year the rules took effect:
# since 2025 元旦1 春节4 清明1 劳动节2 端午1 中秋1 国庆3; 2008–2024 元旦1 春节3 清明1 劳动节1 端午1
# 中秋1 国庆3; before 2008 元旦1 春节3 劳动节3 国庆3. A statutory day on a weekend is made up on a
# weekday, so a whole year's notice gives at least this many weekdays off.
STATUTORY_HOLIDAYS: tuple[tuple[int, int, str], ...] = (
    (2025, 13, "元旦1 春节4 清明1 劳动节2 端午1 中秋1 国庆3"),
    (2008, 11, "元旦1 春节3 清明1 劳动节1 端午1 中秋1 国庆3"),
    (0, 10, "元旦1 春节3 劳动节3 国庆3"),
)


class CalendarYear(StrictModel):
    """A year no package knows yet, as the State Council's notice lists it.

    A year is complete unless it says `partial: true`: a partial year is known from 1 January
    through its last listed day (holiday or make-up working day), and a working-day deadline
    that needs a later day of it is calendar_unknown.
    """

    holidays: tuple[date, ...] = ()
    workdays: tuple[date, ...] = ()  # make-up working days (调休) on weekends
    partial: bool = False

    @model_validator(mode="after")
    def _complete_unless_partial(self) -> Self:
        days = (*self.holidays, *self.workdays)
        if self.partial:
            if not days:
                raise InvalidValue(
                    Message(
                        "部分年份（partial: true）至少列出一天：已知范围截至所列的最后一天",
                        "a partial year lists at least one day: it is known through its last one",
                    )
                )
            return self
        # The rules of the listed days' year (CalendarConfig checks they are the key's year);
        # a year listing nothing is judged by the rules in force now.
        minimum, rule = statutory_minimum(min(days).year if days else STATUTORY_HOLIDAYS[0][0])
        weekdays = len({day for day in self.holidays if day.weekday() < 5})
        if weekdays < minimum:
            raise InvalidValue(
                Message(
                    f"全年至少有 {minimum} 个工作日放假（法定节假日 {rule}，逢周末在工作日补休），"
                    f"这里只列了 {weekdays} 个；请补全国务院办公厅通知的其余日期，"
                    "或写 partial: true（已知范围截至所列的最后一天）",
                    f"a whole year has at least {minimum} holidays on weekdays (法定节假日 "
                    f"{rule}, made up on a weekday when one falls on a weekend); {weekdays} "
                    "listed — add the rest of the State Council's notice, or write "
                    "partial: true (known through its last listed day)",
                )
            )
        return self


def statutory_minimum(year: int) -> tuple[int, str]:
    """The statutory holidays a year has under the rules in force then, and their split."""
    for since, days, rule in STATUTORY_HOLIDAYS:
        if year >= since:
            return days, rule
    raise AssertionError("the last rule applies to every year")


class CalendarConfig(StrictModel):
    years: dict[int, CalendarYear] = Field(default_factory=dict)
    holidays: tuple[date, ...] = ()  # extra days off in any year, e.g. a local holiday
    workdays: tuple[date, ...] = ()  # extra working days in any year

    @model_validator(mode="after")
    def _days_in_their_year(self) -> Self:
        for year, days in self.years.items():
            for day in (*days.holidays, *days.workdays):
                if day.year != year:
                    raise InvalidValue(
                        Message(
                            f"{day.isoformat()} 列在了 {year} 年下",
                            f"{day.isoformat()} is listed under year {year}",
                        )
                    )
        return self


class FaultTimelinessRule(StrictModel):
    """系统故障响应或维护及时性: full marks, minus a deduction per late ticket, floored."""

    name_zh: str = "系统故障响应或维护及时性"
    name_en: str = INDICATOR_NAMES_EN["fault_response_timeliness"]
    max_points: float = Field(default=3, gt=0)
    deduction_per_late: float = Field(default=1, gt=0)
    floor: float = 0
    kinds: tuple[str, ...] = ("fault",)


class Scoring(StrictModel):
    @model_validator(mode="before")
    @classmethod
    def _english_names(cls, data: Any) -> Any:
        return with_english_names(data)

    fault_response_timeliness: FaultTimelinessRule = FaultTimelinessRule()
    # The metric indicators (monitor.scorecard.metric_indicators), in `slamon score`'s order.
    resource_availability: ResourceAvailabilityRule = ResourceAvailabilityRule()
    normal_operation: AllMetRule = Field(default_factory=default_normal_operation)
    backup_service: AllMetRule = Field(default_factory=default_backup_service)
    first_pool_utilisation: BandRule = Field(default_factory=default_first_pool_utilisation)
    cloud_usage: BandRule = Field(default_factory=default_cloud_usage)
    idle_reclaim: IdleReclaimRule = IdleReclaimRule()
    # Satisfaction and the SLA assessment (monitor.measures.satisfaction,
    # monitor.scorecard.sla_assessment).
    satisfaction: SatisfactionRule = SatisfactionRule()
    sla_assessment: SlaAssessmentRule = SlaAssessmentRule()
    # Scored only where the scheme writes it (monitor.contract.obligations).
    obligations: ObligationsRule | None = None
    # Scored only where the scheme writes them (monitor.contract.delivery).
    unit_price: UnitPriceRule | None = None
    delivered_quantities: DeliveredQuantitiesRule | None = None
    service_days: ServiceDaysRule | None = None


class Scope(StrictModel):
    """Which tickets a contract judges: those of its pools and operators (absent: any)."""

    pools: tuple[str, ...] | None = Field(default=None, min_length=1)
    operators: tuple[str, ...] | None = Field(default=None, min_length=1)

    def covers(self, pool: str | None, operator: str | None) -> bool:
        return (self.pools is None or pool in self.pools) and (
            self.operators is None or operator in self.operators
        )

    def meets(self, other: Scope) -> Scope | None:
        """The tickets both scopes cover, as a scope; None when no ticket is in both."""
        shared: list[tuple[str, ...] | None] = []
        for mine, theirs in ((self.pools, other.pools), (self.operators, other.operators)):
            if mine is None or theirs is None:
                shared.append(theirs if mine is None else mine)
                continue
            both = tuple(value for value in mine if value in theirs)
            if not both:
                return None
            shared.append(both)
        return Scope(pools=shared[0], operators=shared[1])

    def describe_zh(self) -> str:
        pools = "、".join(self.pools) if self.pools is not None else "全部"
        operators = "、".join(self.operators) if self.operators is not None else "全部"
        return f"资源池 {pools}；运维方 {operators}"

    def describe_en(self) -> str:
        pools = ", ".join(self.pools) if self.pools is not None else "all"
        operators = ", ".join(self.operators) if self.operators is not None else "all"
        return f"pools {pools}; operators {operators}"


class GradeBand(StrictModel):
    min: float
    grade: str


class Contract(StrictModel):
    """A whole contract, validated."""

    name: str
    timezone: str = "Asia/Shanghai"
    # Which tickets it judges, and when it is in force: a ticket reported from valid_from
    # (00:00 in the contract's zone) up to valid_until (exclusive); absent: open.
    scope: Scope = Scope()
    valid_from: date | None = None
    valid_until: date | None = None
    at_risk_fraction: float = Field(default=0.2, gt=0, lt=1)
    kinds: dict[str, Vocabulary]
    severities: dict[str, Vocabulary]
    calendar: CalendarConfig = CalendarConfig()
    # Business hours (工作时间) a target's clock may run on: clock: {schedule: NAME}.
    schedules: Schedules = Field(default_factory=dict)
    targets: tuple[Target, ...]
    scoring: Scoring = Scoring()
    availability: AvailabilityConfig = AvailabilityConfig()
    utilisation: UtilisationConfig = UtilisationConfig()
    idle: IdleConfig = IdleConfig()
    inspections: InspectionRules = InspectionRules()
    scorecard: ScorecardConfig = ScorecardConfig()
    clocks: ClockRules = ClockRules()
    # Periodic duties (履约事项), each period a clock (monitor.contract.obligations).
    obligations: Obligations = ()
    # Picks the limit of targets written `by_operator_class` (security-incident reporting).
    operator_class: OperatorClass = OperatorClass.OTHER
    grade_bands: tuple[GradeBand, ...] = (
        GradeBand(min=90, grade="优"),
        GradeBand(min=80, grade="良"),
        GradeBand(min=60, grade="中"),
        GradeBand(min=0, grade="差"),
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue(
                Message(
                    f"'{value}' 不是 IANA 时区名，应如 Asia/Shanghai",
                    f"'{value}' is not an IANA time zone such as Asia/Shanghai",
                )
            ) from None
        return value

    @model_validator(mode="after")
    def _references(self) -> Self:
        if (
            self.valid_from is not None
            and self.valid_until is not None
            and self.valid_until <= self.valid_from
        ):
            raise InvalidValue(
                Message(
                    f"valid_until {self.valid_until} 须晚于 valid_from {self.valid_from}"
                    "（valid_until 不含当日）",
                    f"valid_until {self.valid_until} must be after valid_from "
                    f"{self.valid_from} (it is exclusive)",
                )
            )
        seen: set[str] = set()
        for target in self.targets:
            if target.id in seen:
                raise InvalidValue(
                    Message(
                        f"考核目标编号 '{target.id}' 重复",
                        f"target id '{target.id}' is used twice",
                    )
                )
            seen.add(target.id)
            if target.kind not in self.kinds:
                raise InvalidValue(
                    Message(
                        f"考核目标 '{target.id}'：未定义的工单类型 '{target.kind}'",
                        f"target '{target.id}': unknown kind '{target.kind}'",
                    )
                )
            for severity in target.severities or ():
                if severity not in self.severities:
                    raise InvalidValue(
                        Message(
                            f"考核目标 '{target.id}'：未定义的级别 '{severity}'",
                            f"target '{target.id}': unknown severity '{severity}'",
                        )
                    )
            by_class = target.limit.by_operator_class
            if by_class is not None and self.operator_class not in by_class:
                raise InvalidValue(
                    Message(
                        f"考核目标 '{target.id}'：没有适用于 operator_class "
                        f"'{self.operator_class}' 的时限",
                        f"target '{target.id}': no limit for operator_class "
                        f"'{self.operator_class}'",
                    )
                )
        _check_schedule_names(self.targets, self.schedules)
        check_scored_obligations(self.scoring.obligations, self.obligations)
        for kind in self.scoring.fault_response_timeliness.kinds:
            if kind not in self.kinds:
                raise InvalidValue(
                    Message(
                        f"scoring.fault_response_timeliness：未定义的工单类型 '{kind}'",
                        f"scoring.fault_response_timeliness: unknown kind '{kind}'",
                    )
                )
        _check_aliases("kinds", self.kinds)
        check_metric_references(
            self.availability,
            self.idle,
            {
                "resource_availability": self.scoring.resource_availability,
                "normal_operation": self.scoring.normal_operation,
                "backup_service": self.scoring.backup_service,
            },
            seen,
        )
        unknown = unknown_delivery_classes(
            self.scoring.delivered_quantities,
            self.scoring.service_days,
            set(self.availability.classes),
        )
        if unknown:
            key, name = unknown[0]
            raise InvalidValue(
                Message(
                    f"{key}：未定义的资源类别 '{name}'", f"{key}: unknown resource class '{name}'"
                )
            )
        _check_aliases("severities", self.severities)
        check_inspection_target(
            self.inspections, {target.id: target.limit.duration for target in self.targets}
        )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def target(self, target_id: str) -> Target:
        for target in self.targets:
            if target.id == target_id:
                return target
        raise KeyError(target_id)

    def grade_for(self, total: float) -> str:
        for band in sorted(self.grade_bands, key=lambda band: band.min, reverse=True):
            if total >= band.min:
                return band.grade
        return self.grade_bands[-1].grade


def _check_schedule_names(targets: tuple[Target, ...], schedules: Schedules) -> None:
    """Refuse a target clock naming no schedule of the contract, at its own key."""
    known = ", ".join(schedules) or "-"
    problems = [
        InitErrorDetails(
            type="value_error",
            loc=("targets", index, "clock", "schedule"),
            input=target.schedule,
            ctx={
                "error": InvalidValue(
                    Message(
                        f"未定义的工作时间 '{target.schedule}'，已定义：{known}",
                        f"'{target.schedule}' is not a schedule of this contract; "
                        f"schedules: {known}",
                    )
                )
            },
        )
        for index, target in enumerate(targets)
        if target.schedule is not None and target.schedule not in schedules
    ]
    if problems:
        raise ValidationError.from_exception_data("Contract", problems)


def _check_aliases(section: str, vocabulary: dict[str, Vocabulary]) -> None:
    owner: dict[str, str] = {}
    for key, entry in vocabulary.items():
        for spelling in (key, entry.name_zh, entry.name_en, *entry.aliases):
            folded = spelling.strip().casefold()
            if owner.setdefault(folded, key) != key:
                raise InvalidValue(
                    Message(
                        f"{section}：'{spelling}' 同时是 {owner[folded]} 和 {key} 的别名",
                        f"{section}: '{spelling}' is an alias of both {owner[folded]} and {key}",
                    )
                )


def load_contract(path: Path | str | None = None) -> Contract:
    """Load and validate a contract file (the default contract when no path is given)."""
    path = Path(path) if path is not None else DEFAULT_CONTRACT_PATH
    return load_yaml_model(path, Contract, "the contract", ContractError)
