"""/metrics' timeliness gauge counts late tickets the way `slamon score` does: waived violations
do not count, and a revoked waiver counts again."""

from __future__ import annotations

from sqlalchemy import Engine

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.runs.evaluate import score_period
from monitor.storage.waivers import revoke
from monitor.views.incident import find_ticket
from tests.conftest import SHANGHAI, local
from tests.dashboard.seed import AT, fill
from tests.exports.test_prometheus_export import scrape
from tests.storage.waiver_steps import approved_waiver

SUPERVISOR = Viewer("监理张工", Role.SUPERVISOR)
WAIVED_AT = local("2022-12-20 14:00")
PERIODS = {"month": "2022-12", "year": "2022"}  # the current ones as of AT


def gauges(engine: Engine, contract: Contract) -> dict[str, float]:
    samples = scrape(engine, contract, AT)
    return {p: samples[f'slamon_timeliness_score_points{{period="{p}"}}'] for p in PERIODS}


def scored(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> dict[str, float]:
    points = {}
    for name, period in PERIODS.items():
        scores = score_period(
            engine, ContractSet.single(contract, calendar), parse_period(period, SHANGHAI), AT
        )
        (fault,) = [s for s in scores if s.id == "fault_response_timeliness"]
        points[name] = fault.points
    return points


def test_the_timeliness_gauge_subtracts_waivers_like_the_score(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    fill(engine, contract, calendar)
    filled = engine
    deduction = contract.scoring.fault_response_timeliness.deduction_per_late
    before = gauges(filled, contract)
    # 2022 as of 12-20 12:00: GZ-2022-0102 (restore and report late) and GZ-2022-0171 late.
    assert before["year"] == 1
    assert before == scored(filled, contract, calendar)

    pk = find_ticket(filled, SUPERVISOR, "GZ-2022-0102")
    assert pk is not None
    first = approved_waiver(filled, pk, "major.restore", reason="不可抗力：市电中断",
                            attachment_ref="监理函〔2022〕17号", now=WAIVED_AT)  # fmt: skip
    assert gauges(filled, contract) == before  # its report was late too: still a late ticket
    approved_waiver(filled, pk, "major.report", reason="同上", attachment_ref="同上", now=WAIVED_AT)
    waived = gauges(filled, contract)
    assert waived["year"] == before["year"] + deduction
    assert waived == scored(filled, contract, calendar)

    revoke(filled, SUPERVISOR, first, reason="附件不符", now=local("2022-12-21 09:00"))
    assert gauges(filled, contract) == before
