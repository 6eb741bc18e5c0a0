"""A real VictoriaMetrics (Debian's victoria-metrics) fed through its import API with the same
series as the Prometheus test, collected and compared: the same availability as from
Prometheus to 1e-9, gaps are not downtime, and the watermark resumes after the store was
stopped and started again. A cluster's tenant path is exercised through a loopback proxy that
routes /select/<tenant>/prometheus to the single node, as vmselect routes it."""

from __future__ import annotations

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests
from sqlalchemy import Engine

from collectors.prometheus import PrometheusCollector
from collectors.settings import CollectorSettingsError, PrometheusSource, load_collector_settings
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.runs.period_measures import availability_report
from monitor.storage.collector_state import get_watermark
from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.rollups import rollup_sums
from tests.collectors.test_prometheus_integration import (
    END,
    START,
    LosingSession,
    PrometheusServer,
    prometheus,  # noqa: F401  (the fixture, for the comparison with Prometheus)
    series,
)
from tests.conftest import SHANGHAI, local
from tests.processes import stop

NOW = END + timedelta(hours=1)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class VictoriaMetrics:
    """One victoria-metrics process on a loopback port; stop() and start() keep its data."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.directory / "vm.log").open("ab")
        self.process = subprocess.Popen(
            [
                "victoria-metrics",
                f"-storageDataPath={self.directory / 'data'}",
                f"-httpListenAddr=127.0.0.1:{self.port}",
                "-retentionPeriod=100y",  # the samples are from 2022
                "-search.latencyOffset=0s",  # the newest samples are searchable at once
                "-loggerLevel=ERROR",
            ],
            stdout=log,
            stderr=log,
        )
        log.close()
        for _ in range(150):
            try:
                if requests.get(f"{self.url}/health", timeout=1).text.strip() == "OK":
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        raise RuntimeError((self.directory / "vm.log").read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
        self.process = None

    def load(self) -> None:
        """The test's series through the Prometheus text import (timestamps in ms)."""
        lines = []
        for name, samples in series().items():
            labels = f'{{job="vm",instance="{name}",pool="一云"}}'
            lines += [f"up{labels} {value} {int(m.timestamp() * 1000)}" for m, value in samples]
        body = ("\n".join(lines) + "\n").encode("utf-8")
        answer = requests.post(f"{self.url}/api/v1/import/prometheus", data=body, timeout=60)
        assert answer.status_code == 204, answer.text
        requests.get(f"{self.url}/internal/force_flush", timeout=30).raise_for_status()


@pytest.fixture(scope="module")
def victoria(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VictoriaMetrics]:
    if shutil.which("victoria-metrics") is None:
        pytest.skip(
            "the victoria-metrics package is not installed (apt-get install victoria-metrics)"
        )
    server = VictoriaMetrics(tmp_path_factory.mktemp("victoria"))
    server.start()
    try:
        server.load()
        yield server
    finally:
        server.stop()


def source(url: str, **more: Any) -> PrometheusSource:
    return PrometheusSource(
        name="vm_up",
        url=url,
        store="victoriametrics",
        metric="availability",
        query='up{job="vm"}',
        pool_label="pool",
        resource_class="vm",
        start=START,
        chunk=timedelta(hours=5),  # not a divisor of the range: chunks end mid-quarter-hour
        lag=timedelta(0),
        retries=1,
        backoff=timedelta(milliseconds=10),
        **more,
    )


def collected(engine: Engine, settings: PrometheusSource, **more: Any) -> Any:
    return PrometheusCollector(settings, engine, sleep=lambda _: None, **more).run(NOW)


def figures(engine: Engine, contract: Contract) -> dict[str, float | None]:
    july = parse_period("2022-07", SHANGHAI)
    report = availability_report(engine, contract, july, local("2022-08-01 00:00"))
    return {figure.key: figure.availability for figure in report.resources}


def test_victoriametrics_gives_the_availability_prometheus_gives(
    victoria: VictoriaMetrics,
    prometheus: PrometheusServer,  # noqa: F811
    tmp_path: Path,
    contract: Contract,
) -> None:
    from_vm = make_engine(f"sqlite:///{tmp_path / 'vm.db'}")
    from_prometheus = make_engine(f"sqlite:///{tmp_path / 'prometheus.db'}")
    for engine in (from_vm, from_prometheus):
        ensure_schema(engine)
    result = collected(from_vm, source(victoria.url))
    assert (result.error, result.range_to) == (None, NOW)
    plain = source(prometheus.url).model_copy(update={"store": "prometheus"})
    assert collected(from_prometheus, plain).error is None
    measured, expected = figures(from_vm, contract), figures(from_prometheus, contract)
    assert set(measured) == set(expected) == {"vm-a", "vm-b", "vm-c"}
    for name, value in expected.items():
        assert measured[name] == pytest.approx(value, abs=1e-9), name
    assert measured["vm-b"] == pytest.approx(1 - 73 / 2880, abs=1e-12)
    # vm-c's three hours without samples are a gap, not downtime: 2,700 samples, 45 down.
    sums = rollup_sums(from_vm, "availability", START, END)
    assert {name: c.samples for name, c in sums.items()} == {
        "vm-a": 2880,
        "vm-b": 2880,
        "vm-c": 2700,
    }
    assert measured["vm-c"] == pytest.approx(1 - 45 / 2700, abs=1e-12)


def test_the_watermark_resumes_after_victoriametrics_was_stopped_and_started(
    victoria: VictoriaMetrics, sqlite_engine: Engine
) -> None:
    broken = collected(sqlite_engine, source(victoria.url), session=LosingSession(victoria, 3))
    assert broken.error is not None and "ConnectionError" in broken.error
    assert get_watermark(sqlite_engine, "vm_up") == START + timedelta(hours=15)  # 3 chunks
    victoria.start()
    resumed = collected(sqlite_engine, source(victoria.url))
    assert (resumed.error, resumed.range_from) == (None, START + timedelta(hours=15))
    sums = rollup_sums(sqlite_engine, "availability", START, END)
    assert {name: c.samples for name, c in sums.items()} == {
        "vm-a": 2880,
        "vm-b": 2880,
        "vm-c": 2700,
    }
    assert broken.samples + resumed.samples == 2880 + 2880 + 2700


class TenantRouter(BaseHTTPRequestHandler):
    """vmselect's routing in front of a single node: /select/<tenant>/prometheus/… → /…"""

    target: ClassVar[str] = ""
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        prefix = "/select/7/prometheus"
        if not self.path.startswith(prefix):
            self.send_error(404, "unsupported path")
            return
        self.seen.append(self.path.split("?", 1)[0])
        answer = requests.get(self.target + self.path[len(prefix) :], timeout=30)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, *_args: object) -> None:
        pass


def test_a_cluster_tenant_is_queried_under_its_select_path(
    victoria: VictoriaMetrics, sqlite_engine: Engine
) -> None:
    TenantRouter.target = victoria.url
    TenantRouter.seen = []
    router = ThreadingHTTPServer(("127.0.0.1", 0), TenantRouter)
    threading.Thread(target=router.serve_forever, daemon=True).start()
    try:
        vmselect = f"http://127.0.0.1:{router.server_address[1]}"
        result = collected(sqlite_engine, source(vmselect, tenant="7"))
    finally:
        router.shutdown()
        router.server_close()
    assert result.error is None
    assert set(TenantRouter.seen) == {"/select/7/prometheus/api/v1/query"}
    assert rollup_sums(sqlite_engine, "availability", START, END)["vm-b"].samples == 2880


def test_a_tenant_needs_a_victoriametrics_store(tmp_path: Path) -> None:
    path = tmp_path / "collectors.yaml"
    path.write_text(
        "prometheus:\n  - {name: up, url: 'http://127.0.0.1:9090', metric: availability,\n"
        "     query: up, start: 2022-07-01T00:00:00, tenant: '7'}\n",
        encoding="utf-8",
    )
    with pytest.raises(CollectorSettingsError, match="store: victoriametrics"):
        load_collector_settings(path)
