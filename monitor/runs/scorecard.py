"""A period's scorecard from the database: the computed indicators (monitor.runs.evaluate), the
satisfaction survey and SLA assessment, hand entries, and the inspection review beside them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.records import InspectionRecord, InspectionResult
from monitor.measures.inspections import (
    FindingCheck,
    MissedDay,
    check_findings,
    missed_days,
    unknown_ticket_refs,
)
from monitor.measures.satisfaction import SatisfactionSummary, satisfaction_indicator, summarise
from monitor.runs.evaluate import score_period
from monitor.scorecard.manual import ManualScores
from monitor.scorecard.table import Scorecard, build_scorecard, sla_assessment_indicator
from monitor.scorecard.ticket_indicators import IndicatorScore, Period
from monitor.storage.inspections import known_ticket_ids, load_inspections
from monitor.storage.surveys import load_survey_replies, units_in_inventory


@dataclass(frozen=True, slots=True)
class InspectionReview:
    """What the inspection sheets of a period show as of `at`."""

    records: int  # inspected in the period
    abnormal: int
    checks: list[FindingCheck]  # abnormal findings: the period's, and older ones still open
    missed: list[MissedDay]
    unknown_refs: list[InspectionRecord]

    @property
    def unclosed(self) -> list[FindingCheck]:
        return [check for check in self.checks if check.state.is_unclosed]


@dataclass(frozen=True, slots=True)
class PeriodScorecard:
    period: Period
    at: datetime
    scorecard: Scorecard
    inspections: InspectionReview
    satisfaction: SatisfactionSummary
    manual: ManualScores | None


def inspection_review(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, period: Period, at: datetime
) -> InspectionReview:
    """Findings, missed scheduled days (only days that have ended by `at`) and unknown tickets."""
    end = min(period.end, at)
    records = [r for r in load_inspections(engine, since=period.start, before=end)]
    in_period = [r for r in records if period.start <= r.inspected_at]
    zone = contract.zone
    rules = contract.inspections
    due = calendar.is_working_day if rules.schedule == "working_days" else (lambda _day: True)
    last = end.astimezone(zone).date()
    missed = (
        missed_days(in_period, period.start.astimezone(zone).date(), last, rules.pools, due, zone)
        if end > period.start
        else []
    )
    named = {r.ticket_id for r in in_period if r.ticket_id is not None}
    return InspectionReview(
        records=len(in_period),
        abnormal=sum(r.result is InspectionResult.ABNORMAL for r in in_period),
        checks=check_findings(records, contract, at),
        missed=missed,
        unknown_refs=unknown_ticket_refs(in_period, known_ticket_ids(engine, named)),
    )


def satisfaction_review(
    engine: Engine, contract: Contract, period: Period, at: datetime
) -> SatisfactionSummary:
    rule = contract.scoring.satisfaction
    replies = load_survey_replies(engine, since=period.start, before=min(period.end, at))
    units_served = rule.units_served or units_in_inventory(engine)
    return summarise(replies, rule, units_served)


def period_scorecard(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    period: Period,
    at: datetime,
    manual: ManualScores | None = None,
) -> PeriodScorecard:
    """Everything `slamon score` and `slamon report` show for a period as of `at`."""
    computed = list(score_period(engine, contract, calendar, period, at))
    satisfaction = satisfaction_review(engine, contract, period, at)
    sla_score = contract.scoring.sla_assessment.score
    sla_by = None
    if manual is not None and manual.sla_assessment_score is not None:
        sla_score, sla_by = manual.sla_assessment_score, manual.entered_by
    ours: list[IndicatorScore | None] = [
        satisfaction_indicator(satisfaction, contract.scoring.satisfaction),
        sla_assessment_indicator(sla_score, contract.scoring.sla_assessment, sla_by),
    ]
    have = {score.id for score in computed}
    computed += [score for score in ours if score is not None and score.id not in have]
    reasons = {
        "satisfaction": "本期没有满意度调查回复（slamon import surveys）",
        "sla_assessment": "未录入SLA考核评分（手工录入文件 sla_assessment_score，或合同 "
        "scoring.sla_assessment.score）",
    }
    scorecard = build_scorecard(
        computed, manual.entries if manual else (), contract, no_data_reasons=reasons
    )
    return PeriodScorecard(
        period=period,
        at=at,
        scorecard=scorecard,
        inspections=inspection_review(engine, contract, calendar, period, at),
        satisfaction=satisfaction,
        manual=manual,
    )
