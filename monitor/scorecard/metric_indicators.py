"""The metric indicators of the evaluation table; the formulas come from the contract.

Each indicator states what it measured and, when it had nothing to measure, says so in its
details ({"no_data": true, "reason": …}) and scores by the contract's "no evidence" rule.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

from monitor.contract.metrics import AllMetRule, BandRule
from monitor.contract.model import Contract
from monitor.domain.periods import Period
from monitor.domain.scores import IndicatorScore
from monitor.domain.tickets import Status, TargetResult
from monitor.measures.availability import AvailabilityFigure
from monitor.measures.idle import IdleFinding, violations_in
from monitor.measures.utilisation import PoolUtilisation, combined, scored_percent

_EPSILON = 1e-9


def _percent(figure: AvailabilityFigure) -> float | None:
    value = figure.availability
    return None if value is None else value * 100


def _class_details(
    figures: Mapping[str, AvailabilityFigure], classes: Iterable[str]
) -> dict[str, object]:
    out: dict[str, object] = {}
    for name in classes:
        figure = figures.get(name)
        if figure is None:
            out[name] = None
            continue
        out[name] = {
            "availability_percent": _percent(figure),
            "coverage": figure.coverage,
            "status": figure.status.value if figure.status else None,
            "resources": figure.resources,
        }
    return out


def _split(
    figures: Mapping[str, AvailabilityFigure], classes: Sequence[str]
) -> tuple[dict[str, AvailabilityFigure], list[str], list[str]]:
    """Measured classes, classes lacking evidence, and classes with no resource at all."""
    measured: dict[str, AvailabilityFigure] = {}
    missing: list[str] = []
    absent: list[str] = []
    for name in classes:
        figure = figures.get(name)
        if figure is None:
            absent.append(name)
        elif figure.availability is None or figure.status is Status.MISSING_EVIDENCE:
            missing.append(name)
        else:
            measured[name] = figure
    return measured, missing, absent


def resource_availability(
    class_figures: Mapping[str, AvailabilityFigure], contract: Contract
) -> IndicatorScore:
    """项目资源可用率: each listed class at target; a deduction per started point below."""
    rule = contract.scoring.resource_availability
    measured, missing, absent = _split(class_figures, rule.classes)
    details: dict[str, object] = {"classes": _class_details(class_figures, rule.classes)}
    lowest = min((_percent(f) or 0.0 for f in measured.values()), default=None)
    rule_zh = (
        f"{'、'.join(contract.availability.classes[c].name_zh for c in rule.classes)}可用率"
        f"≥{rule.target:g}%得{rule.max_points:g}分，每低1个百分点扣{rule.deduction_per_point:g}分"
    )
    rule_en = (
        f"{rule.max_points:g} points when {', '.join(rule.classes)} availability "
        f"≥ {rule.target:g}%, {rule.deduction_per_point:g} off for each percentage point below"
    )
    if missing or not measured:
        details.update(no_data=True, **_reason(missing, absent, contract))
        fails = contract.availability.missing_evidence_fails
        points = rule.floor if fails else rule.max_points
        return IndicatorScore(
            "resource_availability",
            rule.name_zh,
            points,
            rule.max_points,
            rule_zh,
            lowest,
            tuple(missing),
            details,
            rule.name_en,
            rule_en,
        )
    assert lowest is not None
    shortfall = rule.target - lowest
    started = math.ceil(shortfall - _EPSILON) if shortfall > _EPSILON else 0
    points = max(rule.floor, rule.max_points - rule.deduction_per_point * started)
    below = tuple(name for name, f in measured.items() if (_percent(f) or 0) < rule.target)
    details["points_below"] = started
    return IndicatorScore(
        "resource_availability",
        rule.name_zh,
        points,
        rule.max_points,
        rule_zh,
        lowest,
        below,
        details,
        rule.name_en,
        rule_en,
    )


def _reason(missing: Sequence[str], absent: Sequence[str], contract: Contract) -> dict[str, str]:
    """Why a class has no figure, as `reason` (Chinese, by the classes' contract names) and
    `reason_en` (by the classes' ids: the contract names them in Chinese only)."""
    names = contract.availability.classes
    zh, en = [], []
    if missing:
        zh.append(f"{'、'.join(names[c].name_zh for c in missing)}没有或缺少可用率佐证数据")
        en.append(f"no or too little availability evidence for {', '.join(missing)}")
    if absent:
        zh.append(f"没有{'、'.join(names[c].name_zh for c in absent)}类资源")
        en.append(f"no {', '.join(absent)} resources")
    return {"reason": "；".join(zh), "reason_en": "; ".join(en)}


def all_met(
    key: str,
    rule: AllMetRule,
    class_figures: Mapping[str, AvailabilityFigure],
    results: Sequence[TargetResult],
    contract: Contract,
) -> IndicatorScore:
    """Full marks when every class and ticket target the rule lists was met (项目正常运行率 …)."""
    measured, missing, absent = _split(class_figures, rule.classes)
    failed = [name for name, f in measured.items() if f.status is not Status.MET]
    late = sorted(
        {
            r.ticket_id
            for r in results
            if r.target_id in rule.ticket_targets and r.status.is_violation
        }
    )
    details: dict[str, object] = {
        "classes": _class_details(class_figures, rule.classes),
        "late_tickets": late,
    }
    names = [
        f"{contract.availability.classes[c].name_zh}≥{contract.availability.classes[c].target:g}%"
        for c in rule.classes
    ]
    if rule.ticket_targets:
        names.append("、".join(contract.target(t).name_zh for t in rule.ticket_targets) + "达标")
    rule_zh = f"{'且'.join(names)}得{rule.max_points:g}分，否则{rule.points_if_not_met:g}分"
    conditions = [f"{c} ≥ {contract.availability.classes[c].target:g}%" for c in rule.classes]
    if rule.ticket_targets:
        conditions.append(
            ", ".join(contract.target(t).name_en for t in rule.ticket_targets) + " met"
        )
    rule_en = (
        f"{rule.max_points:g} points when {' and '.join(conditions)}, "
        f"else {rule.points_if_not_met:g}"
    )
    lowest = min((_percent(f) or 0.0 for f in measured.values()), default=None)
    if missing or absent:
        details.update(no_data=True, **_reason(missing, absent, contract))
    met = not failed and not late
    if missing or absent:
        met = met and not contract.availability.missing_evidence_fails
    points = rule.max_points if met else rule.points_if_not_met
    return IndicatorScore(
        key,
        rule.name_zh,
        points,
        rule.max_points,
        rule_zh,
        lowest,
        (*failed, *missing, *late),
        details,
        rule.name_en,
        rule_en,
    )


def utilisation_band(
    key: str, rule: BandRule, figures: Sequence[PoolUtilisation]
) -> IndicatorScore:
    """第一资源池云资源利用率 / 云资源和云存储资源使用率: points by band, no evidence lowest."""
    value = scored_percent(combined(figures, rule))
    chosen = [f for f in figures if rule.pool is None or f.pool == rule.pool]
    details: dict[str, object] = {
        "pools": {
            f.pool: {**{m: f.values[m] for m in f.values}, "mean": f.mean, "evidence": f.evidence}
            for f in chosen
        }
    }
    if value is None:
        where = rule.pool or "各资源池"
        where_en = f"pool {rule.pool}" if rule.pool else "any pool"
        details.update(
            no_data=True,
            reason=f"{where}没有CPU、内存、存储使用率佐证数据",
            reason_en=f"no CPU, memory or storage utilisation evidence for {where_en}",
        )
    bands = "；".join(f"≥{b.min:g}%得{b.points:g}分" for b in rule.bands)
    scope = (
        f"{rule.pool}"
        if rule.pool
        else ("各资源池最低值" if rule.combine == "lowest" else "各资源池平均")
    )
    bands_en = "; ".join(f"≥ {b.min:g}%: {b.points:g} points" for b in rule.bands)
    scope_en = (
        f"{rule.pool}"
        if rule.pool
        else ("the lowest pool" if rule.combine == "lowest" else "the pools' mean")
    )
    return IndicatorScore(
        key,
        rule.name_zh,
        rule.points_for(value),
        rule.max_points,
        f"{scope}（CPU、内存、存储平均）{bands}；无佐证数据按最低档",
        value,
        tuple(f"{f.pool} {f.mean:.2f}%" for f in chosen if f.mean is not None),
        details,
        rule.name_en,
        f"{scope_en} (mean of CPU, memory and storage): {bands_en}; no evidence: the lowest band",
    )


def idle_reclaim(
    findings: Sequence[IdleFinding], period: Period, contract: Contract, inventory_size: int
) -> IndicatorScore:
    """主机闲置资源回收率: minus a deduction per idle resource not reclaimed within the grace.

    Without a resources inventory nothing could be checked: the points stand, but the
    indicator says it had no data rather than claiming there was nothing idle.
    """
    rule = contract.scoring.idle_reclaim
    late = violations_in(findings, period.start, period.end)
    points = max(rule.floor, rule.max_points - rule.deduction_per_resource * len(late))
    details: dict[str, object] = {
        "idle_resources": sorted({f.resource_id for f in findings}),
        "not_reclaimed": late,
    }
    if inventory_size == 0:
        details.update(
            no_data=True,
            reason="没有资源清单，无法检查闲置资源（slamon import resources）",
            reason_en="no resources inventory: idle resources cannot be checked "
            "(slamon import resources)",
        )
    return IndicatorScore(
        "idle_reclaim",
        rule.name_zh,
        points,
        rule.max_points,
        f"{rule.max_points:g}分，每发现1个闲置资源未在{contract.idle.grace.days}天内回收扣"
        f"{rule.deduction_per_resource:g}分，扣完为止",
        len(late),
        tuple(late),
        details,
        rule.name_en,
        f"{rule.max_points:g} points, {rule.deduction_per_resource:g} off for each idle "
        f"resource not reclaimed within {contract.idle.grace.days} days, down to {rule.floor:g}",
    )
