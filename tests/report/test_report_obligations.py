"""The monthly 监理报告's 履约事项 section: the periods owed during the month, with evidence."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from collectors.records.evidence import import_evidence
from monitor.contract.contract_set import ContractSet
from monitor.domain.periods import parse_period
from monitor.report.content import report_blocks
from monitor.report.data import report_data
from monitor.runs.scorecard import period_scorecard
from tests.conftest import local
from tests.rules.obligation_contract import contract_with_obligations

DATA = Path(__file__).resolve().parents[1] / "data" / "obligations"


def test_the_october_report_lists_the_obligations_owed_in_october(
    engine: Engine, tmp_path: Path
) -> None:
    contract = contract_with_obligations(tmp_path)
    now = datetime(2023, 11, 1, tzinfo=UTC)
    report = import_evidence(engine, DATA / "evidence_zh.csv", contract, source="s", now=now)
    assert report.exit_code == 0
    contracts = ContractSet.single(contract)
    at = local("2023-10-20 09:00")
    card = period_scorecard(engine, contracts, parse_period("2023-10", contract.zone), at)
    blocks = {block.sheet: block for block in report_blocks(report_data(engine, contracts, card))}
    section = blocks["履约事项"]
    assert section.title == "合同履约事项"
    rows = {(row[0], row[1], row[2]): row for row in section.rows}
    assert rows[("月度运行报告", "2023-09", "—")][4:] == [
        "2023-10-11 24:00",
        1,
        1,
        "按期完成",
        "2023年9月运行报告（2023-10-11 张三）",
    ]
    assert rows[("漏洞通报整改", "TB-2023-17", "—")][7] == "逾期未完成"
    assert rows[("应急演练", "2023", "—")][5:8] == [
        2,
        1,
        "待完成",
    ]  # the second drill is in November
    assert ("月度运行报告", "2023-08", "—") not in rows  # due in September
    assert ("每周巡检", "2023-W41", "一云") in rows
