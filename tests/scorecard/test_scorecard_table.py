"""The scorecard reproduces the 2022 Zhongshan evaluation (附件：绩效评价指标评分表): its own
figures in, its own points, totals and grade out."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.contract.model import Contract, GradeBand
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.scores import IndicatorScore
from monitor.rules.status import evaluate
from monitor.scorecard.manual import ManualScoresError, load_manual_scores
from monitor.scorecard.sla_assessment import sla_assessment_indicator
from monitor.scorecard.table import Origin, build_scorecard
from monitor.scorecard.ticket_indicators import fault_response_timeliness
from tests.conftest import SHANGHAI
from tests.scorecard.test_ticket_indicators import zhongshan_2022

DATA = Path(__file__).resolve().parents[1] / "data"


def given(indicator_id: str, points: float, max_points: float) -> IndicatorScore:
    """An indicator as another part of slamon (or the report) scored it."""
    return IndicatorScore(indicator_id, indicator_id, points, max_points, "", None, ())


def test_six_faults_with_one_late_score_2_of_3(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    tickets = zhongshan_2022()
    results = evaluate(tickets, contract, calendar, parse_period("2023", SHANGHAI).start)
    score = fault_response_timeliness(tickets, results, parse_period("2022", SHANGHAI), contract)
    assert (score.points, score.max_points) == (2, 3)


def test_first_pool_utilisation_of_58_6_percent_scores_0_of_2(contract: Contract) -> None:
    rule = contract.scoring.first_pool_utilisation
    utilisation = round((47.4 + 64.6 + 63.8) / 3, 1)
    assert utilisation == 58.6
    assert (rule.points_for(utilisation), rule.max_points) == (0, 2)


def test_cloud_usage_of_56_67_percent_scores_8_of_10(contract: Contract) -> None:
    rule = contract.scoring.cloud_usage
    assert (rule.points_for(56.67), rule.max_points) == (8, 10)


@pytest.mark.parametrize(("score", "points"), [(92, 1), (90, 1), (89.9, 0)])
def test_the_sla_assessment_needs_90(contract: Contract, score: float, points: float) -> None:
    indicator = sla_assessment_indicator(score, contract.scoring.sla_assessment, "监理单位")
    assert indicator is not None and indicator.points == points


def test_the_zhongshan_totals_make_78_and_grade_zhong(contract: Contract) -> None:
    manual = load_manual_scores(DATA / "manual_zhongshan_2022.yaml", contract)
    sla = sla_assessment_indicator(
        manual.sla_assessment_score, contract.scoring.sla_assessment, manual.entered_by
    )
    assert sla is not None
    computed = [
        given("fault_response_timeliness", 2, 3),
        sla,
        given("resource_availability", 1, 1),
        given("normal_operation", 1, 1),
        given("first_pool_utilisation", 0, 2),
        given("idle_reclaim", 3, 3),
        given("backup_service", 2, 2),
        given("cloud_usage", 8, 10),
        given("satisfaction", 4.5, 6),  # the evaluators took 1.5 off 6 for low coverage
    ]
    card = build_scorecard(computed, manual.entries, contract)
    assert [(s.name, s.points, s.max_points) for s in card.sections] == [
        ("决策", 11, 16),
        ("过程", 22.5, 30),
        ("产出", 16.5, 20),
        ("效益", 29, 34),
        ("逆向指标", -1, 20),
    ]
    assert (f"{card.total:.2f}", card.grade, card.max_total, card.complete) == (
        "78.00",
        "中",
        100,
        True,
    )
    budget = next(line for line in card.lines if line.id == "budget")
    assert (budget.origin, budget.entered_by) == (Origin.MANUAL, "广州捷诚信息咨询有限公司 评价组")


def test_urumqi_bands_put_the_zhong_floor_at_70(contract: Contract) -> None:
    bands = (
        GradeBand(min=90, grade="优"),
        GradeBand(min=80, grade="良"),
        GradeBand(min=70, grade="中"),
        GradeBand(min=0, grade="差"),
    )
    urumqi = contract.model_copy(update={"grade_bands": bands})
    card = build_scorecard([given("fault_response_timeliness", 3, 3)], [], urumqi)
    assert urumqi.grade_for(69.99) == "差" and urumqi.grade_for(70) == "中"
    assert card.grade == "差"  # 3 points, most indicators without data


def test_indicators_without_data_say_so_and_the_total_is_incomplete(contract: Contract) -> None:
    card = build_scorecard(
        [given("fault_response_timeliness", 2, 3)],
        [],
        contract,
        no_data_reasons={"satisfaction": "本期没有满意度调查回复"},
    )
    satisfaction = next(line for line in card.lines if line.id == "satisfaction")
    assert (satisfaction.origin, satisfaction.points, satisfaction.note) == (
        Origin.NO_DATA,
        None,
        "本期没有满意度调查回复",
    )
    assert card.total == 2 and not card.complete
    assert card.missing_points == 26  # 1 + 1 + 2 + 2 + 10 + 3 + 6 + 1: all but fault timeliness


def test_a_manual_entry_cannot_replace_a_computed_indicator(contract: Contract) -> None:
    manual = load_manual_scores(DATA / "manual_zhongshan_2022.yaml", contract)
    override = manual.entries[0].__class__(
        "fault_response_timeliness", "系统故障响应或维护及时性", "产出", 3, 3, "运营单位"
    )
    card = build_scorecard([given("fault_response_timeliness", 2, 3)], [override], contract)
    assert card.ignored_manual == [override]
    assert next(line for line in card.lines if line.id == "fault_response_timeliness").points == 2


def one_entry(section: str, points: float, max_points: float) -> str:
    return (
        f"indicators: [{{id: a, name_zh: 甲, section: {section}, points: {points}, "
        f"max_points: {max_points}}}]"
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (one_entry("决策", 1, 2), "entered_by"),
        ("entered_by: x\n" + one_entry("立项", 1, 2), "unknown section"),
        ("entered_by: x\n" + one_entry("决策", 3, 2), "outside"),
        ("entered_by: x\n" + one_entry("逆向指标", 1, 10), "outside"),
        ("entered_by: x\nperiod: 22\n" + one_entry("决策", 1, 2), "period"),
    ],
)
def test_a_bad_manual_file_is_refused_with_the_reason(
    contract: Contract, tmp_path: Path, text: str, problem: str
) -> None:
    path = tmp_path / "manual.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ManualScoresError, match=problem):
        load_manual_scores(path, contract)


def test_a_manual_file_for_a_year_scores_that_year_only(contract: Contract, tmp_path: Path) -> None:
    path = tmp_path / "manual.yaml"
    path.write_text("entered_by: 评价组\nperiod: 2022\n" + one_entry("决策", 1, 2), "utf-8")
    manual = load_manual_scores(path, contract)
    assert manual.period == "2022"
    assert manual.scores("2022") and not manual.scores("2022-12") and not manual.scores("2023")
