"""`slamon serve`'s /metrics snapshot: an API ingest shows at once (no waiting for the refresh
interval), another process's write shows within SLAMON_METRICS_REFRESH, and the values are
what the stored-state queries (monitor.storage.live) say when called directly."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.runs.evaluate import run_evaluation
from monitor.storage import live
from monitor.storage.tickets import upsert_tickets
from tests.serving import Serve, create_token, major_fault, service_env, wait_until

pytestmark = pytest.mark.slow

# Whole evaluations, re-plans and the interval refresh far away: only what the test does counts.
QUIET = {"SLAMON_EVALUATION_INTERVAL": "24h", "SLAMON_REPLAN_INTERVAL": "1h"}
SNAPSHOT_FAMILIES = ("slamon_target_results", "slamon_open_breaches", "slamon_open_tickets",
                     "slamon_breaches_total", "slamon_timeliness_score_points",
                     "slamon_alerts_total", "slamon_last_evaluation_timestamp_seconds")  # fmt: skip
SCRAPE_TOKEN = "scrape-0123456789abcdef-secret"


def serve(tmp_path: Path, engine: Engine, refresh: str) -> tuple[Serve, str]:
    (tmp_path / "alerting.yaml").write_text("channels: []\n", encoding="utf-8")
    url = engine.url.render_as_string(hide_password=False)
    env = service_env(
        tmp_path, url, SLAMON_METRICS_REFRESH=refresh, SLAMON_METRICS_TOKEN=SCRAPE_TOKEN, **QUIET
    )
    token = create_token(env, tmp_path)
    return Serve(tmp_path, env), token


def scrape(service: Serve) -> tuple[float, dict[str, float], float]:
    """The samples of one GET /metrics, with the Unix times just before and just after it."""
    before = time.time()
    headers = {"Authorization": f"Bearer {SCRAPE_TOKEN}"}
    text = requests.get(f"{service.url}/metrics", headers=headers, timeout=30).text
    after = time.time()
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return before, samples, after


def labels(**pairs: str) -> str:
    return "{" + ",".join(f'{key}="{value}"' for key, value in sorted(pairs.items())) + "}"


def from_the_database(engine: Engine, contract: Contract) -> dict[str, float]:
    """The snapshot's families straight from monitor.storage.live, rendered like /metrics."""
    expected: dict[str, float] = {}
    now = datetime.now(UTC)

    def add(name: str, value: float) -> None:
        expected[name] = expected.get(name, 0) + value

    for row in live.result_counts(engine, now):
        key = {"target": row.target_id, "pool": row.pool, "operator": row.operator}
        add(f"slamon_target_results{labels(**key, status=row.status)}", row.count)
        if row.status == "breached" and row.open_clock:
            add(f"slamon_open_breaches{labels(**key)}", row.count)
    for row in live.open_tickets(engine):
        add(f"slamon_open_tickets{labels(pool=row.pool, operator=row.operator)}", row.count)
    for row in live.breach_flips(engine):
        add(f"slamon_breaches_total{labels(target=row.target_id, pool=row.pool)}", row.count)
    rule = contract.scoring.fault_response_timeliness
    local = now.astimezone(contract.zone)
    for name, text in (("month", local.strftime("%Y-%m")), ("year", local.strftime("%Y"))):
        period = parse_period(text, contract.zone)
        late = live.late_tickets(engine, rule.kinds, period.start, period.end, now)
        points = max(rule.floor, rule.max_points - rule.deduction_per_late * late)
        add(f"slamon_timeliness_score_points{labels(period=name)}", points)
    for row in live.alert_counts(engine):
        add(f"slamon_alerts_total{labels(stage=row.stage)}", row.count)
    last = live.last_full_evaluation(engine)
    if last is not None:
        add("slamon_last_evaluation_timestamp_seconds", last.timestamp())
    return expected


def agrees_with_the_database(service: Serve, engine: Engine, contract: Contract) -> bool:
    """The snapshot's families equal the direct queries; each pool's nearest-deadline gauge
    lies between the deadline minus the Unix times just after and just before the scrape."""
    before, samples, after = scrape(service)
    got = {k: v for k, v in samples.items() if k.startswith(SNAPSHOT_FAMILIES)}
    if got != from_the_database(engine, contract):
        return False
    deadlines = {row.pool: row.deadline for row in live.nearest_deadlines(engine)}
    nearest = {k: v for k, v in samples.items() if k.startswith("slamon_nearest_deadline")}
    if set(nearest) != {f"slamon_nearest_deadline_seconds{labels(pool=p)}" for p in deadlines}:
        return False
    return all(
        deadline.timestamp() - after - 1e-6
        <= nearest[f"slamon_nearest_deadline_seconds{labels(pool=pool)}"]
        <= deadline.timestamp() - before + 1e-6
        for pool, deadline in deadlines.items()
    )


def test_a_ticket_posted_to_the_api_shows_in_metrics_without_waiting_for_the_refresh(
    tmp_path: Path, engine: Engine, contract: Contract, processes: list[Serve]
) -> None:
    service, token = serve(tmp_path, engine, refresh="1h")
    processes.append(service.start())
    first = scrape(service)[1]
    assert "slamon_metrics_snapshot_timestamp_seconds" in first
    assert not [name for name in first if name.startswith("slamon_target_results{")]

    now = datetime.now(UTC)
    answer = service.post_tickets(
        token, [major_fault("INC-LATE", now - timedelta(minutes=45), pool="一云", operator="乙")]
    )
    assert answer.status_code == 200, answer.text
    breach = f"slamon_open_breaches{labels(operator='乙', pool='一云', target='major.arrival')}"
    assert wait_until(lambda: scrape(service)[1].get(breach) == 1, timeout=60), service.log()
    assert wait_until(lambda: agrees_with_the_database(service, engine, contract), timeout=60)
    later = scrape(service)[1]
    assert (
        later["slamon_metrics_snapshot_timestamp_seconds"]
        > (first["slamon_metrics_snapshot_timestamp_seconds"])
    )


def test_another_processs_write_shows_within_the_refresh_interval(
    tmp_path: Path,
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    processes: list[Serve],
) -> None:
    service, _token = serve(tmp_path, engine, refresh="1s")
    processes.append(service.start())
    assert wait_until(lambda: agrees_with_the_database(service, engine, contract), timeout=60)

    # What a second `slamon serve` on the same database would do: store a ticket, evaluate it.
    now = datetime.now(UTC)
    row = {"source": "desk2", "ticket_id": "OTHER", "kind": "fault", "severity": "major",
           "pool": "二云", "operator": "丙",
           "reported_at": now - timedelta(minutes=45)}  # fmt: skip
    with engine.begin() as connection:
        upsert_tickets(connection, [row], list(row), now)
    run_evaluation(engine, ContractSet.single(contract, calendar), now)

    tickets = f"slamon_open_tickets{labels(operator='丙', pool='二云')}"
    assert wait_until(lambda: scrape(service)[1].get(tickets) == 1, timeout=60), service.log()
    assert wait_until(lambda: agrees_with_the_database(service, engine, contract), timeout=60)
