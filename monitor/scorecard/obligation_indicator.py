"""合同履约事项: the obligation periods of the scoring period, a deduction per period missed."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from monitor.contract.model import Contract
from monitor.contract.obligations import Obligation, ObligationsRule
from monitor.domain.obligations import (
    STATUS_NAMES_EN,
    STATUS_NAMES_ZH,
    ObligationClock,
    ObligationStatus,
)
from monitor.domain.periods import Period
from monitor.domain.scores import IndicatorScore
from monitor.scorecard.indicators import NoData
from monitor.scorecard.inputs import IndicatorInputs


def obligations(inputs: IndicatorInputs) -> IndicatorScore | NoData:
    """The contract's scoring.obligations over the clocks whose period lies in the period."""
    rule = inputs.contract.scoring.obligations
    if rule is None:
        return NoData("合同未对履约事项计分", "the scheme does not score obligations")
    clocks = scored_clocks(inputs.obligation_clocks, rule, inputs.period, inputs.contract)
    if not clocks:
        return NoData("本期没有应履行的合同履约事项", "no obligation period falls in this period")
    return score_obligations(clocks, rule, inputs)


def scored_clocks(
    clocks: Sequence[ObligationClock], rule: ObligationsRule, period: Period, contract: Contract
) -> list[ObligationClock]:
    """The clocks of the scored obligations whose period lies within the scoring period."""
    zone = contract.zone
    first, last = period.start.astimezone(zone).date(), period.end.astimezone(zone).date()
    return [
        clock
        for clock in clocks
        if (not rule.obligations or clock.obligation_id in rule.obligations)
        and first <= clock.start
        and clock.end <= last
    ]


def score_obligations(
    clocks: Sequence[ObligationClock], rule: ObligationsRule, inputs: IndicatorInputs
) -> IndicatorScore:
    at = inputs.at
    counted = {ObligationStatus.MISSED} | (
        {ObligationStatus.LATE} if rule.late_counts_as_miss else set()
    )
    missed = [clock for clock in clocks if clock.status(at) in counted]
    points = max(rule.floor, rule.max_points - rule.deduction_per_miss * len(missed))
    names = {item.id: item for item in inputs.contract.obligations}
    late_zh = "（含逾期完成）" if rule.late_counts_as_miss else ""
    late_en = " (done late included)" if rule.late_counts_as_miss else ""
    return IndicatorScore(
        id="obligations",
        name_zh=rule.name_zh,
        points=points,
        max_points=rule.max_points,
        rule_zh=(
            f"{rule.max_points:g}分，每有一期履约事项未按期完成{late_zh}扣"
            f"{rule.deduction_per_miss:g}分，最低{rule.floor:g}分"
        ),
        measured=float(len(missed)),
        evidence=tuple(_line_zh(clock, names[clock.obligation_id], inputs) for clock in clocks),
        evidence_en=tuple(_line_en(clock, names[clock.obligation_id], inputs) for clock in clocks),
        details={
            "periods": len(clocks),
            "missed": [f"{clock.obligation_id}:{clock.label}" for clock in missed],
        },
        name_en=rule.name_en,
        rule_en=(
            f"{rule.max_points:g} points, minus {rule.deduction_per_miss:g} per obligation "
            f"period not done in time{late_en}, at least {rule.floor:g}"
        ),
    )


def _who(clock: ObligationClock) -> str:
    return "·".join(part for part in (clock.pool, clock.subject) if part and part != clock.label)


def _done(clock: ObligationClock, at: datetime, separator: str) -> tuple[int, str]:
    """How many completions count by `at`, and their documents joined by `separator`."""
    done = [c for c in clock.completions if c.at <= at]
    documents = separator.join(
        f"{c.what} {c.at.date().isoformat()}" + (f" {c.by}" if c.by else "") for c in done
    )
    return len(done), documents


def _line_zh(clock: ObligationClock, obligation: Obligation, inputs: IndicatorInputs) -> str:
    at = inputs.at
    done, documents = _done(clock, at, "；")
    who = f"（{_who(clock)}）" if _who(clock) else ""
    return (
        f"{obligation.name_zh}{who} {clock.label}：{STATUS_NAMES_ZH[clock.status(at)]}，"
        f"完成{done}/{clock.required}" + (f"，佐证：{documents}" if documents else "")
    )


def _line_en(clock: ObligationClock, obligation: Obligation, inputs: IndicatorInputs) -> str:
    at = inputs.at
    done, documents = _done(clock, at, "; ")
    who = f" ({_who(clock)})" if _who(clock) else ""
    return (
        f"{obligation.name_en}{who} {clock.label}: {STATUS_NAMES_EN[clock.status(at)]}, "
        f"{done}/{clock.required} done" + (f", evidence: {documents}" if documents else "")
    )
