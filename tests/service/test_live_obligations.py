"""The live service's whole evaluation stores the obligation periods /metrics reads."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from collectors.records.evidence import import_evidence
from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.service.live import LiveEvaluator
from monitor.service.locks import Locks
from monitor.storage.obligations import load_periods
from tests.conftest import local
from tests.rules.obligation_contract import contract_with_obligations

DATA = Path(__file__).resolve().parents[1] / "data" / "obligations"


def test_the_obligation_periods_are_stored_as_of_the_services_clock(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    contract = contract_with_obligations(tmp_path, header="valid_from: 2023-01-01")
    now = datetime(2023, 10, 1, tzinfo=UTC)
    report = import_evidence(sqlite_engine, DATA / "evidence_zh.csv", contract, source="s", now=now)
    assert report.exit_code == 0
    at = local("2023-10-12 09:00")
    live = LiveEvaluator(
        sqlite_engine, ContractSet.single(contract), AlertingConfig(), Locks(sqlite_engine),
        now=lambda: at,
    )  # fmt: skip
    stored = live.evaluate_obligations()
    periods = load_periods(sqlite_engine, at)
    assert stored == len(periods) > 0
    by_key = {(row["obligation_id"], row["label"]): row for row in periods}
    assert by_key[("monthly_report", "2023-09")]["status"] == "met"
    assert by_key[("monthly_report", "2023-09")]["evaluated_at"] == at
