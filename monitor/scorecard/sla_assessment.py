"""服务水平协议（SLA）考核: the points an SLA assessment score earns under the contract's rule."""

from __future__ import annotations

from monitor.contract.scorecard import SlaAssessmentRule
from monitor.domain.scores import IndicatorScore


def sla_assessment_indicator(
    score: float | None, rule: SlaAssessmentRule, entered_by: str | None
) -> IndicatorScore | None:
    """服务水平协议（SLA）考核: max points when the assessment score ≥ the pass mark, else 0."""
    if score is None:
        return None
    points = rule.max_points if score >= rule.pass_score else 0.0
    return IndicatorScore(
        id="sla_assessment",
        name_zh=rule.name_zh,
        points=points,
        max_points=rule.max_points,
        rule_zh=f"SLA考核评分≥{rule.pass_score:g}分得{rule.max_points:g}分，否则0分",
        measured=score,
        evidence=(f"SLA考核评分 {score:g}（{entered_by or '合同配置'}）",),
        name_en=rule.name_en,
        rule_en=(
            f"{rule.max_points:g} points when the SLA assessment score ≥ {rule.pass_score:g}, "
            "else 0"
        ),
        evidence_en=(f"SLA assessment score {score:g} ({entered_by or 'the contract'})",),
        details={"sla_score": score, "entered_by": entered_by or "contract"},
    )
