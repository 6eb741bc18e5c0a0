"""The overview, incident, violation, availability, inspection and pool queries — each with the
viewer's role applied in the query: what an operator or a user unit may not see never leaves
the database."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.views.compare import pool_comparison
from monitor.views.incident import find_ticket, incident_detail
from monitor.views.measures import availability_for, inspections_for
from monitor.views.overview import (
    OpenCount,
    collectors_health,
    last_evaluation,
    open_clocks,
    open_incidents,
    violations_by_period,
)
from monitor.views.violations import ViolationQuery, list_violations
from tests.conftest import SHANGHAI, local
from tests.dashboard.seed import AT, fill

SUPERVISOR = Viewer("监理", Role.SUPERVISOR)
POOL_2 = Viewer("二云运营", Role.OPERATOR, pools=("二云",))
RENSHE = Viewer("人社局", Role.USER_UNIT, units=("市人社局",))
DECEMBER = parse_period("2022-12", SHANGHAI)
MONTHS = [parse_period("2022-11", SHANGHAI), DECEMBER]


@pytest.fixture
def filled(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> Engine:
    fill(engine, contract, calendar)
    return engine


def test_open_incidents_are_counted_per_kind_and_severity(filled: Engine) -> None:
    assert open_incidents(filled, SUPERVISOR) == [
        OpenCount("fault", "major", 1),
        OpenCount("fault", "significant", 1),
        OpenCount("monitoring", None, 1),
    ]
    assert open_incidents(filled, RENSHE) == [OpenCount("fault", "major", 1)]


def test_running_clocks_come_overdue_first_then_by_deadline(filled: Engine) -> None:
    clocks, by_status = open_clocks(filled, SUPERVISOR, now=AT)
    assert [(c.ticket_id, c.target_id, c.status, c.deadline) for c in clocks] == [
        ("GZ-2022-0171", "significant.restore", "breached", local("2022-12-20 10:00")),
        ("GZ-2022-0170", "major.restore", "at_risk", local("2022-12-20 12:05")),
        ("JK-2022-0601", "monitoring.complete", "pending", local("2022-12-20 17:00")),
    ]
    assert by_status == {"breached": 1, "at_risk": 1, "pending": 1}
    pool_2 = open_clocks(filled, POOL_2, now=AT)[0]
    assert [c.ticket_id for c in pool_2] == ["GZ-2022-0171", "JK-2022-0601"]


def test_violations_this_month_and_last_are_counted_by_report_month(filled: Engine) -> None:
    november, december = violations_by_period(filled, SUPERVISOR, MONTHS, AT)
    # December: HF-2022-0014 (restore size without a restore time) and GZ-2022-0171 (open, late).
    assert (december.label, december.results, december.tickets, december.waived) == (
        "2022-12", 2, 2, 0,
    )  # fmt: skip
    assert (november.results, november.tickets) == (0, 0)
    assert [m.results for m in violations_by_period(filled, RENSHE, MONTHS, AT)] == [0, 0]


def test_the_violation_list_is_cut_to_the_viewers_pool(filled: Engine) -> None:
    everything = list_violations(filled, SUPERVISOR, ViolationQuery(), AT)
    pool_2 = list_violations(filled, POOL_2, ViolationQuery(), AT)
    assert everything.total == 6 and pool_2.total == 6  # every 2022 violation is in 二云
    assert {v.pool for v in pool_2.rows} == {"二云"}
    pool_1 = Viewer("一云运营", Role.OPERATOR, pools=("一云",))
    assert list_violations(filled, pool_1, ViolationQuery(), AT).total == 0
    assert list_violations(filled, RENSHE, ViolationQuery(), AT).total == 0


def test_an_incident_outside_the_viewers_scope_does_not_exist_for_it(
    filled: Engine, contract: Contract
) -> None:
    pk = find_ticket(filled, SUPERVISOR, "GZ-2022-0031")  # 一云, 市人社局
    assert pk is not None
    assert incident_detail(filled, POOL_2, contract, pk, AT) is None
    assert find_ticket(filled, POOL_2, "GZ-2022-0031") is None
    assert incident_detail(filled, RENSHE, contract, pk, AT) is not None


def test_the_incident_detail_has_every_event_clock_and_rule(
    filled: Engine, contract: Contract
) -> None:
    pk = find_ticket(filled, SUPERVISOR, "GZ-2022-0102")
    assert pk is not None
    detail = incident_detail(filled, SUPERVISOR, contract, pk, AT)
    assert detail is not None
    assert [name for name, _ in detail.events] == [
        "reported_at", "responded_at", "arrived_at", "restored_at", "confirmed_at",
        "report_submitted_at", "closed_at",
    ]  # fmt: skip
    restore = next(c for c in detail.clocks if c.target_id == "major.restore")
    assert (restore.status, restore.rule_zh, restore.deadline, restore.stop) == (
        "breached",
        "重大故障2小时解决故障",
        local("2022-08-10 13:41"),
        local("2022-08-17 18:00"),
    )
    assert (restore.start_event, restore.stop_event) == ("reported_at", "restored_at")
    # The first evaluation recorded each target's status as a change from nothing.
    assert [(e.what, e.detail) for e in detail.timeline if e.kind == "status"] == [
        ("major.arrival", "— → met"),
        ("major.restore", "— → breached"),
        ("major.report", "— → breached"),
    ]


def test_collectors_health_shows_the_watermark_and_last_run(filled: Engine) -> None:
    (health,) = collectors_health(filled, AT)
    assert (health.name, health.lag_seconds, health.runs, health.failed_runs, health.healthy) == (
        "prometheus-vm", 300.0, 1, 0, True,
    )  # fmt: skip
    assert last_evaluation(filled) is not None


def test_availability_and_inspections_are_cut_to_the_viewers_pools(
    filled: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    everything = availability_for(filled, contract, SUPERVISOR, DECEMBER, AT)
    assert {f.pool for f in everything.resources} == {"一云", "二云"}
    pool_2 = availability_for(filled, contract, POOL_2, DECEMBER, AT)
    assert {f.pool for f in pool_2.resources} == {"二云"}
    assert [f.key for f in pool_2.by_pool] == ["二云"]
    august = parse_period("2022-08", SHANGHAI)
    # XJ-0803 (二云, never resolved) and XJ-0805 (no record) are open findings.
    assert len(inspections_for(filled, contract, calendar, SUPERVISOR, august, AT).unclosed) == 2
    pool_1 = Viewer("一云运营", Role.OPERATOR, pools=("一云",))
    assert inspections_for(filled, contract, calendar, pool_1, august, AT).unclosed == []


def test_pools_side_by_side(filled: Engine, contract: Contract, calendar: BusinessCalendar) -> None:
    year = parse_period("2022", SHANGHAI)
    pools = {p.pool: p for p in pool_comparison(filled, contract, calendar, SUPERVISOR, year, AT)}
    assert (pools["一云"].tickets, pools["一云"].open, pools["一云"].violations) == (8, 1, 0)
    assert (pools["二云"].tickets, pools["二云"].open, pools["二云"].violations) == (8, 2, 6)
    assert pools["一云"].utilisation == pytest.approx((47.4 + 64.6 + 63.8) / 3)
    only_mine = pool_comparison(filled, contract, calendar, POOL_2, year, AT)
    assert [p.pool for p in only_mine] == ["二云"]
