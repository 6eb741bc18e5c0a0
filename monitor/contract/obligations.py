"""The contract's periodic obligations (履约事项) and how the scorecard scores them.

Each obligation is a duty with a frequency (at least `count` times a year, a quarter, a month
or a week; or once per notice for an event-triggered duty) and a due rule counted from the
period's last day (or the notice's day), so that every period is a clock like a target's.
"""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Annotated, Any, Self

from pydantic import AfterValidator, Field, field_validator, model_validator

from monitor.contract.strict import StrictModel
from monitor.domain.durations import parse_duration
from monitor.domain.message import InvalidValue, Message


class Frequency(StrEnum):
    YEARLY = "yearly"
    QUARTERLY = "quarterly"
    MONTHLY = "monthly"
    WEEKLY = "weekly"
    EVENT = "event"  # once per notice (漏洞通报): each notice is its own period


class Coverage(StrEnum):
    """Who each clock of an obligation is owed for."""

    DEPLOYMENT = "deployment"  # one clock for the whole deployment (pool '')
    POOL = "pool"  # one clock per pool of `pools`
    SYSTEM = "system"  # one clock per system of the inventory at `protection_level`


class Evidence(StrEnum):
    """Where a period's completions come from."""

    RECORDS = "records"  # `slamon import evidence`
    SURVEY = "survey"  # satisfaction survey replies: units that replied among units served


class DueRule(StrictModel):
    """When a period's duty is due, counted from its last day (an event's: the notice's day).

    `working_days: 5` is the end of the 5th working day after (the 5th working day of the next
    month for a monthly duty, holidays and make-up days included); `days: 14` the end of the
    14th day after; neither: the end of the last day itself.
    """

    working_days: int | None = Field(default=None, ge=1, le=60)
    days: int | None = Field(default=None, ge=1, le=366)

    @model_validator(mode="after")
    def _one_rule(self) -> Self:
        if self.working_days is not None and self.days is not None:
            raise InvalidValue(
                Message(
                    "due：working_days 与 days 只能设置其一",
                    "due: set working_days or days, not both",
                )
            )
        return self

    def describe_zh(self) -> str:
        if self.working_days is not None:
            return f"期满后第{self.working_days}个工作日内"
        if self.days is not None:
            return f"{self.days}日内"
        return "期满前"

    def describe_en(self) -> str:
        if self.working_days is not None:
            return f"by the {self.working_days}th working day after the period"
        if self.days is not None:
            return f"within {self.days} days"
        return "by the period's end"


class Obligation(StrictModel):
    """One duty of the contract, e.g. 应急演练 at least twice a year."""

    id: str = Field(pattern=r"^[a-z0-9_]+$", max_length=100)
    name_zh: str
    name_en: str
    frequency: Frequency
    count: int = Field(default=1, ge=1, le=366)  # at least this many per period
    due: DueRule = DueRule()
    # At risk this long before the due moment while not yet done.
    warn_before: timedelta = timedelta(days=7)
    coverage: Coverage = Coverage.DEPLOYMENT
    pools: tuple[str, ...] = ()  # the pools owing it, for coverage: pool
    protection_level: int | None = Field(default=None, ge=1, le=5)  # for coverage: system
    evidence: Evidence = Evidence.RECORDS
    # For evidence: survey, the share of the units served that must reply: "1/3", 0.5.
    survey_share: str | None = Field(default=None, pattern=r"^(\d+/\d+|0?\.\d+|1)$")
    # The first day owed; None: the contract's valid_from, else the evaluation's first day.
    since: date | None = None
    rule_zh: str | None = None  # the contract's wording, shown next to the evidence

    @field_validator("warn_before", mode="before")
    @classmethod
    def _parse_warn(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.frequency is Frequency.EVENT and self.due == DueRule():
            raise InvalidValue(
                Message(
                    f"履约事项 '{self.id}'：按事件履行的事项须写 due: {{days: N}}",
                    f"obligation '{self.id}': an event duty needs due: {{days: N}}",
                )
            )
        if self.frequency is Frequency.EVENT and self.count != 1:
            raise InvalidValue(
                Message(
                    f"履约事项 '{self.id}'：按事件履行的事项每次通知只做一次（count 须为 1）",
                    f"obligation '{self.id}': an event duty is done once per notice",
                )
            )
        if (self.coverage is Coverage.POOL) != bool(self.pools):
            raise InvalidValue(
                Message(
                    f"履约事项 '{self.id}'：coverage: pool 须列出 pools，其他范围不能写 pools",
                    f"obligation '{self.id}': coverage: pool needs pools, and only it",
                )
            )
        if (self.coverage is Coverage.SYSTEM) != (self.protection_level is not None):
            raise InvalidValue(
                Message(
                    f"履约事项 '{self.id}'：coverage: system 须写 protection_level，"
                    "其他范围不能写 protection_level",
                    f"obligation '{self.id}': coverage: system needs protection_level, and only it",
                )
            )
        if (self.evidence is Evidence.SURVEY) != (self.survey_share is not None):
            raise InvalidValue(
                Message(
                    f"履约事项 '{self.id}'：evidence: survey 须写 survey_share，"
                    "其他凭据不能写 survey_share",
                    f"obligation '{self.id}': evidence: survey needs survey_share",
                )
            )
        if self.evidence is Evidence.SURVEY and self.coverage is Coverage.SYSTEM:
            raise InvalidValue(
                Message(
                    f"履约事项 '{self.id}'：满意度调查按部署或资源池进行，不能按系统",
                    f"obligation '{self.id}': a survey is owed per deployment or pool",
                )
            )
        if self.survey_share is not None and not 0 < self.share <= 1:
            raise InvalidValue(
                Message(
                    f"履约事项 '{self.id}'：survey_share 须大于 0 且不大于 1",
                    f"obligation '{self.id}': survey_share must be in (0, 1]",
                )
            )
        if self.warn_before < timedelta(0):
            raise InvalidValue(
                Message(
                    f"履约事项 '{self.id}'：warn_before 不能为负",
                    f"obligation '{self.id}': warn_before must not be negative",
                )
            )
        return self

    @property
    def share(self) -> Fraction:
        """The survey share as an exact fraction (1/3 is a third, not 0.3333)."""
        return Fraction(self.survey_share or "1")

    def describe_zh(self) -> str:
        """The rule in words, e.g. 每年至少2次（期满前）."""
        if self.rule_zh:
            return self.rule_zh
        if self.frequency is Frequency.EVENT:
            return f"每次通报{self.due.describe_zh()}完成"
        every = {"yearly": "每年", "quarterly": "每季度", "monthly": "每月", "weekly": "每周"}
        what = (
            f"回复单位不少于服务单位的{self.survey_share}"
            if self.evidence is Evidence.SURVEY
            else f"至少{self.count}次"
        )
        return f"{every[self.frequency.value]}{what}（{self.due.describe_zh()}）"

    def describe_en(self) -> str:
        if self.frequency is Frequency.EVENT:
            return f"each notice dealt with {self.due.describe_en()}"
        what = (
            f"replies from at least {self.survey_share} of the units served"
            if self.evidence is Evidence.SURVEY
            else f"at least {self.count} times"
        )
        return f"{self.frequency.value}: {what}, {self.due.describe_en()}"


def _unique_ids(obligations: tuple[Obligation, ...]) -> tuple[Obligation, ...]:
    seen: set[str] = set()
    for obligation in obligations:
        if obligation.id in seen:
            raise InvalidValue(
                Message(
                    f"履约事项编号 '{obligation.id}' 重复",
                    f"obligation id '{obligation.id}' is used twice",
                )
            )
        seen.add(obligation.id)
    return obligations


Obligations = Annotated[tuple[Obligation, ...], AfterValidator(_unique_ids)]


class ObligationsRule(StrictModel):
    """履约事项: full marks, minus a deduction per period missed (or done late), floored."""

    name_zh: str = "合同履约事项完成情况"
    name_en: str = "Contract obligations fulfilled"
    max_points: float = Field(default=2, gt=0)
    deduction_per_miss: float = Field(default=1, gt=0)
    floor: float = 0
    late_counts_as_miss: bool = True
    # The obligations scored; empty: all of the contract's.
    obligations: tuple[str, ...] = ()


def check_scored_obligations(rule: ObligationsRule | None, obligations: Obligations) -> None:
    """The scoring section may name only obligations the contract has."""
    if rule is None:
        return
    known = {obligation.id for obligation in obligations}
    for name in rule.obligations:
        if name not in known:
            raise InvalidValue(
                Message(
                    f"scoring.obligations：'{name}' 不是本合同的履约事项",
                    f"scoring.obligations: '{name}' is not an obligation of the contract",
                )
            )
