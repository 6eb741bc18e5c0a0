"""The computed indicators of a period, one function each: the shared inputs in, the indicator's
score out, or NoData when the period has nothing to score it by.

The formulas live beside their figures (monitor.scorecard.ticket_indicators,
monitor.scorecard.metric_indicators, monitor.measures.satisfaction,
monitor.scorecard.sla_assessment); these functions pick what each one reads from the inputs.
monitor.scorecard.registry lists them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from monitor.billing.price_decline import price_declines
from monitor.domain.resources import Resource
from monitor.domain.scores import IndicatorScore
from monitor.measures.availability import approved_windows
from monitor.measures.delivery import (
    DaySpan,
    ServiceDays,
    count_service_days,
    delivered,
    uncovered_days,
)
from monitor.measures.satisfaction import satisfaction_indicator
from monitor.scorecard import (
    delivery_indicators,
    metric_indicators,
    price_indicator,
    ticket_indicators,
)
from monitor.scorecard.inputs import IndicatorInputs
from monitor.scorecard.sla_assessment import sla_assessment_indicator


@dataclass(frozen=True, slots=True)
class NoData:
    """Nothing to score the indicator by this period: listed without points, with the reason."""

    reason: str
    reason_en: str = ""


def fault_response_timeliness(inputs: IndicatorInputs) -> IndicatorScore:
    """系统故障响应或维护及时性: the period's fault tickets, their results and the waivers."""
    rule = inputs.contract.scoring.fault_response_timeliness
    faults = inputs.tickets(rule.kinds)
    return ticket_indicators.fault_response_timeliness(
        faults.tickets, faults.results, inputs.period, inputs.contract, inputs.waivers
    )


def resource_availability(inputs: IndicatorInputs) -> IndicatorScore:
    """项目资源可用率: the availability of each class the rule lists."""
    return metric_indicators.resource_availability(inputs.availability_by_class, inputs.contract)


def normal_operation(inputs: IndicatorInputs) -> IndicatorScore:
    """项目正常运行率: every class the rule lists at its availability target."""
    rule = inputs.contract.scoring.normal_operation
    return metric_indicators.all_met(
        "normal_operation", rule, inputs.availability_by_class, [], inputs.contract
    )


def backup_service(inputs: IndicatorInputs) -> IndicatorScore:
    """项目备份服务: the backup class at its target and every restore ticket target met."""
    rule = inputs.contract.scoring.backup_service
    kinds = (inputs.contract.target(target_id).kind for target_id in rule.ticket_targets)
    results = inputs.tickets(kinds).results
    return metric_indicators.all_met(
        "backup_service", rule, inputs.availability_by_class, results, inputs.contract
    )


def first_pool_utilisation(inputs: IndicatorInputs) -> IndicatorScore:
    """第一资源池云资源利用率: the band of the first pool's utilisation."""
    rule = inputs.contract.scoring.first_pool_utilisation
    return metric_indicators.utilisation_band("first_pool_utilisation", rule, inputs.utilisation)


def cloud_usage(inputs: IndicatorInputs) -> IndicatorScore:
    """云资源和云存储资源使用率: the band of every pool's utilisation, combined."""
    rule = inputs.contract.scoring.cloud_usage
    return metric_indicators.utilisation_band("cloud_usage", rule, inputs.utilisation)


def idle_reclaim(inputs: IndicatorInputs) -> IndicatorScore:
    """主机闲置资源回收率: idle resources not reclaimed in time, against the inventory."""
    return metric_indicators.idle_reclaim(
        inputs.idle_findings, inputs.period, inputs.contract, inputs.inventory_size
    )


def satisfaction(inputs: IndicatorInputs) -> IndicatorScore | NoData:
    """目标用户使用体验满意率: the period's survey replies; none is no data, not zero."""
    score = satisfaction_indicator(inputs.satisfaction, inputs.contract.scoring.satisfaction)
    return score or NoData(
        "本期没有满意度调查回复（slamon import surveys）",
        "no survey replies this period (slamon import surveys)",
    )


def sla_assessment(inputs: IndicatorInputs) -> IndicatorScore | NoData:
    """服务水平协议（SLA）考核: the manual file's assessment score, else the contract's."""
    rule = inputs.contract.scoring.sla_assessment
    score, entered_by = rule.score, None
    manual = inputs.manual
    if manual is not None and manual.sla_assessment_score is not None:
        score, entered_by = manual.sla_assessment_score, manual.entered_by
    return sla_assessment_indicator(score, rule, entered_by) or NoData(
        "未录入SLA考核评分（手工录入文件 sla_assessment_score，或合同 "
        "scoring.sla_assessment.score）",
        "no SLA assessment score entered (the manual file's sla_assessment_score, or the "
        "contract's scoring.sla_assessment.score)",
    )


def unit_price(inputs: IndicatorInputs) -> IndicatorScore | NoData:
    """云服务单价下降率: the catalogue's prices of the period's billed items a year apart."""
    rule = inputs.contract.scoring.unit_price
    if rule is None:
        return NoData(
            "考核方案未配置 scoring.unit_price", "the scheme has no scoring.unit_price section"
        )
    decline = price_declines(inputs.statement_lines, inputs.catalogue)
    return price_indicator.unit_price(decline, rule, inputs.period, bool(inputs.catalogue))


def delivered_quantities(inputs: IndicatorInputs) -> IndicatorScore | NoData:
    """交付数量: each planned class's resources in service on the period's days so far."""
    rule = inputs.contract.scoring.delivered_quantities
    if rule is None:
        return NoData(
            "考核方案未配置 scoring.delivered_quantities",
            "the scheme has no scoring.delivered_quantities section",
        )
    zone = inputs.contract.zone
    span = DaySpan.of(inputs.period, inputs.at, zone)
    if span is None:
        return NoData("考核期尚未开始", "the period has not begun")
    mine = [r for r in inputs.resources if not rule.pools or r.pool in rule.pools]
    found = delivered(mine, rule.planned, span, zone)
    return delivery_indicators.delivered_quantities(found, rule, inputs.contract)


def service_days(inputs: IndicatorInputs) -> IndicatorScore | NoData:
    """7×24服务天数: the period's days so far without an outage outside approved maintenance,
    covered around the clock by the duty roster, or both, as the rule's basis says."""
    rule = inputs.contract.scoring.service_days
    if rule is None:
        return NoData(
            "考核方案未配置 scoring.service_days", "the scheme has no scoring.service_days section"
        )
    zone = inputs.contract.zone
    span = DaySpan.of(inputs.period, inputs.at, zone)
    if span is None:
        return NoData("考核期尚未开始", "the period has not begun")

    def counts(resource: Resource | None) -> bool:
        # An outage of a resource the inventory does not hold counts only when every
        # resource counts.
        if resource is None:
            return not rule.classes and not rule.pools
        return (not rule.classes or resource.resource_class in rule.classes) and (
            not rule.pools or resource.pool in rule.pools
        )

    lost: tuple[date, ...] = ()
    if rule.counts_outages:
        windows = approved_windows(inputs.contract, inputs.outages)
        inventory = {r.resource_id: r for r in inputs.resources}
        outages = count_service_days(
            inputs.outages, inventory, windows, span, inputs.at, zone, counts
        )
        lost = outages.lost
    uncovered: tuple[date, ...] = ()
    if rule.counts_roster:
        shifts = [s for s in inputs.duty_shifts if not rule.pools or s.pool in rule.pools]
        uncovered = uncovered_days(shifts, span, zone)
    found = ServiceDays(span, lost, uncovered)
    return delivery_indicators.service_days(found, rule, inputs.period)
