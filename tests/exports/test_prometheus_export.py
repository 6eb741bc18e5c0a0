"""/metrics reads the stored state at scrape time: names, labels and values by hand."""

from __future__ import annotations

from datetime import datetime

from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import Engine

from monitor.alerting.config import AlertingConfig
from monitor.alerting.hook import alert_hook
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.exports.prometheus import SlamonCollector
from monitor.runs.evaluate import run_evaluation
from monitor.storage.tickets import upsert_tickets
from tests.conftest import local

NOW = local("2024-06-03 10:40")


def scrape(engine: Engine, contract: Contract, now: datetime = NOW) -> dict[str, float]:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SlamonCollector(engine, contract, now=lambda: now))
    samples: dict[str, float] = {}
    for line in generate_latest(registry).decode().splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def test_metrics_show_results_breaches_deadlines_scores_and_the_outbox(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    rows = [
        {
            "ticket_id": "LATE",
            "pool": "二云",
            "operator": "甲",
            "reported_at": local("2024-06-03 10:00"),
        },
        {
            "ticket_id": "NEW",
            "pool": "一云",
            "operator": "乙",
            "reported_at": local("2024-06-03 10:20"),
        },
    ]
    rows = [{"source": "api", "kind": "fault", "severity": "major", **row} for row in rows]
    with engine.begin() as connection:
        upsert_tickets(connection, rows, list(rows[0]), NOW)
    alerting = AlertingConfig.model_validate(
        {"channels": [{"name": "hook", "type": "webhook", "url": "http://127.0.0.1:9/"}]}
    )
    run_evaluation(
        engine,
        ContractSet.single(contract, calendar),
        NOW,
        on_stored=alert_hook(contract, alerting, NOW),
    )

    got = scrape(engine, contract)
    assert got['slamon_open_breaches{operator="甲",pool="二云",target="major.arrival"}'] == 1
    assert (
        got[
            'slamon_target_results{operator="乙",pool="一云",status="pending",target="major.arrival"}'
        ]
        == 1
    )
    assert got['slamon_open_tickets{operator="甲",pool="二云"}'] == 1
    assert got['slamon_breaches_total{pool="二云",target="major.arrival"}'] == 1
    # 一云's nearest deadline: NEW's arrival at 10:50, 10 minutes from NOW.
    assert got['slamon_nearest_deadline_seconds{pool="一云"}'] == 600
    assert (
        got['slamon_nearest_deadline_seconds{pool="二云"}']
        == 3 * 3600 - 40 * 60 + 2 * 3600 - 3 * 3600
    )
    assert got['slamon_timeliness_score_points{period="month"}'] == 2
    assert got['slamon_timeliness_score_points{period="year"}'] == 2
    assert got["slamon_timeliness_score_max_points"] == 3
    assert got['slamon_alerts_total{stage="breached"}'] == 1
    assert got['slamon_alert_outbox_depth{channel="hook"}'] == 1
    assert got["slamon_last_evaluation_timestamp_seconds"] == NOW.timestamp()
    assert not [name for name in got if "LATE" in name or "NEW" in name]


def test_metrics_show_the_calendars_end_and_the_results_it_cannot_tell(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    # Restored Wed 2026-12-30: the 3-working-day report needs 2027, which nobody knows yet.
    reported = local("2026-12-30 09:00")
    row = {
        "source": "api",
        "ticket_id": "Y-1",
        "kind": "fault",
        "severity": "major",
        "pool": "一云",
        "operator": "乙",
        "reported_at": reported,
        "arrived_at": reported,
        "restored_at": reported,
    }
    with engine.begin() as connection:
        upsert_tickets(connection, [row], list(row), reported)
    now = local("2026-12-31 20:00")
    run_evaluation(engine, ContractSet.single(contract, calendar), now)
    got = scrape(engine, contract, now)
    assert got["slamon_calendar_known_until_timestamp_seconds"] == (
        local("2027-01-01 00:00").timestamp()
    )
    unknown = 'slamon_target_results{operator="乙",pool="一云",status="calendar_unknown",'
    assert got[unknown + 'target="major.report"}'] == 1
    # December's only fault ticket: not counted late.
    assert got['slamon_timeliness_score_points{period="month"}'] == 3
