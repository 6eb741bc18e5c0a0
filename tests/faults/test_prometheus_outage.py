"""Prometheus stopped and restarted under `slamon serve`'s scheduled collector: no gap, no downtime.

tests/collectors/test_prometheus_integration.py stops a server between two chunks of one
collector call, on recorded 2022 data. Here the whole service runs: a real Prometheus
(Debian's package) scrapes a loopback "vm" that stays up, every second; `slamon serve` collects
`up` every second with a 3 s lag; the test stops Prometheus mid-collection and restarts it on the
same storage. The failed runs must be recorded (and shown on /readyz), the collection must
resume from its watermark, and what slamon stored must equal what Prometheus itself holds for
the collected range: every sample, each counted once, all of them up — no invented downtime for
the seconds Prometheus was away.
"""

from __future__ import annotations

import itertools
import shutil
import subprocess
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, create_engine

from monitor.storage.collector_state import collector_runs, get_watermark
from monitor.storage.rollups import rollup_sums
from tests.serving import Serve, free_port, service_env, wait_until

pytestmark = pytest.mark.slow
NAME = "vm_up"


class Exporter:
    """The monitored "vm": a loopback /metrics endpoint that is up the whole time."""

    def __init__(self) -> None:
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/plain; version=0.0.4")
                self.end_headers()
                self.wfile.write(b"vm_alive 1\n")

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.server.daemon_threads = True
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Prometheus:
    """A prometheus process scraping one target every second; restartable on its storage."""

    def __init__(self, directory: Path, target: str) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        (directory / "prometheus.yml").write_text(
            "global: {scrape_interval: 1s, scrape_timeout: 1s}\n"
            "scrape_configs:\n"
            "  - job_name: vm\n"
            f"    static_configs: [{{targets: ['{target}'], labels: {{pool: 一云}}}}]\n",
            encoding="utf-8",
        )

    def start(self) -> None:
        with (self.directory / "prometheus.log").open("ab") as log:
            self.process = subprocess.Popen(
                [
                    "prometheus",
                    f"--config.file={self.directory / 'prometheus.yml'}",
                    f"--storage.tsdb.path={self.directory / 'tsdb'}",
                    f"--web.listen-address=127.0.0.1:{self.port}",
                ],
                stdout=log,
                stderr=log,
            )
        # Ready first, then its first scrape of itself (target discovery takes ~5 s).
        if not wait_until(self._ready, timeout=30, step=0.2) or not wait_until(
            lambda: self.over("count_over_time", datetime.now(UTC) - timedelta(seconds=3)),
            timeout=30,
            step=0.2,
        ):
            self.kill()
            raise RuntimeError(f"prometheus did not become ready:\n{self.log()}")

    def _ready(self) -> bool:
        try:
            return requests.get(f"{self.url}/-/ready", timeout=1).status_code == 200
        except requests.ConnectionError:
            return False

    def log(self) -> str:
        return (self.directory / "prometheus.log").read_text(errors="replace")[-2000:]

    def stop(self) -> None:
        """SIGTERM: Prometheus flushes what it scraped, as when its operator restarts it."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self.process = None

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.process = None

    def over(self, function: str, start: datetime, end: datetime | None = None) -> dict[str, float]:
        """`function`(up{job="vm"}[start, end)) per instance, as Prometheus answers it."""
        end = end or datetime.now(UTC)
        window = f"{(end - start) // timedelta(milliseconds=1)}ms"
        at = end - timedelta(milliseconds=1)
        answer = requests.get(
            f"{self.url}/api/v1/query",
            params={"query": f'{function}(up{{job="vm"}}[{window}])', "time": f"{at.timestamp()}"},
            timeout=10,
        ).json()
        return {r["metric"]["instance"]: float(r["value"][1]) for r in answer["data"]["result"]}


@pytest.fixture
def prometheus(tmp_path: Path) -> Iterator[Prometheus]:
    if shutil.which("prometheus") is None:
        pytest.skip("the prometheus package is not installed (apt-get install prometheus)")
    directory = tmp_path / "prometheus"
    directory.mkdir()
    exporter = Exporter()
    server = Prometheus(directory, exporter.address)
    try:
        server.start()
        yield server
    finally:
        server.kill()
        exporter.stop()


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'slamon.db'}")
    yield engine
    engine.dispose()


def runs(engine: Engine) -> list[dict[str, object]]:
    return collector_runs(engine, NAME) if get_watermark(engine, NAME) else []


def test_a_collector_under_serve_resumes_after_prometheus_dies_without_gap_or_downtime(
    tmp_path: Path, prometheus: Prometheus, processes: list[Serve], database: Engine
) -> None:
    start = datetime.now(UTC).replace(microsecond=0)
    (tmp_path / "collectors.yaml").write_text(
        "prometheus:\n"
        f"  - {{name: {NAME}, url: '{prometheus.url}', metric: availability,\n"
        "     query: 'up{job=\"vm\"}', pool_label: pool, resource_class: vm,\n"
        f"     start: '{start.isoformat()}', step: 1s, chunk: 5s, lag: 3s,\n"
        "     retries: 0, backoff: 1s, timeout: 2s, interval: 1s}\n",
        encoding="utf-8",
    )
    (tmp_path / "alerting.yaml").write_text("channels: []\n", encoding="utf-8")
    serve = Serve(tmp_path, service_env(tmp_path, f"sqlite:///{tmp_path / 'slamon.db'}"))
    processes.append(serve.start())

    def watermark_after(moment: datetime) -> bool:
        watermark = get_watermark(database, NAME)
        return watermark is not None and watermark > moment

    def collected() -> int:
        return sum(int(str(run["samples"])) for run in runs(database))

    # Some samples collected, then Prometheus goes away between or during runs. (Stopped, not
    # SIGKILLed: a SIGKILL also loses Prometheus's own last unflushed seconds, and those
    # are exactly the seconds a collector that skipped a failed range would lose too.)
    assert wait_until(lambda: collected() >= 3, timeout=20)
    prometheus.stop()
    assert wait_until(lambda: sum(r["error"] is not None for r in runs(database)) >= 2, 15)
    ready = requests.get(f"{serve.url}/readyz", timeout=10).json()
    health = ready["collectors"][0]
    assert health["consecutive_failures"] >= 2
    assert "ConnectionError" in health["last_error"]

    prometheus.start()
    restarted = datetime.now(UTC)
    assert wait_until(lambda: watermark_after(restarted + timedelta(seconds=2)), timeout=20)
    assert serve.terminate() == 0
    watermark = get_watermark(database, NAME)
    assert watermark is not None

    history = runs(database)
    assert any(run["error"] is not None for run in history)
    # Each run starts where the last one stopped: the failed ones, too (they stored nothing).
    for before, after in itertools.pairwise(history):
        assert after["range_from"] == before["range_to"], (before, after)
    expected_counts = prometheus.over("count_over_time", start, watermark)
    expected_means = prometheus.over("avg_over_time", start, watermark)
    assert list(expected_means.values()) == [1.0]  # the vm was up all along
    stored = rollup_sums(
        database, "availability", start - timedelta(hours=1), watermark + timedelta(hours=1)
    )
    assert {name: counts.samples for name, counts in stored.items()} == expected_counts
    assert {name: counts.total / counts.samples for name, counts in stored.items()} == (
        expected_means
    )
