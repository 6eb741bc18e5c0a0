"""/metrics from a snapshot: the same samples as reading everything at scrape time, the clock's
parts worked out at scrape time, and new data only once the snapshot is refreshed."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import Engine

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.exports.prometheus import SlamonCollector
from monitor.exports.snapshot import MetricsSnapshots
from monitor.runs.evaluate import run_evaluation
from monitor.storage.tickets import upsert_tickets
from tests.conftest import local
from tests.exports.test_prometheus_export import NOW, scrape

TAKEN = "slamon_metrics_snapshot_timestamp_seconds"


def scrape_snapshot(
    snapshots: MetricsSnapshots, engine: Engine, contract: Contract, now: datetime
) -> dict[str, float]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SlamonCollector(engine, contract, now=lambda: now, snapshots=snapshots))
    samples: dict[str, float] = {}
    for line in generate_latest(registry).decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def store(engine: Engine, contract: Contract, calendar: BusinessCalendar, *rows: dict) -> None:
    tickets = [{"source": "api", "kind": "fault", "severity": "major", **row} for row in rows]
    with engine.begin() as connection:
        upsert_tickets(connection, tickets, list(tickets[0]), NOW)
    run_evaluation(engine, ContractSet.single(contract, calendar), NOW)


def without_taken(samples: dict[str, float]) -> dict[str, float]:
    return {name: value for name, value in samples.items() if name != TAKEN}


def test_a_snapshot_scrape_equals_reading_everything_and_shows_when_it_was_read(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    store(engine, contract, calendar,
          {"ticket_id": "LATE", "pool": "二云", "operator": "甲",
           "reported_at": local("2024-06-03 10:00")},
          {"ticket_id": "NEW", "pool": "一云", "operator": "乙",
           "reported_at": local("2024-06-03 10:20")})  # fmt: skip
    snapshots = MetricsSnapshots(engine, contract, now=lambda: NOW)
    # No refresh yet: the first scrape reads one itself.
    later = local("2024-06-03 10:45")  # 5 minutes on: the deadline gauges move, nothing else
    got = scrape_snapshot(snapshots, engine, contract, later)
    assert without_taken(got) == without_taken(scrape(engine, contract, later))
    assert got['slamon_nearest_deadline_seconds{pool="一云"}'] == 300
    assert got[TAKEN] == NOW.timestamp()
    assert scrape(engine, contract, later)[TAKEN] == later.timestamp()  # read at scrape time


def test_new_data_shows_once_the_snapshot_is_refreshed(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    row = {"ticket_id": "A", "pool": "一云", "operator": "乙",
           "reported_at": local("2024-06-03 10:20")}  # fmt: skip
    store(engine, contract, calendar, row)
    snapshots = MetricsSnapshots(engine, contract, now=lambda: NOW)
    snapshots.refresh()
    before = scrape_snapshot(snapshots, engine, contract, NOW)
    store(engine, contract, calendar, {**row, "ticket_id": "B", "pool": "二云"})
    assert scrape_snapshot(snapshots, engine, contract, NOW) == before
    assert 'slamon_open_tickets{operator="乙",pool="二云"}' not in before
    snapshots.refresh()
    after = scrape_snapshot(snapshots, engine, contract, NOW)
    assert after['slamon_open_tickets{operator="乙",pool="二云"}'] == 1
    assert after == scrape(engine, contract, NOW)


def test_a_scrape_in_a_new_month_counts_late_tickets_of_that_month_not_the_snapshots(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    store(engine, contract, calendar,
          {"ticket_id": "LATE", "pool": "二云", "operator": "甲",
           "reported_at": local("2024-06-03 10:00")})  # fmt: skip
    snapshots = MetricsSnapshots(engine, contract, now=lambda: NOW)
    snapshots.refresh()
    june = scrape_snapshot(snapshots, engine, contract, NOW)
    july = local("2024-07-01 00:00")
    got = scrape_snapshot(snapshots, engine, contract, july)
    full = contract.scoring.fault_response_timeliness.max_points
    assert june['slamon_timeliness_score_points{period="month"}'] < full
    assert got['slamon_timeliness_score_points{period="month"}'] == full
    assert without_taken(got) == without_taken(scrape(engine, contract, july))
