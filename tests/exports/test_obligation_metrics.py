"""/metrics' obligation gauges: stored periods by obligation and pool, statuses as of the scrape."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import Engine

from collectors.records.evidence import import_evidence
from monitor.domain.calendar import BusinessCalendar
from monitor.exports.prometheus import SlamonCollector
from monitor.runs.obligations import evaluate_obligations
from tests.conftest import local
from tests.rules.obligation_contract import contract_with_obligations

DATA = Path(__file__).resolve().parents[1] / "data" / "obligations"


def test_obligations_due_at_risk_and_missed_are_gauges_by_obligation_and_pool(
    engine: Engine, tmp_path: Path, calendar: BusinessCalendar
) -> None:
    contract = contract_with_obligations(tmp_path, header="valid_from: 2023-09-01")
    now = datetime(2023, 10, 1, tzinfo=UTC)
    assert (
        import_evidence(engine, DATA / "evidence_zh.csv", contract, source="s", now=now).exit_code
        == 0
    )
    evaluate_obligations(engine, contract, calendar, local("2023-10-09 09:00"))
    registry = CollectorRegistry(auto_describe=False)
    scraped = local("2023-10-10 09:00")
    registry.register(SlamonCollector(engine, contract, now=lambda: scraped))
    text = generate_latest(registry).decode()
    samples = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("slamon_obligations_")
    }
    # TB-2023-17 (noticed 25 September) was due at the end of 9 October: missed at the scrape,
    # though the evaluation saw it at risk; the September report is at risk (due 11 October,
    # its evidence of the 11th not yet known); week 41 of 一云 is done, 二云's not yet due.
    assert samples['slamon_obligations_missed{obligation="vulnerability_fix",pool=""}'] == 1
    assert samples['slamon_obligations_at_risk{obligation="monthly_report",pool=""}'] == 1
    assert samples['slamon_obligations_due{obligation="weekly_inspection",pool="二云"}'] == 1
    assert 'slamon_obligations_due{obligation="weekly_inspection",pool="一云"}' not in samples
    assert "TB-2023" not in text and "社保系统" not in text  # no notice or system as a label
