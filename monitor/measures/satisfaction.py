"""满意度: the weighted satisfaction rate of survey replies, their coverage, and the points.

rate = (very×100 + fairly×80 + neutral×60 + unsatisfied×0) / 100 of the shares (the weights
come from the contract); coverage = replying units / units served.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from monitor.contract.scorecard import RATINGS, SatisfactionRule
from monitor.domain.records import SurveyReply
from monitor.domain.scores import IndicatorScore

RATING_LABELS_ZH = {
    "very_satisfied": "非常满意",
    "fairly_satisfied": "比较满意",
    "neutral": "一般",
    "unsatisfied": "不满意",
}
RATING_LABELS_EN = {
    "very_satisfied": "very satisfied",
    "fairly_satisfied": "fairly satisfied",
    "neutral": "neutral",
    "unsatisfied": "unsatisfied",
}
# Spellings seen on questionnaires; the common four-level scale's 满意 is 比较满意.
RATING_ALIASES: dict[str, str] = {
    **{key: key for key in RATINGS},
    **{label: key for key, label in RATING_LABELS_ZH.items()},
    "very satisfied": "very_satisfied",
    "fairly satisfied": "fairly_satisfied",
    "satisfied": "fairly_satisfied",
    "满意": "fairly_satisfied",
    "基本满意": "neutral",
    "一般满意": "neutral",
    "unsatisfied": "unsatisfied",
    "dissatisfied": "unsatisfied",
    "非常不满意": "unsatisfied",
}


def _fold(text: str) -> str:
    return " ".join(text.replace("_", " ").split()).casefold()


_BY_SPELLING = {_fold(spelling): key for spelling, key in RATING_ALIASES.items()}


def rating_for(text: str) -> str | None:
    """The rating key for any accepted spelling (case, spaces, underscores aside), or None."""
    return _BY_SPELLING.get(_fold(text))


@dataclass(frozen=True, slots=True)
class SatisfactionSummary:
    replies: int
    counts: dict[str, int]
    rate: float | None  # percent, None without replies
    replying_units: int
    units_served: int | None
    coverage: float | None  # percent of units served, None when that number is unknown
    coverage_flagged: bool
    by_question: dict[str, float]
    by_pool: dict[str, float]
    # Units that answered 一般 or 不满意: the report asked for their follow-up records.
    low_units: tuple[str, ...]


def weighted_rate(counts: Mapping[str, int], weights: Mapping[str, float]) -> float | None:
    """The weighted rate in percent, to two decimals; None when nobody replied."""
    total = sum(counts.values())
    if total == 0:
        return None
    return round(sum(weights[key] * counts.get(key, 0) for key in RATINGS) / total, 2)


def satisfaction_points(rate: float, rule: SatisfactionRule) -> float:
    """Full marks from `full_marks_at`, nothing below `zero_below`, linear in between."""
    if rate >= rule.full_marks_at:
        return rule.max_points
    if rate < rule.zero_below:
        return 0.0
    share = (rate - rule.zero_below) / (rule.full_marks_at - rule.zero_below)
    return round(share * rule.max_points, 2)


def summarise(
    replies: Iterable[SurveyReply], rule: SatisfactionRule, units_served: int | None
) -> SatisfactionSummary:
    """Counts, rate, coverage (flagged under the floor), per question and per pool."""
    replies = list(replies)
    counts = Counter(reply.rating for reply in replies)
    questions: dict[str, Counter[str]] = {}
    pools: dict[str, Counter[str]] = {}
    for reply in replies:
        for question, rating in reply.answers.items():
            questions.setdefault(question, Counter())[rating] += 1
        if reply.pool:
            pools.setdefault(reply.pool, Counter())[reply.rating] += 1
    units = {reply.unit for reply in replies}
    coverage = round(100 * len(units) / units_served, 2) if units_served else None
    return SatisfactionSummary(
        replies=len(replies),
        counts={key: counts.get(key, 0) for key in RATINGS},
        rate=weighted_rate(counts, rule.weights),
        replying_units=len(units),
        units_served=units_served,
        coverage=coverage,
        coverage_flagged=not units_served or len(units) < rule.coverage_floor * units_served,
        by_question=_rates(questions, rule),
        by_pool=_rates(pools, rule),
        low_units=tuple(
            sorted({r.unit for r in replies if r.rating in ("neutral", "unsatisfied")})
        ),
    )


def _rates(groups: Mapping[str, Counter[str]], rule: SatisfactionRule) -> dict[str, float]:
    rates = {name: weighted_rate(counts, rule.weights) for name, counts in sorted(groups.items())}
    return {name: rate for name, rate in rates.items() if rate is not None}


def satisfaction_indicator(
    summary: SatisfactionSummary, rule: SatisfactionRule
) -> IndicatorScore | None:
    """目标用户使用体验满意率, or None when there were no replies (no data, not zero)."""
    if summary.rate is None:
        return None
    coverage = "未知（未配置服务单位数）" if summary.coverage is None else f"{summary.coverage:g}%"
    return IndicatorScore(
        id="satisfaction",
        name_zh=rule.name_zh,
        points=satisfaction_points(summary.rate, rule),
        max_points=rule.max_points,
        rule_zh=(
            f"满意率≥{rule.full_marks_at:g}%得{rule.max_points:g}分；"
            f"{rule.zero_below:g}%–{rule.full_marks_at:g}%按（满意率−{rule.zero_below:g}）/"
            f"（{rule.full_marks_at:g}−{rule.zero_below:g}）×{rule.max_points:g}；"
            f"低于{rule.zero_below:g}%不得分"
        ),
        name_en=rule.name_en,
        rule_en=(
            f"{rule.max_points:g} points at a satisfaction rate ≥ {rule.full_marks_at:g}%; "
            f"between {rule.zero_below:g}% and {rule.full_marks_at:g}%: (rate − "
            f"{rule.zero_below:g}) / ({rule.full_marks_at:g} − {rule.zero_below:g}) × "
            f"{rule.max_points:g}; none below {rule.zero_below:g}%"
        ),
        measured=summary.rate,
        evidence=summary.low_units,
        details={
            "replies": summary.replies,
            "counts": summary.counts,
            "replying_units": summary.replying_units,
            "units_served": summary.units_served,
            "coverage_percent": summary.coverage,
            "coverage_floor_percent": round(100 * rule.coverage_floor, 2),
            "coverage_flagged": summary.coverage_flagged,
            "coverage_zh": f"回复单位 {summary.replying_units} 个，覆盖率 {coverage}",
            "by_question": summary.by_question,
            "by_pool": summary.by_pool,
        },
    )
