"""交付数量 and 7×24服务天数: what was delivered against the scheme's planned counts and
required days, with evidence per class (or the days lost) in Chinese and English."""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from monitor.contract.delivery import DeliveredQuantitiesRule, ServiceDaysRule
from monitor.contract.model import Contract
from monitor.domain.periods import Period
from monitor.domain.scores import IndicatorScore
from monitor.measures.delivery import ClassDelivery, ServiceDays

# Lost days listed by date before the rest are only counted.
_LISTED_DAYS = 20


def _class_name(contract: Contract, key: str) -> str:
    klass = contract.availability.classes.get(key)
    return key if klass is None else klass.name_zh


def delivered_quantities(
    deliveries: Sequence[ClassDelivery], rule: DeliveredQuantitiesRule, contract: Contract
) -> IndicatorScore:
    """Points by the rule's scoring over each class's count against its plan."""
    zh: list[str] = []
    en: list[str] = []
    shares: list[float] = []
    short: list[str] = []
    classes: dict[str, object] = {}
    for found in deliveries:
        count = found.fewest if rule.count_on == "every_day" else found.last_day
        met = count >= found.planned
        shares.append(min(1.0, count / found.planned))
        if not met:
            short.append(found.resource_class)
        name = _class_name(contract, found.resource_class)
        gap_zh = "达标" if met else f"差 {found.planned - count}"
        gap_en = "met" if met else f"{found.planned - count} short"
        when_zh = f"，最少于 {found.fewest_on}" if rule.count_on == "every_day" else ""
        when_en = f", fewest on {found.fewest_on}" if rule.count_on == "every_day" else ""
        zh.append(f"{name}：在用 {count}/计划 {found.planned}（{gap_zh}{when_zh}）")
        en.append(f"{found.resource_class}: {count} in service of {found.planned} planned "
                  f"({gap_en}{when_en})")  # fmt: skip
        classes[found.resource_class] = {
            "planned": found.planned,
            "delivered": count,
            "fewest": found.fewest,
            "fewest_on": found.fewest_on.isoformat(),
            "last_day": found.last_day,
        }
    share = sum(shares) / len(shares)
    if rule.scoring == "all_met":
        points = rule.max_points if not short else rule.points_if_not_met
    elif rule.scoring == "proportional":
        points = round(rule.max_points * share, 2)
    else:
        points = rule.max_points - rule.deduction_per_class * len(short)
    return IndicatorScore(
        "delivered_quantities",
        rule.name_zh,
        max(rule.floor, points),
        rule.max_points,
        _quantities_rule_zh(rule, contract),
        round(share * 100, 2),
        tuple(zh),
        {"classes": classes, "short": short},
        name_en=rule.name_en,
        rule_en=_quantities_rule_en(rule),
        evidence_en=tuple(en),
    )


def _quantities_rule_zh(rule: DeliveredQuantitiesRule, contract: Contract) -> str:
    plan = "、".join(f"{_class_name(contract, k)} {n}" for k, n in rule.planned.items())
    on = "每日在用数" if rule.count_on == "every_day" else "期末在用数"
    how = {
        "all_met": f"均达到计划得{rule.max_points:g}分，否则{rule.points_if_not_met:g}分",
        "proportional": f"按各类交付比例（封顶100%）平均计分，满分{rule.max_points:g}分",
        "per_class": f"{rule.max_points:g}分，每类未达计划扣{rule.deduction_per_class:g}分",
    }[rule.scoring]
    return f"{on}对照计划（{plan}）：{how}"


def _quantities_rule_en(rule: DeliveredQuantitiesRule) -> str:
    plan = ", ".join(f"{k} {n}" for k, n in rule.planned.items())
    on = "in service on every day" if rule.count_on == "every_day" else "in service on the last day"
    how = {
        "all_met": f"every class at its plan: {rule.max_points:g} points, else "
        f"{rule.points_if_not_met:g}",
        "proportional": f"{rule.max_points:g} points times the mean delivered share "
        "(at most 100 %)",
        "per_class": f"{rule.max_points:g} points, minus {rule.deduction_per_class:g} per class "
        "short of its plan",
    }[rule.scoring]
    return f"Resources {on} against the plan ({plan}): {how}"


def required_days(rule: ServiceDaysRule, period: Period) -> tuple[int, int]:
    """The period's days and the service days it requires: a year's count, or a shorter
    period's share of it, rounded up."""
    days = (period.end.date() - period.start.date()).days
    year = period.start.date().year
    year_days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    if days >= year_days:
        return days, rule.required_days
    return days, math.ceil(rule.required_days * days / year_days)


def service_days(found: ServiceDays, rule: ServiceDaysRule, period: Period) -> IndicatorScore:
    """Full marks while the days not served leave the required count reachable (reached, once
    the period is over); else the rule's points."""
    days, required = required_days(rule, period)
    not_served = found.not_served
    met = len(not_served) <= days - required
    zh = [f"服务天数 {found.served}/{found.span.days}（要求全期 {required}/{days} 天）"]
    en = [f"{found.served} service days of {found.span.days} (required {required} of {days})"]
    if found.lost:
        listed_zh, listed_en = _listed(found.lost)
        zh.append(f"有未经批准维护的中断：{listed_zh}")
        en.append(f"outages outside approved maintenance on {listed_en}")
    if found.uncovered:
        listed_zh, listed_en = _listed(found.uncovered)
        zh.append(f"值班表未覆盖全天24小时：{listed_zh}")
        en.append(f"the duty roster did not cover all 24 hours on {listed_en}")
    what_zh, what_en = _served_day(rule)
    return IndicatorScore(
        "service_days",
        rule.name_zh,
        rule.max_points if met else rule.points_if_short,
        rule.max_points,
        f"{what_zh}的天数≥{required}天（全期{days}天）得{rule.max_points:g}分，"
        f"否则{rule.points_if_short:g}分",
        float(found.served),
        tuple(zh),
        {
            "basis": rule.basis,
            "lost_days": [day.isoformat() for day in not_served],
            "outage_days": [day.isoformat() for day in found.lost],
            "uncovered_days": [day.isoformat() for day in found.uncovered],
            "required_days": required,
            "period_days": days,
        },
        name_en=rule.name_en,
        rule_en=f"{what_en} ≥ {required} of {days}: {rule.max_points:g} points, else "
        f"{rule.points_if_short:g}",
        evidence_en=tuple(en),
    )


def _listed(days: Sequence[date]) -> tuple[str, str]:
    """The first days by date, and how many more, in Chinese and English."""
    shown = [day.isoformat() for day in days[:_LISTED_DAYS]]
    more = len(days) - _LISTED_DAYS
    zh = "、".join(shown) + (f" 等 {len(days)} 天" if more > 0 else "")
    en = ", ".join(shown) + (f" and {more} more days" if more > 0 else "")
    return zh, en


def _served_day(rule: ServiceDaysRule) -> tuple[str, str]:
    """What makes a day a service day under the rule's basis, in Chinese and English."""
    scope = "、".join(rule.classes) if rule.classes else "全部资源"
    outage_zh = f"{scope}无未经批准维护的中断"
    classes_en = ", ".join(rule.classes) or "any resource"
    outage_en = f"without an outage outside approved maintenance of {classes_en}"
    pools_zh = "、".join(rule.pools) if rule.pools else "全部资源池"
    pools_en = ", ".join(rule.pools) if rule.pools else "every pool"
    roster_zh = f"{pools_zh}值班表覆盖全天24小时"
    roster_en = f"covered all 24 hours by the duty roster of {pools_en}"
    if rule.basis == "roster":
        return roster_zh, f"Days {roster_en}"
    if rule.basis == "both":
        return f"{roster_zh}且{outage_zh}", f"Days {roster_en} and {outage_en}"
    return outage_zh, f"Days {outage_en}"
