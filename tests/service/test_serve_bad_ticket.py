"""`slamon serve` over a database holding tickets it cannot judge (a restore size in bytes, a
year 0001 on a business-hours clock, stored before the importer refused them): it starts ready,
stores them as evaluation_error, counts them in /metrics, and a breach posted afterwards gets
its alert within seconds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.tickets import TICKET_FIELDS, upsert_tickets
from tests.serving import (
    ROOT,
    Receiver,
    Serve,
    create_token,
    major_fault,
    service_env,
    wait_until,
    webhook_alerting,
)

pytestmark = pytest.mark.slow
SCRAPE_TOKEN = "scrape-0123456789abcdef-secret"
ANCIENT = datetime(1, 1, 1, 0, 5, tzinfo=UTC)


def row(ticket_id: str, kind: str, reported: datetime, **values: Any) -> dict[str, Any]:
    found: dict[str, Any] = dict.fromkeys(TICKET_FIELDS)
    found.update(source="file", ticket_id=ticket_id, kind=kind, reported_at=reported)
    found.update(pool="二云", operator="某运营单位", **values)
    return found


def evaluation_errors(serve: Serve) -> float:
    headers = {"Authorization": f"Bearer {SCRAPE_TOKEN}"}
    text = requests.get(f"{serve.url}/metrics", headers=headers, timeout=30).text
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("slamon_target_results{") and 'status="evaluation_error"' in line
    )


def test_tickets_that_cannot_be_judged_stop_no_evaluation_and_no_alert(
    tmp_path: Path, receiver: Receiver, processes: list[Serve]
) -> None:
    now = datetime.now(UTC)
    database = tmp_path / "slamon.db"
    engine = make_engine(f"sqlite:///{database}")
    ensure_schema(engine)
    hour_ago = now - timedelta(hours=1)
    bad = [
        row("HF-1", "restore", hour_ago, responded_at=hour_ago, restore_size_gb=5_000_000_000),
        row("FW-1", "request", ANCIENT, severity="general", responded_at=ANCIENT),
    ]
    with engine.begin() as connection:
        upsert_tickets(connection, bad, TICKET_FIELDS, now)
    engine.dispose()
    webhook_alerting(tmp_path, receiver.url)
    every_option = str(ROOT / "tests/data/contracts/every_option.yaml")
    env = service_env(
        tmp_path,
        f"sqlite:///{database}",
        SLAMON_CONTRACT=every_option,
        SLAMON_METRICS_TOKEN=SCRAPE_TOKEN,
    )
    token = create_token(env, tmp_path)
    serve = Serve(tmp_path, env)
    processes.append(serve.start())  # ready: its start-up evaluation went through
    ready = requests.get(f"{serve.url}/readyz", timeout=10).json()
    assert ready["status"] == "ready" and ready["checks"]["evaluation"] == "ok", ready
    assert wait_until(lambda: evaluation_errors(serve) >= 4, timeout=20), serve.log()[-3000:]

    answer = serve.post_tickets(token, [major_fault("INC-1", now - timedelta(minutes=31))])
    assert answer.status_code == 200, answer.text
    assert wait_until(lambda: receiver.stages(), timeout=20), serve.log()[-3000:]
    assert ("breached", "INC-1", "fault.arrival") in receiver.stages()
    assert "Traceback" not in serve.log()
