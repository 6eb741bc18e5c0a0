"""交付数量 and 7×24服务天数, by hand: a resource counts on a local day when it was in service
at some moment of it (in_service_from ≤ t < reclaimed_at); a day is lost to an outage outside
approved maintenance of a counted resource."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.contract.delivery import DeliveredQuantitiesRule, ServiceDaysRule, UnitPriceRule
from monitor.contract.metrics import MaintenanceWindow
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.resources import Outage, Resource
from monitor.measures.availability import approved_windows
from monitor.measures.delivery import DaySpan, count_service_days, delivered
from monitor.measures.service_life import in_service_on
from monitor.scorecard import registry
from monitor.scorecard.delivery_indicators import delivered_quantities, service_days
from monitor.scorecard.inputs import IndicatorInputs
from tests.conftest import SHANGHAI, local
from tests.scorecard.test_registry import CountingSource

YEAR = parse_period("2022", SHANGHAI)
AFTER = local("2023-01-05 00:00")


def resource(rid: str, klass: str, since: str | None = None, until: str | None = None) -> Resource:
    return Resource(
        rid,
        klass,
        "一云",
        in_service_from=local(since) if since else None,
        reclaimed_at=local(until) if until else None,
    )


INVENTORY = [
    resource("P1", "physical", "2020-01-01 00:00"),
    resource("P2", "physical", "2022-03-01 09:00"),
    resource("V1", "vm"),
    resource("V2", "vm", "2021-05-01 00:00", "2022-12-31 00:00"),  # last day 30 December
    resource("V3", "vm", "2021-05-01 00:00", "2022-12-31 00:01"),  # in service on the 31st
    resource("V4", "vm", "2023-01-01 00:00"),  # after the year
]


def test_every_day_counts_the_fewest_in_service_and_names_the_day(contract: Contract) -> None:
    span = DaySpan.of(YEAR, AFTER, SHANGHAI)
    assert span is not None and span.days == 365
    rule = DeliveredQuantitiesRule(planned={"physical": 2, "vm": 2})
    found = delivered(INVENTORY, rule.planned, span, SHANGHAI)
    assert [(f.resource_class, f.fewest, str(f.fewest_on), f.last_day) for f in found] == [
        ("physical", 1, "2022-01-01", 2),
        ("vm", 2, "2022-12-31", 2),
    ]
    score = delivered_quantities(found, rule, contract)
    assert (score.points, score.max_points, score.measured) == (0, 2, 75.0)
    assert score.evidence == (
        "物理机：在用 1/计划 2（差 1，最少于 2022-01-01）",
        "云主机：在用 2/计划 2（达标，最少于 2022-12-31）",
    )
    assert score.evidence_en == (
        "physical: 1 in service of 2 planned (1 short, fewest on 2022-01-01)",
        "vm: 2 in service of 2 planned (met, fewest on 2022-12-31)",
    )
    assert score.details["short"] == ["physical"]


def test_the_last_day_and_the_other_scorings(contract: Contract) -> None:
    span = DaySpan.of(YEAR, AFTER, SHANGHAI)
    assert span is not None
    planned = {"physical": 2, "vm": 4}
    found = delivered(INVENTORY, planned, span, SHANGHAI)
    last_day = DeliveredQuantitiesRule(planned={"physical": 2}, count_on="last_day")
    assert delivered_quantities(found[:1], last_day, contract).points == 2
    # vm on the last day: V1 and V3 of 4; physical 2 of 2 → (1 + 0.5) / 2 × 3.
    proportional = DeliveredQuantitiesRule(
        planned=planned, count_on="last_day", scoring="proportional", max_points=3
    )
    assert delivered_quantities(found, proportional, contract).points == 2.25
    per_class = DeliveredQuantitiesRule(
        planned=planned, scoring="per_class", max_points=3, deduction_per_class=1
    )
    assert delivered_quantities(found, per_class, contract).points == 1  # both short every day


def test_a_running_period_counts_its_days_so_far() -> None:
    span = DaySpan.of(YEAR, local("2022-02-28 08:00"), SHANGHAI)
    assert span is not None and (str(span.last), span.days) == ("2022-02-28", 59)
    found = delivered(INVENTORY, {"physical": 2}, span, SHANGHAI)
    assert (found[0].fewest, found[0].last_day) == (1, 1)  # P2 arrives on 1 March
    assert DaySpan.of(YEAR, local("2021-12-31 23:59"), SHANGHAI) is None


def outage(rid: str, start: str, end: str | None, approved_by: str | None = None) -> Outage:
    return Outage(
        rid, local(start), local(end) if end else None, approved_by is not None, approved_by
    )


def served(
    outages: list[Outage], contract: Contract, rule: ServiceDaysRule, at: datetime = AFTER
) -> tuple[int, tuple[str, ...]]:
    span = DaySpan.of(YEAR, at, SHANGHAI)
    assert span is not None
    inventory = {r.resource_id: r for r in INVENTORY}
    classes = rule.classes

    def counts(found: Resource | None) -> bool:
        return found is not None and (not classes or found.resource_class in classes)

    windows = approved_windows(contract, outages)
    days = count_service_days(outages, inventory, windows, span, at, SHANGHAI, counts)
    return days.served, tuple(str(day) for day in days.lost)


def test_days_touched_by_an_outage_are_lost_approved_maintenance_is_not(
    contract: Contract,
) -> None:
    rule = ServiceDaysRule()
    outages = [
        outage("V1", "2022-03-05 23:30", "2022-03-06 00:30"),  # two days
        outage("V1", "2022-03-06 10:00", "2022-03-06 11:00"),  # the same day again
        outage("P1", "2022-06-01 02:00", "2022-06-01 04:00", approved_by="信息中心"),
        outage("V3", "2022-07-01 00:00", "2022-07-02 00:00"),  # ends at midnight: one day
    ]
    assert served(outages, contract, rule) == (362, ("2022-03-05", "2022-03-06", "2022-07-01"))
    vm_only = ServiceDaysRule(classes=("physical",))
    assert served(outages, contract, vm_only) == (365, ())


def test_a_contract_maintenance_window_covers_the_outage_inside_it(contract: Contract) -> None:
    window = MaintenanceWindow(
        start=datetime(2022, 8, 1, 1, 0),
        end=datetime(2022, 8, 1, 5, 0),
        approved_by="信息中心",
        classes=("vm",),
    )
    windowed = contract.model_copy(
        update={
            "availability": contract.availability.model_copy(
                update={"maintenance_windows": (window,)}
            )
        }
    )
    inside = [outage("V1", "2022-08-01 02:00", "2022-08-01 03:00")]
    assert served(inside, windowed, ServiceDaysRule()) == (365, ())
    beyond = [outage("V1", "2022-08-01 04:00", "2022-08-02 00:10")]
    assert served(beyond, windowed, ServiceDaysRule()) == (363, ("2022-08-01", "2022-08-02"))


def test_an_outage_still_going_on_lasts_until_the_evaluation() -> None:
    at = local("2022-03-03 12:00")
    span = DaySpan.of(YEAR, at, SHANGHAI)
    assert span is not None
    found = count_service_days(
        [outage("V1", "2022-03-02 20:00", None)], {}, [], span, at, SHANGHAI, lambda _r: True
    )
    assert ([str(day) for day in found.lost], found.served) == (["2022-03-02", "2022-03-03"], 60)


def test_360_of_365_days_scores_full_marks_and_359_does_not(contract: Contract) -> None:
    span = DaySpan.of(YEAR, AFTER, SHANGHAI)
    assert span is not None
    rule = ServiceDaysRule(required_days=360, max_points=2)
    five = [
        outage("V1", f"2022-04-{day:02d} 10:00", f"2022-04-{day:02d} 11:00") for day in range(1, 6)
    ]
    six = [*five, outage("V1", "2022-05-01 10:00", "2022-05-01 11:00")]
    inventory = {r.resource_id: r for r in INVENTORY}
    met = service_days(
        count_service_days(five, inventory, [], span, AFTER, SHANGHAI, lambda _r: True), rule, YEAR
    )
    assert (met.points, met.measured) == (2, 360)
    assert met.evidence[0] == "服务天数 360/365（要求全期 360/365 天）"
    assert met.evidence_en is not None
    assert met.evidence_en[0] == "360 service days of 365 (required 360 of 365)"
    short = service_days(
        count_service_days(six, inventory, [], span, AFTER, SHANGHAI, lambda _r: True), rule, YEAR
    )
    assert (short.points, short.measured) == (0, 359)
    assert short.evidence[1].startswith("有未经批准维护的中断：2022-04-01、2022-04-02")


def test_a_month_requires_its_share_of_the_year_rounded_up() -> None:
    february = parse_period("2022-02", SHANGHAI)
    span = DaySpan.of(february, local("2022-03-10 00:00"), SHANGHAI)
    assert span is not None
    one = [outage("V1", "2022-02-10 10:00", "2022-02-10 11:00")]
    found = count_service_days(one, {}, [], span, AFTER, SHANGHAI, lambda _r: True)
    score = service_days(found, ServiceDaysRule(), february)
    # ⌈360 × 28 / 365⌉ = 28: one lost day of 28 misses it.
    assert (score.points, score.details["required_days"]) == (0, 28)


MOMENTS = st.one_of(
    st.none(),
    st.datetimes(min_value=datetime(2022, 1, 25), max_value=datetime(2022, 3, 5)).map(
        lambda moment: moment.replace(tzinfo=SHANGHAI)
    ),
)


@settings(max_examples=40, deadline=None)
@given(lives=st.lists(st.tuples(MOMENTS, MOMENTS), min_size=1, max_size=8))
def test_the_daily_counts_match_a_day_by_day_count(
    lives: list[tuple[datetime | None, datetime | None]],
) -> None:
    february = parse_period("2022-02", SHANGHAI)
    span = DaySpan.of(february, AFTER, SHANGHAI)
    assert span is not None
    inventory = [
        Resource(f"V{index}", "vm", in_service_from=since, reclaimed_at=until)
        for index, (since, until) in enumerate(lives)
        if since is None or until is None or since < until
    ]
    [found] = delivered(inventory, {"vm": 1}, span, SHANGHAI)
    days = [span.first + timedelta(days=offset) for offset in range(span.days)]
    daily = [sum(in_service_on(r, day, SHANGHAI) for r in inventory) for day in days]
    assert (found.fewest, found.last_day) == (min(daily), daily[-1])
    assert found.fewest_on == days[daily.index(min(daily))]


def test_the_three_read_their_inputs_once_and_are_scored_when_configured(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    scoring = contract.scoring.model_copy(
        update={
            "unit_price": UnitPriceRule(),
            "delivered_quantities": DeliveredQuantitiesRule(planned={"vm": 1}),
            "service_days": ServiceDaysRule(),
        }
    )
    configured = contract.model_copy(update={"scoring": scoring})
    source = CountingSource(configured)
    inputs = IndicatorInputs(YEAR, AFTER, configured, calendar, source)
    outcomes = registry.score_indicators(inputs)
    points = [
        getattr(outcomes[key], "points", None)
        for key in ("unit_price", "delivered_quantities", "service_days")
    ]
    # No catalogue: 0; no vm in the inventory: 0 of 1 planned; no outage: every day served.
    assert points == [0, 0, 1]
    assert {source.reads[part] for part in ("catalogue", "statement", "resources", "outages")} == {
        1
    }
