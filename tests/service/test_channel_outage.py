"""A channel that refuses connections, then recovers, gets every alert exactly once.

The issue speaks of a minute's outage; the length is SLAMON_TEST_OUTAGE_SECONDS (default 6 s,
to keep the suite short — set 60 to run a full minute), with the retry backoff capped at
1 s so that recovery is noticed at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.api.client import bearer
from tests.serving import (
    Receiver,
    Serve,
    create_token,
    free_port,
    major_fault,
    service_env,
    wait_until,
    webhook_alerting,
)

pytestmark = pytest.mark.slow
OUTAGE_S = float(os.environ.get("SLAMON_TEST_OUTAGE_SECONDS", "6"))


@pytest.fixture
def parts() -> Iterator[list[Serve | Receiver]]:
    started: list[Serve | Receiver] = []
    yield started
    for part in started:
        part.kill() if isinstance(part, Serve) else part.stop()


def test_a_channel_down_for_a_while_then_back_gets_every_alert_once(
    tmp_path: Path, parts: list[Serve | Receiver]
) -> None:
    port = free_port()  # nothing listens here yet: connections are refused
    webhook_alerting(tmp_path, f"http://127.0.0.1:{port}", backoff="0.5s", cap="1s")
    env = service_env(tmp_path, f"sqlite:///{tmp_path / 'slamon.db'}")
    token = create_token(env, tmp_path)
    serve = Serve(tmp_path, env)
    parts.append(serve.start())
    now = datetime.now(UTC)
    answer = serve.post_tickets(
        token,
        [
            major_fault("INC-A", now - timedelta(minutes=29)),  # at risk
            major_fault("INC-B", now - timedelta(minutes=31)),  # already breached
        ],
    )
    assert answer.status_code == 200, answer.text

    time.sleep(OUTAGE_S)
    metrics = requests.get(f"{serve.url}/metrics", headers=bearer(token), timeout=10).text
    assert 'slamon_alert_outbox_depth{channel="hook"} 2.0' in metrics
    assert 'slamon_alert_delivery_failures_total{channel="hook"} 0.0' not in metrics

    receiver = Receiver(port=port).start()
    parts.append(receiver)
    assert wait_until(lambda: len(receiver.received) >= 2, timeout=15)
    time.sleep(3)  # a second copy of anything would be here by now
    assert sorted(receiver.stages()) == [
        ("at_risk", "INC-A", "major.arrival"),
        ("breached", "INC-B", "major.arrival"),
    ]
    metrics = requests.get(f"{serve.url}/metrics", headers=bearer(token), timeout=10).text
    assert 'slamon_alert_outbox_depth{channel="hook"} 0.0' in metrics
    assert 'slamon_alert_deliveries_total{channel="hook"} 2.0' in metrics
