"""`slamon serve` schedules the ticket API collectors: a fault appears in a real paged JSON API on
loopback, the service reads it on its interval, stores it, evaluates it, and a breach alert
reaches a real webhook receiver once. A failing API is a recorded gap shown on /readyz.
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
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import create_engine, text

from tests.serving import Receiver, Serve, service_env, wait_until, webhook_alerting

pytestmark = pytest.mark.slow


class PagedDesk:
    """A generic paged ticket API: records updated at or after `updated_since`, oldest first,
    `offset`/`limit` paging; answers 500 while `failing` is set."""

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self.failing = False
        self.asked = 0
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self.url = ""

    def answer(self, query: str) -> tuple[int, Any]:
        params = {key: values[0] for key, values in parse_qs(query).items()}
        with self.lock:
            self.asked += 1
            if self.failing:
                return 500, {"error": "scripted failure"}
            since = datetime.fromisoformat(params["updated_since"].replace("Z", "+00:00"))
            offset, limit = int(params["offset"]), int(params["limit"])
            chosen = sorted(
                (r for r in self.records if datetime.fromisoformat(r["updated_at"]) >= since),
                key=lambda r: (r["updated_at"], r["ticket_id"]),
            )
            return 200, {"items": chosen[offset : offset + limit]}

    def start(self) -> PagedDesk:
        desk = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, body = desk.answer(urlsplit(self.path).query)
                data = json.dumps(body, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/tickets"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def desk() -> Iterator[PagedDesk]:
    desk = PagedDesk().start()
    yield desk
    desk.stop()


def collectors_file(workdir: Path, url: str, start: datetime) -> None:
    (workdir / "collectors.yaml").write_text(
        "tickets:\n"
        "  - name: desk\n"
        "    type: generic\n"
        f"    url: {url}\n"
        "    profile: slamon\n"  # slamon's own field names
        f"    start: {start.isoformat()}\n"
        "    page_size: 2\n"
        "    interval: 1s\n"
        "    backoff: 1s\n"
        "    retries: 0\n"
        "    timeout: 5s\n"
        "    endpoint: {items: items, id_field: ticket_id, updated_field: updated_at}\n",
        encoding="utf-8",
    )


def desk_health(serve: Serve) -> dict[str, Any]:
    body = requests.get(f"{serve.url}/readyz", timeout=5).json()
    [health] = [c for c in body["collectors"] if c["name"] == "tickets:desk"]
    return dict(health)


def stored_ticket(database: Path, ticket_id: str) -> Any:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            return connection.execute(
                text("SELECT source, severity FROM ticket WHERE ticket_id = :id"),
                {"id": ticket_id},
            ).first()
    finally:
        engine.dispose()


def test_a_fault_in_a_ticket_api_is_collected_stored_and_alerted_once(
    tmp_path: Path, desk: PagedDesk, receiver: Receiver, processes: list[Serve]
) -> None:
    now = datetime.now(UTC)
    database = tmp_path / "slamon.db"
    webhook_alerting(tmp_path, receiver.url)
    collectors_file(tmp_path, desk.url, now - timedelta(hours=1))
    serve = Serve(tmp_path, service_env(tmp_path, f"sqlite:///{database}"))
    processes.append(serve.start())

    # The API fails first: a recorded gap with its reason, shown on /readyz, then retried.
    desk.failing = True
    failing = wait_until(lambda: desk_health(serve)["consecutive_failures"] >= 2, timeout=20)
    assert failing, serve.log()[-3000:]
    health = desk_health(serve)
    assert "HTTP 500" in health["last_error"]
    assert health["interval_seconds"] == 1.0

    # A major fault reported 31 minutes ago, nobody on site: breached (30-minute arrival).
    reported = now - timedelta(minutes=31)
    desk.records.append(
        {
            "ticket_id": "API-31",
            "kind": "故障",
            "severity": "重大",
            "reported_at": reported.isoformat(),
            "pool": "二云",
            "operator": "某运营单位",
            "updated_at": (now - timedelta(minutes=1)).isoformat(),
        }
    )
    desk.failing = False
    assert wait_until(lambda: desk_health(serve)["consecutive_failures"] == 0, timeout=20)
    assert desk_health(serve)["last_success"] is not None
    assert tuple(stored_ticket(database, "API-31")) == ("desk", "major")

    def breaches() -> list[Any]:
        return [body for body in receiver.bodies() if body["stage"] == "breached"]

    assert wait_until(breaches, timeout=20), serve.log()[-3000:]
    # Every run re-reads the record (the overlap behind the watermark): never alerted again.
    asked = desk.asked
    assert wait_until(lambda: desk.asked >= asked + 3, timeout=20)
    time.sleep(2)  # an alert sent twice would have arrived by now
    assert [(b["ticket_id"], b["target_id"]) for b in breaches()] == [("API-31", "major.arrival")]
    assert serve.terminate() == 0
