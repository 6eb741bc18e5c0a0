"""Real parts for service tests: `slamon serve` as a subprocess, and a loopback HTTP receiver.

Everything listens on 127.0.0.1 only, every wait is bounded, and the fixtures that use these
stop every process and server they started.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
CONTRACT = ROOT / "config/contracts/default.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def wait_until(condition: Callable[[], Any], timeout: float, step: float = 0.1) -> Any:
    """Poll `condition` until it is truthy (returned) or `timeout` seconds pass (None)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


@dataclass(frozen=True)
class Received:
    at: float  # time.time() when the request arrived
    path: str
    headers: dict[str, str]
    body: Any


class Receiver:
    """A threaded http.server that records every POST; answers `status` (default 200) with
    `headers`, `delay` seconds after the request arrived."""

    def __init__(
        self,
        port: int | None = None,
        status: int = 200,
        delay: float = 0.0,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.status = status
        self.delay = delay
        self.headers = headers or {}
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = raw.decode(errors="replace")
                with receiver._lock:
                    receiver.received.append(
                        Received(time.time(), self.path, dict(self.headers), body)
                    )
                time.sleep(receiver.delay)
                self.send_response(receiver.status)
                self.send_header("content-type", "application/json")
                for name, value in receiver.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(b'{"errcode": 0, "code": 0}')

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def bodies(self) -> list[Any]:
        with self._lock:
            return [item.body for item in self.received]

    def stages(self) -> list[tuple[str, str, str]]:
        """(stage, ticket id, target) of every webhook alert received, in arrival order."""
        return [(b["stage"], b["ticket_id"], b["target_id"]) for b in self.bodies()]


class Serve:
    """`slamon serve` in a subprocess with its own environment and log file."""

    def __init__(self, workdir: Path, env: dict[str, str], port: int | None = None) -> None:
        self.workdir = workdir
        self.env = env
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log_path = workdir / f"serve-{self.port}.log"

    def start(self, timeout: float = 40, until: str = "/readyz") -> Serve:
        """Start the process and wait until `until` answers 200 (ready, or just alive)."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "monitor", "serve", "--port", str(self.port)],
                cwd=self.workdir,
                env=self.env,
                stdout=log,
                stderr=log,
            )
        if not wait_until(lambda: self._answers(until), timeout, step=0.2):
            self.kill()
            raise RuntimeError(f"slamon serve did not become ready:\n{self.log()[-3000:]}")
        return self

    def _answers(self, path: str) -> bool:
        if self.process is None or self.process.poll() is not None:
            raise RuntimeError(f"slamon serve exited:\n{self.log()[-3000:]}")
        try:
            return requests.get(f"{self.url}{path}", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def terminate(self, timeout: float = 20) -> int:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise

    def post_tickets(
        self, token: str, tickets: list[dict[str, Any]], wait: str = "evaluated"
    ) -> requests.Response:
        """POST a batch; answered once evaluated unless `wait="stored"`, the API's default."""
        return requests.post(
            f"{self.url}/api/v1/tickets",
            params={"wait": wait},
            json={"tickets": tickets},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )


def service_env(workdir: Path, database_url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("SLAMON_") or key == "SLAMON_TEST_PG_URL"
    }
    env.update(
        {
            "SLAMON_DATABASE_URL": database_url,
            "SLAMON_CONTRACT": str(CONTRACT),
            "SLAMON_ALERTING": str(workdir / "alerting.yaml"),
            "SLAMON_COLLECTORS": str(workdir / "collectors.yaml"),
            "PYTHONPATH": str(ROOT),
            **extra,
        }
    )
    return env


def create_token(env: dict[str, str], workdir: Path, name: str = "tests") -> str:
    """A token that writes source `api` (a batch's source when it names none) in every pool."""
    command = ["token", "create", name, "--source", "api", "--all-pools"]
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *command],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return done.stdout.strip()


def webhook_alerting(
    workdir: Path, receiver_url: str, backoff: str = "1s", cap: str = "2s"
) -> None:
    (workdir / "alerting.yaml").write_text(
        f"delivery: {{initial_backoff: {backoff}, max_backoff: {cap}}}\n"
        "channels:\n"
        f"  - {{name: hook, type: webhook, url: '{receiver_url}/hook', timeout: 5s}}\n",
        encoding="utf-8",
    )


def major_fault(ticket_id: str, reported_at: datetime, **values: Any) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "kind": "故障",
        "severity": "重大",
        "reported_at": reported_at.isoformat(),
        "pool": "二云",
        "operator": "某运营单位",
        **values,
    }


# Fixtures for the service and fault tests (their conftest files import them): every
# receiver and `slamon serve` a test starts is stopped at the end whatever happened.
@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


@pytest.fixture
def processes() -> Iterator[list[Serve]]:
    started: list[Serve] = []
    yield started
    for serve in started:
        serve.kill()
