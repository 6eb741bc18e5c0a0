"""7×24服务天数 on the duty-roster basis, by hand: a local day is served when the union of the
scope's shifts covers it from midnight to midnight in the contract's zone; `both` also needs no
outage outside approved maintenance; the default basis reads no roster at all."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from monitor.contract.delivery import ServiceDaysRule
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.resources import Outage, Resource
from monitor.domain.roster import DutyShift
from monitor.domain.scores import IndicatorScore
from monitor.measures.delivery import DaySpan, uncovered_days
from monitor.scorecard import indicators
from monitor.scorecard.inputs import IndicatorInputs
from tests.conftest import SHANGHAI, local
from tests.scorecard.test_registry import CountingSource

MARCH = parse_period("2022-03", SHANGHAI)
AT = local("2022-03-03 23:00")  # the days so far: 1 to 3 March
URUMQI = ZoneInfo("Asia/Urumqi")  # UTC+06:00 all year, two hours behind Shanghai


def shift(pool: str, start: str, end: str, person: str = "张伟") -> DutyShift:
    return DutyShift(pool, local(start), local(end), person)


# The good rows of tests/data/roster_zh.csv: 1 March covered (李娜's night shift from 28
# February until 08:00, then 张伟 and 王芳), 2 March has a one-hour hole (20:00–21:00), 3 March
# is covered by 陈静 until 08:00 and 杨帆 00:00–24:00; 二云 has one day shift.
ROSTER = [
    shift("一云", "2022-02-28 20:00", "2022-03-01 08:00", "李娜"),
    shift("一云", "2022-03-01 08:00", "2022-03-01 20:00", "张伟"),
    shift("一云", "2022-03-01 20:00", "2022-03-02 08:00", "王芳"),
    shift("一云", "2022-03-02 08:00", "2022-03-02 20:00", "刘洋"),
    shift("一云", "2022-03-02 21:00", "2022-03-03 08:00", "陈静"),
    shift("一云", "2022-03-03 00:00", "2022-03-04 00:00", "杨帆"),
    shift("二云", "2022-03-03 08:00", "2022-03-03 20:00", "赵磊"),
]
OUTAGES = [Outage("V1", local("2022-03-01 10:00"), local("2022-03-01 11:00"))]
INVENTORY = [Resource("V1", "vm", "一云")]


def span(at: datetime = AT, zone: ZoneInfo = SHANGHAI) -> DaySpan:
    found = DaySpan.of(parse_period("2022-03", zone), at, zone)
    assert found is not None
    return found


def test_a_night_shift_across_midnight_covers_the_next_morning() -> None:
    assert uncovered_days(ROSTER[:3], span(local("2022-03-01 12:00")), SHANGHAI) == ()
    # Without 李娜's shift from the evening before, 00:00–08:00 of 1 March is open.
    assert [str(day) for day in uncovered_days(ROSTER[1:3], span(), SHANGHAI)] == [
        "2022-03-01",
        "2022-03-02",
        "2022-03-03",
    ]


def test_a_day_with_a_one_hour_hole_is_not_served() -> None:
    assert [str(day) for day in uncovered_days(ROSTER, span(), SHANGHAI)] == ["2022-03-02"]
    filled = [*ROSTER, shift("一云", "2022-03-02 20:00", "2022-03-02 21:00")]
    assert uncovered_days(filled, span(), SHANGHAI) == ()


def test_shifts_that_only_touch_still_cover_the_day_and_a_day_with_none_is_uncovered() -> None:
    halves = [
        shift("一云", "2022-03-01 00:00", "2022-03-01 12:00"),
        shift("一云", "2022-03-01 12:00", "2022-03-02 00:00", "王芳"),
    ]
    assert [str(day) for day in uncovered_days(halves, span(), SHANGHAI)] == [
        "2022-03-02",
        "2022-03-03",
    ]


def test_days_are_the_contracts_zone_days_in_a_zone_other_than_shanghai() -> None:
    # 00:00–24:00 of 2 March in Urumqi is 02:00 on 2 March to 02:00 on 3 March in Shanghai.
    day = [
        DutyShift(
            "一云", datetime(2022, 3, 2, tzinfo=URUMQI), datetime(2022, 3, 3, tzinfo=URUMQI), "张伟"
        )
    ]
    urumqi_days = span(datetime(2022, 3, 3, 12, 0, tzinfo=URUMQI), URUMQI)
    assert [str(d) for d in uncovered_days(day, urumqi_days, URUMQI)] == [
        "2022-03-01",
        "2022-03-03",
    ]
    # Read as Shanghai days the same shift covers none of them whole.
    shanghai_days = span(local("2022-03-03 12:00"))
    assert len(uncovered_days(day, shanghai_days, SHANGHAI)) == 3


class Source(CountingSource):
    def __init__(self, contract: Contract, shifts: Sequence[DutyShift]) -> None:
        super().__init__(contract)
        self.shifts = shifts

    def resources(self) -> Sequence[Resource]:
        self.reads["resources"] += 1
        return INVENTORY

    def outages(self) -> Sequence[Outage]:
        self.reads["outages"] += 1
        return OUTAGES

    def duty_shifts(self) -> Sequence[DutyShift]:
        self.reads["duty_shifts"] += 1
        return self.shifts


def scored(
    contract: Contract, calendar: BusinessCalendar, rule: ServiceDaysRule
) -> tuple[IndicatorScore, Source]:
    scoring = contract.scoring.model_copy(update={"service_days": rule})
    configured = contract.model_copy(update={"scoring": scoring})
    source = Source(configured, ROSTER)
    score = indicators.service_days(IndicatorInputs(MARCH, AT, configured, calendar, source))
    assert isinstance(score, IndicatorScore)
    return score, source


# ⌈300 × 31 / 365⌉ = 26 of March's 31 days required.
RULE = {"required_days": 300, "max_points": 2}


def test_the_roster_basis_counts_the_uncovered_days_and_names_them(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    score, source = scored(contract, calendar, ServiceDaysRule(basis="roster", **RULE))
    assert (score.points, score.measured) == (2, 2)
    assert score.evidence == (
        "服务天数 2/3（要求全期 26/31 天）",
        "值班表未覆盖全天24小时：2022-03-02",
    )
    assert score.evidence_en == (
        "2 service days of 3 (required 26 of 31)",
        "the duty roster did not cover all 24 hours on 2022-03-02",
    )
    assert score.rule_zh == "全部资源池值班表覆盖全天24小时的天数≥26天（全期31天）得2分，否则0分"
    assert score.rule_en == (
        "Days covered all 24 hours by the duty roster of every pool ≥ 26 of 31: 2 points, else 0"
    )
    assert score.details["uncovered_days"] == ["2022-03-02"]
    assert score.details["outage_days"] == [] and score.details["basis"] == "roster"
    assert "outages" not in source.reads  # the outages play no part on this basis


def test_both_needs_the_roster_and_no_uncovered_outage(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    score, _ = scored(contract, calendar, ServiceDaysRule(basis="both", **RULE))
    assert score.measured == 1
    assert score.evidence[1:] == (
        "有未经批准维护的中断：2022-03-01",
        "值班表未覆盖全天24小时：2022-03-02",
    )
    assert score.details["lost_days"] == ["2022-03-01", "2022-03-02"]
    assert score.rule_zh.startswith(
        "全部资源池值班表覆盖全天24小时且全部资源无未经批准维护的中断的天数"
    )


def test_the_default_basis_reads_no_roster_and_says_what_it_said_before(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    score, source = scored(contract, calendar, ServiceDaysRule(**RULE))
    assert score.measured == 2
    assert score.evidence[1:] == ("有未经批准维护的中断：2022-03-01",)
    assert score.rule_zh == "全部资源无未经批准维护的中断的天数≥26天（全期31天）得2分，否则0分"
    assert "duty_shifts" not in source.reads


def test_the_rules_pools_choose_the_shifts_and_too_few_days_score_the_short_points(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # 二云's one day shift covers no whole day; 31 of 31 required: one lost day is short.
    rule = ServiceDaysRule(basis="roster", pools=("二云",), required_days=360, points_if_short=0.5)
    score, _ = scored(contract, calendar, rule)
    assert (score.points, score.measured) == (0.5, 0)
    assert score.evidence[1] == "值班表未覆盖全天24小时：2022-03-01、2022-03-02、2022-03-03"
    assert score.rule_zh.startswith("二云值班表覆盖全天24小时的天数≥31天")


def test_a_basis_the_rule_does_not_know_is_refused() -> None:
    with pytest.raises(ValueError, match="basis"):
        ServiceDaysRule.model_validate({"basis": "duty"})
