"""A period's scorecard from the database: every registered indicator the contract enables,
scored from inputs read once, the hand entries, and the inspection review and survey beside."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from monitor.contract.contract_set import ContractSet
from monitor.domain.periods import Period
from monitor.domain.scores import IndicatorScore
from monitor.domain.tickets import Status, TargetResult
from monitor.measures.satisfaction import SatisfactionSummary
from monitor.runs.period_inputs import stored_inputs
from monitor.runs.pins import with_stored_pins
from monitor.scorecard.indicators import NoData
from monitor.scorecard.inspection_review import InspectionReview
from monitor.scorecard.manual import ManualScores
from monitor.scorecard.registry import score_indicators
from monitor.scorecard.table import Scorecard, build_scorecard


@dataclass(frozen=True, slots=True)
class PeriodScorecard:
    period: Period
    at: datetime
    scorecard: Scorecard
    inspections: InspectionReview
    satisfaction: SatisfactionSummary
    manual: ManualScores | None
    # The computed indicators the scorecard was built from, in the registry's order.
    indicators: tuple[IndicatorScore, ...] = ()
    # Results the indicators read that have no verdict: their deadline needs a year the
    # working-day calendar does not know (not counted as late).
    calendar_unknown: tuple[TargetResult, ...] = ()
    # The pools it covers (an operator's scorecard); None: the whole cloud.
    pools: frozenset[str] | None = None


def period_scorecard(
    engine: Engine,
    contracts: ContractSet,
    period: Period,
    at: datetime,
    manual: ManualScores | None = None,
    pools: frozenset[str] | None = None,
) -> PeriodScorecard:
    """Everything `slamon score`, `slamon report` and the dashboard show for a period as of `at`.

    The one place indicators are scored (monitor.scorecard.registry): the inputs are read once
    and shared by every indicator. Each ticket is judged by its own contract; the evaluation
    scheme (contracts.deployment) scores them together. With `pools`, only what belongs to
    those pools is scored (an operator sees its own pools' scorecard, not the cloud's).
    """
    contract = contracts.deployment
    contracts = with_stored_pins(engine, contracts)
    inputs = stored_inputs(engine, contracts, period, at, manual, pools)
    outcomes = score_indicators(inputs)
    computed = tuple(score for score in outcomes.values() if isinstance(score, IndicatorScore))
    gaps = {key: gap for key, gap in outcomes.items() if isinstance(gap, NoData)}
    scorecard = build_scorecard(
        computed,
        manual.entries if manual else (),
        contract,
        no_data_reasons={key: gap.reason for key, gap in gaps.items()},
        no_data_reasons_en={key: gap.reason_en for key, gap in gaps.items() if gap.reason_en},
    )
    return PeriodScorecard(
        period=period,
        at=at,
        scorecard=scorecard,
        inspections=inputs.inspections,
        satisfaction=inputs.satisfaction,
        manual=manual,
        indicators=computed,
        calendar_unknown=tuple(
            result for result in inputs.results_read() if result.status is Status.CALENDAR_UNKNOWN
        ),
        pools=pools,
    )
