"""/metrics' billing gauges from the sample month (tests/data/billing/, by hand in
tests/runs/test_billing.py): billed and disputed 元 by pool and by class, no resource as a
label, worked out again once a stored line changes."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import Engine, text

from collectors.records.catalogue import import_catalogue
from collectors.records.resources import import_resources
from collectors.records.statements import import_statement
from monitor.contract.model import Contract
from monitor.exports.prometheus import SlamonCollector

DATA = Path(__file__).resolve().parents[1] / "data" / "billing"
NOW = datetime(2024, 4, 5, tzinfo=UTC)


def _billing_samples(registry: CollectorRegistry) -> tuple[dict[str, float], str]:
    scraped = generate_latest(registry).decode()
    samples = {
        line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1])
        for line in scraped.splitlines()
        if line.startswith("slamon_billing_")
    }
    return samples, scraped


def test_the_latest_months_billed_and_disputed_yuan_by_pool_and_class(
    engine: Engine, contract: Contract
) -> None:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SlamonCollector(engine, contract, now=lambda: NOW))
    assert _billing_samples(registry)[0] == {}  # no statement yet: no figures
    for importer, name in (
        (import_catalogue, "catalogue_zh.csv"),
        (import_resources, "resources_2024_03.csv"),
        (import_statement, "statement_2024_03.csv"),
    ):
        assert importer(engine, DATA / name, contract, source="甲", now=NOW).exit_code == 0
    samples, scraped = _billing_samples(registry)
    month = 'period="2024-03",pool="一云"'
    assert samples == {
        f"slamon_billing_billed_yuan{{{month}}}": 13570.40,
        f"slamon_billing_disputed_yuan{{{month}}}": 5354.51,
        f'slamon_billing_disputed_by_code_yuan{{code="outside_service_life",{month}}}': 284.51,
        f'slamon_billing_disputed_by_code_yuan{{code="price_mismatch",{month}}}': 30.0,
        f'slamon_billing_disputed_by_code_yuan{{code="arithmetic_error",{month}}}': 3780.0,
        f'slamon_billing_disputed_by_code_yuan{{code="duplicate_line",{month}}}': 420.0,
        f'slamon_billing_disputed_by_code_yuan{{code="quantity_mismatch",{month}}}': 420.0,
        f'slamon_billing_disputed_by_code_yuan{{code="not_in_inventory",{month}}}': 420.0,
    }
    assert "VM-" not in scraped and "学籍系统" not in scraped  # no resource or system label
    with engine.begin() as connection:  # VM-999's line taken out of the statement
        connection.execute(text("DELETE FROM statement_line WHERE resource_id = 'VM-999'"))
    samples, _ = _billing_samples(registry)
    assert samples[f"slamon_billing_disputed_yuan{{{month}}}"] == 4934.51
    assert not any("not_in_inventory" in name for name in samples)
