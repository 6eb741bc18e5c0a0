"""Obligations end to end on SQLite and PostgreSQL: the inventory's 等保 levels and evidence
imported, the periods evaluated and stored, read as of later instants, and scored."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.records.evidence import import_evidence
from collectors.records.resources import import_resources
from monitor.cli.scorecard_output import scorecard_json
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.runs.obligations import evaluate_obligations
from monitor.runs.scorecard import period_scorecard
from monitor.storage.obligations import load_periods
from tests.conftest import local
from tests.rules.obligation_contract import contract_with_obligations

DATA = Path(__file__).resolve().parents[1] / "data" / "obligations"
NOW = datetime(2024, 1, 15, 1, 0, tzinfo=UTC)
RESOURCES = """resource_id,class,pool,user_unit,system,等保级别
VM-1,vm,一云,人社局,社保系统,三级
VM-2,vm,二云,教育局,招生系统,二级
"""
SCORING = """  obligations:
    max_points: 4
    deduction_per_miss: 1
    obligations: [emergency_drill, protection_test, vulnerability_fix]
"""


def _load(engine: Engine, contract: Contract, tmp_path: Path) -> None:
    resources = tmp_path / "resources.csv"
    resources.write_text(RESOURCES, encoding="utf-8")
    for importer, path in (
        (import_resources, resources),
        (import_evidence, DATA / "evidence_zh.csv"),
    ):
        report = importer(engine, path, contract, source="甲运营", now=NOW)
        assert report.exit_code == 0, report.problems


def test_a_drill_obligation_shows_on_the_scorecard_with_its_evidence(
    engine: Engine, tmp_path: Path
) -> None:
    contract = contract_with_obligations(tmp_path, scoring=SCORING)
    _load(engine, contract, tmp_path)
    contracts = ContractSet.single(contract)
    card = period_scorecard(engine, contracts, parse_period("2023", contract.zone), NOW)
    found = {item["id"]: item for item in scorecard_json(card, contract)["indicators"]}
    scored = found["obligations"]
    # Drills 2/2, 社保系统's 等保测评 done, TB-2023-18 fixed in time, TB-2023-17 never: 4 − 1.
    assert (scored["points"], scored["max_points"], scored["measured"]) == (3, 4, 1)
    assert (scored["origin"], scored["section"]) == ("computed", "产出")
    assert scored["evidence"] == [
        "应急演练 2023：按期完成，完成2/2，佐证：应急演练记录-2023-01 2023-05-10 李四；"
        "应急演练记录-2023-02 2023-11-03 李四",
        "等保测评（一云·社保系统） 2023：按期完成，完成1/1，佐证：等保测评报告-社保系统 "
        "2023-06-01 测评机构",
        "漏洞通报整改 TB-2023-17：逾期未完成，完成0/1",
        "漏洞通报整改 TB-2023-18：按期完成，完成1/1，佐证：整改报告-TB-2023-18 2023-10-06 王五",
    ]


def test_without_a_scoring_section_obligations_are_not_on_the_scorecard(
    engine: Engine, tmp_path: Path
) -> None:
    contract = contract_with_obligations(tmp_path)
    _load(engine, contract, tmp_path)
    card = period_scorecard(
        engine, ContractSet.single(contract), parse_period("2023", contract.zone), NOW
    )
    assert "obligations" not in {line.id for line in card.scorecard.lines}


def _by_key(periods: list[dict[str, Any]]) -> dict[tuple[str, str, str, str], str]:
    return {
        (row["obligation_id"], row["label"], row["subject"], row["pool"]): row["status"]
        for row in periods
    }


def test_stored_periods_pass_their_due_moment_without_a_new_evaluation(
    engine: Engine, tmp_path: Path, calendar: BusinessCalendar
) -> None:
    contract = contract_with_obligations(tmp_path)
    _load(engine, contract, tmp_path)
    evaluated = local("2023-10-05 09:00")
    evaluate_obligations(engine, contract, calendar, evaluated)
    stored = _by_key(load_periods(engine, evaluated))
    notice = ("vulnerability_fix", "TB-2023-17", "TB-2023-17", "")
    assert stored[notice] == "due"
    assert stored[("monthly_report", "2023-09", "", "")] == "due"
    later = _by_key(load_periods(engine, local("2023-10-12 00:00")))
    assert later[notice] == "missed"
    # Its evidence (handed in 11 October) was not known at the evaluation.
    assert later[("monthly_report", "2023-09", "", "")] == "missed"
    again = evaluate_obligations(engine, contract, calendar, local("2023-10-12 00:00"))
    assert len(again) == len(load_periods(engine, local("2023-10-12 00:00")))
    assert (
        _by_key(load_periods(engine, local("2023-10-12 00:00")))[
            ("monthly_report", "2023-09", "", "")
        ]
        == "met"
    )


def test_a_pools_reader_sees_only_its_pools_periods(
    engine: Engine, tmp_path: Path, calendar: BusinessCalendar
) -> None:
    contract = contract_with_obligations(tmp_path)
    _load(engine, contract, tmp_path)
    at = local("2023-10-10 09:00")
    evaluate_obligations(engine, contract, calendar, at)
    mine = load_periods(engine, at, pools={"一云"})
    assert mine and {row["pool"] for row in mine} == {"一云"}
    assert {row["obligation_id"] for row in mine} == {"weekly_inspection", "protection_test"}
    week = _by_key(mine)[("weekly_inspection", "2023-W41", "", "一云")]
    assert week == "met"  # 巡检周报-W41 of 9 October
