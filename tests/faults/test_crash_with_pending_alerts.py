"""`slamon serve` killed while alerts are on their way; the next process delivers each once.

tests/service/test_channel_outage.py covers a channel that refuses connections while the
service keeps running. Here the channel is down the other way — it takes the request and never
answers — and the service is SIGKILLed in the middle of that delivery, with a second delivery
still waiting behind it. Both deliveries are claimed (leased) by the dead process; the
restarted one must take them over once the lease (6 s here) runs out, and the receiver, now
answering, must get each alert exactly once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from tests.serving import Serve, create_token, free_port, major_fault, service_env, wait_until

pytestmark = pytest.mark.slow
LEASE = "6s"
TIMEOUT = "2s"  # a third of the lease, the most a channel may take


class BlackHole:
    """A webhook receiver that, while `hanging`, reads each request and never answers."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.hanging = True
        self.release = threading.Event()
        self.unanswered: list[Any] = []
        self.answered: list[Any] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["content-length"])))
                stage = (body["stage"], body["ticket_id"], body["target_id"])
                if receiver.hanging:
                    with receiver._lock:
                        receiver.unanswered.append(stage)
                    receiver.release.wait(timeout=60)
                    self.close_connection = True
                    return
                with receiver._lock:
                    receiver.answered.append(stage)
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"errcode": 0}')

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def answer_from_now_on(self) -> None:
        self.hanging = False
        self.release.set()

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[BlackHole]:
    receiver = BlackHole()
    yield receiver
    receiver.stop()


def deliveries(database: Path) -> list[tuple[str, bool, bool]]:
    """(stage, claimed, acknowledged) of every outbox row."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT a.stage, d.claimed_until IS NOT NULL, d.acknowledged_at IS NOT NULL "
                    "FROM alert_delivery d "
                    "JOIN alert a ON a.id = d.alert_id ORDER BY a.stage"
                )
            ).all()
    finally:
        engine.dispose()
    return [(stage, bool(claimed), bool(done)) for stage, claimed, done in rows]


def test_deliveries_claimed_by_a_killed_service_are_sent_once_by_the_next_one(
    tmp_path: Path, receiver: BlackHole, processes: list[Serve]
) -> None:
    database = tmp_path / "slamon.db"
    (tmp_path / "alerting.yaml").write_text(
        f"delivery: {{initial_backoff: 0.5s, max_backoff: 1s, lease: {LEASE}}}\n"
        "channels:\n"
        f"  - {{name: hook, type: webhook, url: '{receiver.url}/hook', timeout: {TIMEOUT}}}\n",
        encoding="utf-8",
    )
    env = service_env(tmp_path, f"sqlite:///{database}")
    token = create_token(env, tmp_path)
    first = Serve(tmp_path, env)
    processes.append(first.start())
    now = datetime.now(UTC)
    answer = first.post_tickets(
        token,
        [
            major_fault("INC-A", now - timedelta(minutes=29)),  # at risk
            major_fault("INC-B", now - timedelta(minutes=31)),  # already breached
        ],
    )
    assert answer.status_code == 200, answer.text

    assert wait_until(lambda: receiver.unanswered, timeout=15)  # the first send hangs
    first.kill()
    # Both were claimed in one batch by the dead process; neither was acknowledged.
    assert deliveries(database) == [("at_risk", True, False), ("breached", True, False)]
    receiver.answer_from_now_on()

    second = Serve(tmp_path, env, port=first.port)
    processes.append(second.start())
    assert wait_until(lambda: len(receiver.answered) >= 2, timeout=30), second.log()[-3000:]
    time.sleep(2)  # a second copy of either would have arrived by now (backoff ≤ 1 s)
    assert sorted(receiver.answered) == [
        ("at_risk", "INC-A", "major.arrival"),
        ("breached", "INC-B", "major.arrival"),
    ]
    assert len(receiver.unanswered) == 1  # the one the dead process was sending
    assert deliveries(database) == [("at_risk", False, True), ("breached", False, True)]
    assert second.terminate() == 0
