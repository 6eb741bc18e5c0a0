"""An operator's scorecard covers its own pools: its tickets, resources, inspections and
replies, never another pool's (SQLite and PostgreSQL)."""

from __future__ import annotations

from sqlalchemy import Engine

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.report.content import report_blocks
from monitor.report.data import report_data
from monitor.runs.scorecard import period_scorecard
from monitor.views.scores import scorecard_pools
from tests.conftest import SHANGHAI
from tests.dashboard.seed import AT, fill

YEAR = parse_period("2022", SHANGHAI)
POOL_2 = Viewer("二云运营", Role.OPERATOR, pools=("二云",))
POOL_1 = Viewer("一云运营", Role.OPERATOR, pools=("一云",))


def texts(blocks: object) -> str:
    return repr(blocks)


def test_an_operator_scorecard_and_its_report_hold_only_its_pools(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    fill(engine, contract, calendar)
    contracts = ContractSet.single(contract, calendar)
    whole = period_scorecard(engine, contracts, YEAR, AT)
    assert scorecard_pools(Viewer("监理", Role.SUPERVISOR)) is None and whole.pools is None
    mine = period_scorecard(engine, contracts, YEAR, AT, pools=scorecard_pools(POOL_1))
    assert mine.pools == frozenset({"一云"})
    theirs = period_scorecard(engine, contracts, YEAR, AT, pools=scorecard_pools(POOL_2))
    # Every 2022 violation of the sample is 二云's: 一云's timeliness is full marks.
    timeliness = {
        card.pools: next(line for line in card.scorecard.lines if line.id.startswith("fault"))
        for card in (whole, mine, theirs)
    }
    assert timeliness[frozenset({"一云"})].points == timeliness[frozenset({"一云"})].max_points
    assert timeliness[frozenset({"二云"})].points == timeliness[None].points
    blocks = report_blocks(report_data(engine, contracts, mine))
    report = texts(blocks)
    for ticket_id in ("GZ-2022-0102", "GZ-2022-0088", "HF-2022-0014", "YC-2022-0091"):
        assert ticket_id not in report  # 二云's tickets
    [pools] = [block for block in blocks if block.sheet == "资源池对比"]
    assert pools.headers == ["项目", "一云"]
    assert "GZ-2022-0102" in texts(report_blocks(report_data(engine, contracts, theirs)))
    # Utilisation and pool figures of the other pool are not in the operator's evidence.
    details = repr([line.details for line in mine.scorecard.lines])
    assert "二云" not in details
