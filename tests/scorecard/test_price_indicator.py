"""云服务单价下降率, by hand from the rule: the catalogue price of each billed item in its month
against the same month a year earlier, weighted by quantity × the share of the month billed;
≥ 2 % → 2 points, ≥ 1 % → 1, below, a rise or no evidence → 0."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.billing.price_decline import price_declines
from monitor.contract.delivery import PriceBand, UnitPriceRule
from monitor.contract.model import Contract
from monitor.domain.billing import CatalogueItem, StatementLine
from monitor.domain.periods import parse_period
from monitor.domain.scores import IndicatorScore
from monitor.scorecard.price_indicator import unit_price
from monitor.scorecard.table import ManualEntry, Origin, build_scorecard

ZONE = ZoneInfo("Asia/Shanghai")
YEAR = parse_period("2022", ZONE)
D = Decimal


def price(code: str, unit_price: str, start: str, until: str | None = None, pool: str = "一云",
          measure: str = "count") -> CatalogueItem:  # fmt: skip
    return CatalogueItem(
        code,
        pool,
        "",
        date.fromisoformat(start),
        date.fromisoformat(until) if until else None,
        f"{code} 服务",
        "台·月",
        D(unit_price),
        measure,
    )


def line(month: str, code: str, quantity: str = "1", days: str | None = None,
         pool: str = "一云") -> StatementLine:  # fmt: skip
    return StatementLine(
        "甲运营", month, 1, pool, "甲运营", "市教育局", "学籍系统", None, code, D(quantity),
        D(days) if days else None, None, D("0"), D("0"),
    )  # fmt: skip


def year_of(code: str, quantity: str = "1", pool: str = "一云") -> list[StatementLine]:
    return [line(f"2022-{month:02d}", code, quantity, pool=pool) for month in range(1, 13)]


def two_years(code: str, before: str, now: str, pool: str = "一云") -> list[CatalogueItem]:
    return [
        price(code, before, "2021-01-01", "2022-01-01", pool),
        price(code, now, "2022-01-01", pool=pool),
    ]


def score(
    lines: list[StatementLine],
    catalogue: list[CatalogueItem],
    rule: UnitPriceRule | None = None,
) -> IndicatorScore:
    rule = rule or UnitPriceRule(pool="一云")
    return unit_price(price_declines(lines, catalogue), rule, YEAR, bool(catalogue))


def test_exactly_two_percent_scores_two_points_with_the_evidence_in_both_languages() -> None:
    found = score(year_of("VM"), two_years("VM", "100.00", "98.00"))
    assert (found.points, found.max_points, found.measured) == (2, 2, 2.0)
    assert found.evidence == (
        "一云 VM VM 服务：2021 单价 100.00 元，2022 单价 98.00 元/台·月，权重 12 台·月",
    )
    assert found.evidence_en == (
        "一云 VM VM 服务: 2021 unit price 100.00 yuan, 2022 unit price 98.00 yuan per 台·月, "
        "weight 12 台·月",
    )
    assert found.name_zh == "云服务单价下降率"
    assert found.name_en == "Cloud service unit-price decline"
    assert found.details["pools"] == {
        "一云": {
            "lines": 12,
            "decline_percent": "2.0000",
            "items": [
                {
                    "item_code": "VM",
                    "name": "VM 服务",
                    "unit": "台·月",
                    "weight": "12",
                    "price_before": "100.00",
                    "price_now": "98.00",
                }
            ],
            "priced_one_year_only": [],
        }
    }


def test_exactly_one_percent_scores_one_point() -> None:
    assert score(year_of("VM"), two_years("VM", "100.00", "99.00")).points == 1


def test_just_under_two_percent_scores_one_point() -> None:
    found = score(year_of("VM"), two_years("VM", "100.00", "98.01"))
    assert (found.points, found.measured) == (1, 1.99)


def test_just_under_one_percent_and_a_rise_score_nothing() -> None:
    assert score(year_of("VM"), two_years("VM", "100.00", "99.01")).points == 0
    risen = score(year_of("VM"), two_years("VM", "100.00", "103.00"))
    assert (risen.points, risen.measured) == (0, -3.0)


def test_an_exclusive_edge_does_not_hold_at_exactly_two_percent() -> None:
    rule = UnitPriceRule(
        pool="一云",
        bands=(
            PriceBand(min=D(2), points=2, inclusive=False),
            PriceBand(min=D(1), points=1),
        ),
    )
    assert score(year_of("VM"), two_years("VM", "100.00", "98.00"), rule).points == 1
    assert score(year_of("VM"), two_years("VM", "100.00", "97.99"), rule).points == 2
    assert score([], [], rule).rule_zh.startswith(
        "资源池 一云计费项目录单价较上年同期按计费数量加权下降>2%得2分；≥1%得1分"
    )


def test_the_billed_quantities_weigh_the_items() -> None:
    catalogue = [*two_years("A", "100", "90"), *two_years("B", "1000", "1000")]
    # Equal weights: (12×100 + 12×1000 − 12×90 − 12×1000) / 13200 = 0.909… %.
    assert score([*year_of("A"), *year_of("B")], catalogue).points == 0
    # Ten of A: (120×100 − 120×90) / (12000 + 12000) = 5 %.
    heavy = score([*year_of("A", "10"), *year_of("B")], catalogue)
    assert (heavy.points, heavy.measured) == (2, 5.0)


def test_a_price_changed_mid_year_counts_in_the_months_it_was_in_force() -> None:
    catalogue = [
        price("VM", "100", "2021-01-01", "2022-07-01"),
        price("VM", "96", "2022-07-01"),
    ]
    found = score(year_of("VM"), catalogue)
    assert (found.points, found.measured) == (2, 2.0)  # mean 98 against 100
    assert "2022 单价 98.00 元" in found.evidence[0]


def test_days_billed_weigh_a_line_by_its_share_of_the_month() -> None:
    catalogue = [*two_years("A", "100", "98"), *two_years("B", "50", "50")]
    lines = [line("2022-03", "A", days="15"), line("2022-03", "B")]
    found = score(lines, catalogue)
    # 2 × 15/31 / (100 × 15/31 + 50) = 30 / 3050 = 0.98 %.
    assert (found.points, found.measured) == (0, 0.98)
    assert "权重 0.48 台·月" in found.evidence[0]


def test_an_item_priced_in_one_year_only_is_left_out_and_listed() -> None:
    catalogue = [*two_years("VM", "100", "98"), price("GPU", "5000", "2022-01-01")]
    found = score([*year_of("VM"), *year_of("GPU")], catalogue)
    assert found.points == 2
    assert found.evidence[1] == "一云 GPU：仅 2022 有目录价格，未计入"
    assert found.evidence_en is not None
    assert found.evidence_en[1] == "一云 GPU: catalogue price in 2022 only, left out"


def test_only_one_year_priced_is_no_evidence_and_zero() -> None:
    found = score(year_of("GPU"), [price("GPU", "5000", "2022-01-01")])
    assert (found.points, found.measured) == (0, None)
    assert found.evidence[0] == "无证据：本期计费项没有两年都有的目录价格"
    assert found.details["no_data"] is True


def test_no_catalogue_is_no_evidence_and_zero_points_shown_as_such() -> None:
    found = score(year_of("VM"), [])
    assert (found.points, found.max_points, found.measured) == (0, 2, None)
    assert found.evidence == (
        "无证据：没有服务目录（slamon import catalogue）",
        "一云 VM：两年都没有目录价格，未计入",
    )
    assert found.evidence_en is not None
    assert found.evidence_en[0] == "no evidence: no service catalogue (slamon import catalogue)"


def test_no_statement_is_no_evidence() -> None:
    found = score([], two_years("VM", "100", "98"))
    assert found.points == 0
    assert found.evidence == ("无证据：本期资源池 一云没有结算清单（slamon import statement）",)


def test_one_pool_is_scored_apart_from_the_others() -> None:
    catalogue = [*two_years("VM", "100", "98"), *two_years("VM", "100", "100", pool="二云")]
    lines = [*year_of("VM"), *year_of("VM", "50", pool="二云")]
    assert score(lines, catalogue).points == 2
    together = score(lines, catalogue, UnitPriceRule())
    # (12×2) / (12×100 + 600×100) = 0.039 %: every pool's lines together.
    assert (together.points, together.measured) == (0, 0.03)


@settings(max_examples=60, deadline=None)
@given(
    items=st.lists(
        st.tuples(
            st.decimals(min_value=D("0.01"), max_value=D("9999"), places=2),
            st.integers(min_value=1, max_value=50),
            st.integers(min_value=1, max_value=31),
        ),
        min_size=1,
        max_size=5,
    ),
    hundredths=st.integers(min_value=-300, max_value=500),
)
def test_prices_cut_by_d_percent_decline_by_exactly_d_whatever_the_weights(
    items: list[tuple[Decimal, int, int]], hundredths: int
) -> None:
    decline = D(hundredths) / 100
    catalogue: list[CatalogueItem] = []
    lines: list[StatementLine] = []
    for index, (before, quantity, days) in enumerate(items):
        code = f"I{index}"
        now = before * (1 - decline / 100)
        catalogue += two_years(code, str(before), str(now))
        lines.append(line("2022-01", code, str(quantity), str(days)))
    found = price_declines(lines, catalogue)
    assert found.percent == Fraction(decline)
    expected = 2 if decline >= 2 else 1 if decline >= 1 else 0
    assert score(lines, catalogue).points == expected


def test_the_computed_decline_replaces_the_evaluators_hand_entry_of_the_same_id(
    contract: Contract,
) -> None:
    scoring = contract.scoring.model_copy(update={"unit_price": UnitPriceRule(pool="一云")})
    configured = contract.model_copy(update={"scoring": scoring})
    entered = ManualEntry("unit_price", "第一资源池云服务单价下降", "效益", 2, 2, "评价组")
    computed = score(year_of("VM"), two_years("VM", "100.00", "99.00"))
    card = build_scorecard([computed], [entered], configured)
    assert card.ignored_manual == [entered]
    [line] = [line for line in card.lines if line.id == "unit_price"]
    assert (line.points, line.section, line.origin) == (1, "效益", Origin.COMPUTED)
