"""满意度: rate = (very×100 + fairly×80 + neutral×60 + unsatisfied×0)/100 of the shares;
≥ 90 % → 6 points, 60–90 % linear, < 60 % → 0; coverage flagged under one third."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from monitor.contract.model import Contract
from monitor.domain.records import SurveyReply
from monitor.measures.satisfaction import (
    rating_for,
    satisfaction_indicator,
    satisfaction_points,
    summarise,
)
from tests.conftest import local


def replies(ratings: Sequence[str], **fields: object) -> list[SurveyReply]:
    return [
        SurveyReply(f"单位{i:02d}", local("2022-12-10 10:00"), rating, **fields)  # type: ignore[arg-type]
        for i, rating in enumerate(ratings, start=1)
    ]


def test_27_very_and_3_fairly_satisfied_is_98_percent_and_6_points(contract: Contract) -> None:
    rule = contract.scoring.satisfaction
    summary = summarise(replies(["very_satisfied"] * 27 + ["fairly_satisfied"] * 3), rule, 176)
    assert summary.rate == 98.0
    indicator = satisfaction_indicator(summary, rule)
    assert indicator is not None
    assert (indicator.points, indicator.max_points, indicator.measured) == (6, 6, 98.0)


@pytest.mark.parametrize(
    ("rate", "points"),
    [(90.0, 6), (89.99, 6.0), (75.0, 3.0), (70.0, 2.0), (60.0, 0.0), (59.99, 0.0), (100.0, 6)],
)
def test_points_are_linear_between_60_and_90_percent(
    contract: Contract, rate: float, points: float
) -> None:
    # (89.99 − 60) / 30 × 6 = 5.998 → 6.0 at two decimals.
    assert satisfaction_points(rate, contract.scoring.satisfaction) == points


def test_each_rating_carries_its_weight(contract: Contract) -> None:
    ratings = ["very_satisfied", "fairly_satisfied", "neutral", "unsatisfied"]
    summary = summarise(replies(ratings), contract.scoring.satisfaction, None)
    assert summary.rate == 60.0  # (100 + 80 + 60 + 0) / 4
    assert summary.low_units == ("单位03", "单位04")


def test_30_replies_from_176_units_are_flagged_under_one_third(contract: Contract) -> None:
    summary = summarise(replies(["very_satisfied"] * 30), contract.scoring.satisfaction, 176)
    assert (summary.replying_units, summary.coverage, summary.coverage_flagged) == (30, 17.05, True)


def test_59_of_176_units_reach_one_third(contract: Contract) -> None:
    summary = summarise(replies(["very_satisfied"] * 59), contract.scoring.satisfaction, 176)
    assert summary.coverage_flagged is False  # 59 / 176 = 33.52 %


def test_unknown_units_served_is_flagged_not_guessed(contract: Contract) -> None:
    summary = summarise(replies(["very_satisfied"]), contract.scoring.satisfaction, None)
    assert (summary.coverage, summary.coverage_flagged) == (None, True)


def test_no_replies_is_no_data_rather_than_zero_points(contract: Contract) -> None:
    summary = summarise([], contract.scoring.satisfaction, 176)
    assert summary.rate is None
    assert satisfaction_indicator(summary, contract.scoring.satisfaction) is None


def test_questions_and_pools_get_their_own_rates(contract: Contract) -> None:
    answers = [{"故障解决效率": "neutral"}, {"故障解决效率": "very_satisfied"}]
    given = [
        SurveyReply("单位A", local("2022-12-01 09:00"), "very_satisfied", pool="一云",
                    answers=answers[0]),
        SurveyReply("单位B", local("2022-12-01 09:00"), "fairly_satisfied", pool="二云",
                    answers=answers[1]),
    ]  # fmt: skip
    summary = summarise(given, contract.scoring.satisfaction, None)
    assert summary.by_question == {"故障解决效率": 80.0}
    assert summary.by_pool == {"一云": 100.0, "二云": 80.0}


@pytest.mark.parametrize(
    ("text", "key"),
    [("非常满意", "very_satisfied"), ("满意", "fairly_satisfied"),
     ("Very Satisfied", "very_satisfied"), ("一般", "neutral"), ("不满意", "unsatisfied"),
     ("so-so", None)],
)  # fmt: skip
def test_ratings_are_read_in_chinese_and_english(text: str, key: str | None) -> None:
    assert rating_for(text) == key
