"""The indicator registry: every indicator the contract configures is registered under its
section's name, in the contract's order; an indicator added to it (a function and a contract
section) is scored, listed and totalled by the scorecard run with no other change."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence

import pytest
import yaml
from sqlalchemy import Engine

from monitor.cli.scorecard_output import scorecard_json
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import DEFAULT_CONTRACT_PATH, Contract, Scoring
from monitor.contract.strict import StrictModel
from monitor.domain.billing import CatalogueItem, StatementLine
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.resources import Outage, Resource
from monitor.domain.roster import DutyShift
from monitor.domain.scores import IndicatorScore
from monitor.measures.availability import AvailabilityFigure
from monitor.measures.idle import IdleFinding
from monitor.measures.satisfaction import SatisfactionSummary, summarise
from monitor.measures.utilisation import PoolUtilisation
from monitor.runs.scorecard import period_scorecard
from monitor.scorecard import registry
from monitor.scorecard.indicators import NoData
from monitor.scorecard.inputs import IndicatorInputs, PeriodTickets, WaiverKey
from monitor.scorecard.inspection_review import InspectionReview
from monitor.scorecard.table import Origin
from tests.conftest import SHANGHAI, local

AT = local("2022-12-20 12:00")
YEAR = parse_period("2022", SHANGHAI)


# Sections without a default: scored only where a contract or scheme writes them.
OPTIONAL = [key for key, field in Scoring.model_fields.items() if field.default is None]


def test_the_registry_holds_the_default_contracts_scoring_sections_in_its_order() -> None:
    raw = yaml.safe_load(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8"))
    assert {"unit_price", "delivered_quantities", "service_days"} <= set(OPTIONAL)
    assert [key for key in registry.INDICATORS if key not in OPTIONAL] == list(raw["scoring"])


def test_every_scoring_section_is_a_registered_indicator_with_a_table_section(
    contract: Contract,
) -> None:
    assert set(registry.INDICATORS) == set(type(contract.scoring).model_fields)
    assert set(registry.INDICATORS) == set(contract.scorecard.indicator_sections)
    enabled = [key for key in registry.INDICATORS if key not in OPTIONAL]
    assert registry.enabled_indicators(contract) == enabled
    for key, (name, max_points) in registry.expected_indicators(contract).items():
        section = getattr(contract.scoring, key)
        assert (name, max_points) == (section.name_zh, section.max_points)


class PunctualityRule(StrictModel):
    """A made-up contract section: 巡检及时性, scored by the inspection records."""

    name_zh: str = "巡检及时性"
    max_points: float = 2
    points_per_record: float = 0.5


class ScoringWithPunctuality(Scoring):
    punctuality: PunctualityRule = PunctualityRule()


def punctuality(inputs: IndicatorInputs) -> IndicatorScore:
    """One function of the shared inputs, like every registered indicator."""
    rule = inputs.contract.scoring.punctuality  # type: ignore[attr-defined]
    records = inputs.inspections.records
    points = min(rule.max_points, rule.points_per_record * records)
    return IndicatorScore("punctuality", rule.name_zh, points, rule.max_points, "", records, ())


def with_punctuality(contract: Contract) -> Contract:
    """The contract with the made-up section and its place in the table (过程)."""
    sections = {
        name: getattr(contract.scoring, name) for name in type(contract.scoring).model_fields
    }
    table = {**contract.scorecard.indicator_sections, "punctuality": "过程"}
    return contract.model_copy(
        update={
            "scoring": ScoringWithPunctuality(**sections),
            "scorecard": contract.scorecard.model_copy(update={"indicator_sections": table}),
        }
    )


def test_a_registered_indicator_with_a_contract_section_is_scored_listed_and_totalled(
    sqlite_engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(registry.INDICATORS, "punctuality", punctuality)
    extended = with_punctuality(contract)
    before = period_scorecard(
        sqlite_engine, ContractSet.single(contract, calendar), YEAR, AT
    ).scorecard
    card = period_scorecard(sqlite_engine, ContractSet.single(extended, calendar), YEAR, AT)

    line = next(line for line in card.scorecard.lines if line.id == "punctuality")
    assert (line.name_zh, line.section, line.origin, line.points, line.max_points) == (
        "巡检及时性",
        "过程",
        Origin.COMPUTED,
        0,  # no inspection records in an empty database
        2,
    )
    others = [other.id for other in card.scorecard.lines if other.id != "punctuality"]
    assert others == [other.id for other in before.lines]
    assert ("过程", 0, 2, False) in [
        (s.name, s.points, s.max_points, s.deducts) for s in card.scorecard.sections
    ]
    assert card.scorecard.max_total == before.max_total + 2
    assert "punctuality" in [score.id for score in card.indicators]
    document = scorecard_json(card, extended)
    assert "punctuality" in [indicator["id"] for indicator in document["indicators"]]


def test_a_registered_indicator_without_data_is_listed_as_such_with_its_reason(
    sqlite_engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(registry.INDICATORS, "punctuality", lambda _: NoData("没有巡检记录"))
    card = period_scorecard(
        sqlite_engine, ContractSet.single(with_punctuality(contract), calendar), YEAR, AT
    )
    line = next(line for line in card.scorecard.lines if line.id == "punctuality")
    assert (line.origin, line.points, line.max_points, line.note) == (
        Origin.NO_DATA,
        None,
        2,
        "没有巡检记录",
    )
    assert not card.scorecard.complete


def test_a_registered_indicator_the_contract_has_no_section_for_is_not_scored(
    sqlite_engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def never(_: IndicatorInputs) -> IndicatorScore:
        raise AssertionError("scored without a contract section")

    monkeypatch.setitem(registry.INDICATORS, "punctuality", never)
    card = period_scorecard(sqlite_engine, ContractSet.single(contract, calendar), YEAR, AT)
    assert "punctuality" not in [line.id for line in card.scorecard.lines]


class CountingSource:
    """An empty period that counts how often each part of the inputs is read."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.reads: Counter[str] = Counter()

    def tickets(self, kinds: tuple[str, ...]) -> PeriodTickets:
        self.reads[f"tickets {','.join(kinds)}"] += 1
        return PeriodTickets((), ())

    def waivers(self) -> frozenset[WaiverKey]:
        self.reads["waivers"] += 1
        return frozenset()

    def availability_by_class(self) -> Mapping[str, AvailabilityFigure]:
        self.reads["availability"] += 1
        return {}

    def utilisation(self) -> Sequence[PoolUtilisation]:
        self.reads["utilisation"] += 1
        return []

    def idle_findings(self) -> Sequence[IdleFinding]:
        self.reads["idle"] += 1
        return []

    def inventory_size(self) -> int:
        self.reads["inventory"] += 1
        return 0

    def inspections(self) -> InspectionReview:
        self.reads["inspections"] += 1
        return InspectionReview(0, 0, [], [], [])

    def satisfaction(self) -> SatisfactionSummary:
        self.reads["satisfaction"] += 1
        return summarise([], self.contract.scoring.satisfaction, None)

    def catalogue(self) -> Sequence[CatalogueItem]:
        self.reads["catalogue"] += 1
        return []

    def statement_lines(self) -> Sequence[StatementLine]:
        self.reads["statement"] += 1
        return []

    def resources(self) -> Sequence[Resource]:
        self.reads["resources"] += 1
        return []

    def outages(self) -> Sequence[Outage]:
        self.reads["outages"] += 1
        return []

    def duty_shifts(self) -> Sequence[DutyShift]:
        self.reads["duty_shifts"] += 1
        return []


def test_every_indicator_shares_inputs_read_at_most_once(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    source = CountingSource(contract)
    inputs = IndicatorInputs(YEAR, AT, contract, calendar, source)
    outcomes = registry.score_indicators(inputs)
    assert list(outcomes) == registry.enabled_indicators(contract)
    assert isinstance(outcomes["satisfaction"], NoData)  # no replies: no data, not zero
    assert isinstance(outcomes["sla_assessment"], NoData)
    # Three indicators read availability and two utilisation: each is read once.
    assert set(source.reads.values()) == {1}
    assert {"availability", "utilisation", "tickets fault", "tickets restore"} <= set(source.reads)


def test_a_score_filed_under_another_id_is_refused(
    contract: Contract, calendar: BusinessCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    def misfiled(_: IndicatorInputs) -> IndicatorScore:
        return IndicatorScore("something_else", "别的", 1, 1, "", None, ())

    monkeypatch.setitem(registry.INDICATORS, "cloud_usage", misfiled)
    inputs = IndicatorInputs(YEAR, AT, contract, calendar, CountingSource(contract))
    with pytest.raises(ValueError, match="'cloud_usage' returned a score with id"):
        registry.score_indicators(inputs)


def test_the_manual_files_sla_score_beats_the_contracts(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    class Entered:
        sla_assessment_score: float | None = 92
        entered_by: str | None = "监理单位"

    inputs = IndicatorInputs(YEAR, AT, contract, calendar, CountingSource(contract), Entered())
    score = registry.score_indicators(inputs)["sla_assessment"]
    assert isinstance(score, IndicatorScore)
    assert (score.points, score.evidence) == (1, ("SLA考核评分 92（监理单位）",))
