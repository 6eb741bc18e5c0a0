"""The contract's sections for inspections, satisfaction, the SLA assessment and the scorecard.

Kept apart from monitor.contract.model (which holds them as fields). Every section has defaults,
so a
contract file written before these sections existed still loads.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from monitor.contract.indicator_names import INDICATOR_NAMES_EN, SECTION_NAMES_EN
from monitor.contract.strict import StrictModel
from monitor.domain.durations import parse_duration
from monitor.domain.message import InvalidValue, Message

# The answers a satisfaction questionnaire offers, best first.
RATINGS: tuple[str, ...] = ("very_satisfied", "fairly_satisfied", "neutral", "unsatisfied")
# What an abnormal inspection finding must carry besides its resolution time to count as closed.
EVIDENCE_FIELDS = ("resolution_record", "evidence_ref", "measure")


class InspectionRules(StrictModel):
    """巡检: when inspections are due and what closes an abnormal finding."""

    # None: the limit of `resolution_target` (the 24 h device-anomaly feedback target).
    resolution_limit: timedelta | None = None
    resolution_target: str = "anomaly.feedback"
    schedule: Literal["daily", "working_days"] = "daily"
    # Pools that must each be inspected every scheduled day; empty: any inspection counts.
    pools: tuple[str, ...] = ()
    required_evidence: tuple[Literal["resolution_record", "evidence_ref", "measure"], ...] = (
        "resolution_record",
    )

    @field_validator("resolution_limit", mode="before")
    @classmethod
    def _parse_limit(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _positive(self) -> Self:
        if self.resolution_limit is not None and self.resolution_limit <= timedelta(0):
            raise InvalidValue(
                Message("resolution_limit 须大于零", "resolution_limit must be longer than zero")
            )
        return self


def _default_weights() -> dict[str, float]:
    return {"very_satisfied": 100, "fairly_satisfied": 80, "neutral": 60, "unsatisfied": 0}


class SatisfactionRule(StrictModel):
    """目标用户使用体验满意率: a weighted rate of the replies, scored linearly between two marks."""

    name_zh: str = "目标用户使用体验满意率"
    name_en: str = INDICATOR_NAMES_EN["satisfaction"]
    max_points: float = Field(default=6, gt=0)
    weights: dict[str, float] = Field(default_factory=_default_weights)
    full_marks_at: float = Field(default=90, gt=0, le=100)  # rate (%) that earns max_points
    zero_below: float = Field(default=60, ge=0, lt=100)  # below this rate (%): no points
    # 使用单位 served (e.g. 91 + 85 = 176); None: counted from the resource inventory, if any.
    units_served: int | None = Field(default=None, gt=0)
    # Replies from fewer than this share of the units served are flagged as unrepresentative.
    coverage_floor: float = Field(default=1 / 3, gt=0, le=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if set(self.weights) != set(RATINGS):
            ratings = ", ".join(RATINGS)
            raise InvalidValue(
                Message(
                    f"weights 须恰好列出这些评价等级：{ratings}",
                    f"weights needs exactly these ratings: {ratings}",
                )
            )
        if self.zero_below >= self.full_marks_at:
            raise InvalidValue(
                Message(
                    "zero_below 须低于 full_marks_at", "zero_below must be lower than full_marks_at"
                )
            )
        return self


class SlaAssessmentRule(StrictModel):
    """服务水平协议（SLA）考核: full marks when the SLA assessment score reaches the mark."""

    name_zh: str = "服务水平协议（SLA）考核"
    name_en: str = INDICATOR_NAMES_EN["sla_assessment"]
    max_points: float = Field(default=1, gt=0)
    pass_score: float = 90
    # The SLA assessment score when it is fixed in the contract; a manual entry file wins.
    score: float | None = Field(default=None, ge=0, le=100)


def _default_sections() -> dict[str, str]:
    return {
        "fault_response_timeliness": "产出",
        "resource_availability": "产出",
        "normal_operation": "产出",
        "first_pool_utilisation": "产出",
        "idle_reclaim": "产出",
        "sla_assessment": "产出",
        "obligations": "产出",
        "backup_service": "效益",
        "cloud_usage": "效益",
        "satisfaction": "效益",
        "unit_price": "效益",
        "delivered_quantities": "产出",
        "service_days": "产出",
    }


class ScorecardConfig(StrictModel):
    """The indicator table's first-level sections and where each computed indicator belongs."""

    sections: tuple[str, ...] = ("决策", "过程", "产出", "效益", "逆向指标")
    # Sections whose entries deduct (points ≤ 0, at most max_points deducted).
    deduction_sections: tuple[str, ...] = ("逆向指标",)
    indicator_sections: dict[str, str] = Field(default_factory=_default_sections)
    # A section's English name; a section missing here keeps its Chinese name in English.
    section_names_en: dict[str, str] = Field(default_factory=lambda: dict(SECTION_NAMES_EN))

    def section_name(self, name: str, lang: str) -> str:
        """A section's name in the language ("zh" or "en")."""
        return self.section_names_en.get(name, name) if lang == "en" else name

    @model_validator(mode="after")
    def _known_sections(self) -> Self:
        for name in self.deduction_sections:
            if name not in self.sections:
                raise InvalidValue(
                    Message(
                        f"deduction_sections：'{name}' 不在 sections 中",
                        f"deduction_sections: '{name}' is not one of sections",
                    )
                )
        for indicator, section in self.indicator_sections.items():
            if section not in self.sections:
                raise InvalidValue(
                    Message(
                        f"indicator_sections.{indicator}：未定义的部分 '{section}'",
                        f"indicator_sections.{indicator}: unknown section '{section}'",
                    )
                )
        return self


def check_inspection_target(rules: InspectionRules, limits: dict[str, timedelta | None]) -> None:
    """The target an inspection limit defaults to must exist and have a duration limit."""
    if rules.resolution_limit is not None:
        return
    if limits.get(rules.resolution_target) is None:
        raise InvalidValue(
            Message(
                f"inspections.resolution_target：'{rules.resolution_target}' 不是以时长为时限的"
                "考核目标；请指定这样的目标，或设置 inspections.resolution_limit（如 24h）",
                f"inspections.resolution_target: '{rules.resolution_target}' is not a target "
                "with a duration limit; name one or set inspections.resolution_limit (e.g. 24h)",
            )
        )
