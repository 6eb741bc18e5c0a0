"""MTTA and MTTR per pool, operator or severity and month, cut to what the viewer may see."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.views.response_times import response_times
from tests.conftest import SHANGHAI, local

SUPERVISOR = Viewer("监理", Role.SUPERVISOR)
POOL_2 = Viewer("二云运营", Role.OPERATOR, pools=("二云",))
MONTHS = [parse_period("2022-11", SHANGHAI), parse_period("2022-12", SHANGHAI)]
TICKETS = (
    "工单编号,类型,故障等级,资源池,运营单位,报障时间,响应时间,恢复时间\n"
    # 一云, December: answered in 10 and 20 minutes, restored in 1 h and 3 h.
    "A-1,fault,major,一云,甲公司,2022-12-01 09:00,2022-12-01 09:10,2022-12-01 10:00\n"
    "A-2,fault,general,一云,甲公司,2022-12-02 09:00,2022-12-02 09:20,2022-12-02 12:00\n"
    # 二云: one in November (30 min, not restored), one in December not answered yet.
    "B-1,fault,major,二云,乙公司,2022-11-15 09:00,2022-11-15 09:30,\n"
    "B-2,fault,major,二云,乙公司,2022-12-05 09:00,,\n"
    # Outside both months.
    "B-3,fault,major,二云,乙公司,2022-10-05 09:00,2022-10-05 09:05,2022-10-05 10:00\n"
)


@pytest.fixture
def stored(engine: Engine, contract: Contract, tmp_path: Path) -> Engine:
    path = tmp_path / "tickets.csv"
    path.write_text(TICKETS, encoding="utf-8")
    import_tickets(engine, path, contract, source="sheet", now=local("2022-12-20 12:00"))
    return engine


def test_mean_times_per_pool_and_month(stored: Engine) -> None:
    found = {(r.period, r.group): r for r in response_times(stored, SUPERVISOR, MONTHS, "pool")}
    assert set(found) == {("2022-11", "二云"), ("2022-12", "一云"), ("2022-12", "二云")}
    one = found[("2022-12", "一云")]
    assert (one.tickets, one.acknowledged, one.restored) == (2, 2, 2)
    assert (one.mtta_seconds, one.mttr_seconds) == (15 * 60, 2 * 3600)
    november = found[("2022-11", "二云")]
    assert (november.mtta_seconds, november.mttr_seconds) == (30 * 60, None)
    december = found[("2022-12", "二云")]
    assert (december.tickets, december.mtta_seconds) == (1, None)


def test_by_severity_and_operator(stored: Engine) -> None:
    december = MONTHS[1:]
    by_severity = {r.group: r for r in response_times(stored, SUPERVISOR, december, "severity")}
    assert by_severity["major"].mtta_seconds == 10 * 60  # B-2 has no response yet
    assert by_severity["general"].mttr_seconds == 3 * 3600
    by_operator = [r.group for r in response_times(stored, SUPERVISOR, december, "operator")]
    assert by_operator == ["乙公司", "甲公司"]


def test_an_operator_sees_only_its_pool(stored: Engine) -> None:
    assert {r.group for r in response_times(stored, POOL_2, MONTHS, "pool")} == {"二云"}
    with pytest.raises(ValueError, match="group by one of"):
        response_times(stored, POOL_2, MONTHS, "title")
