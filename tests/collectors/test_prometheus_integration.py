"""A real Prometheus (Debian's package) fed with known series, collected and compared.

The series are written as OpenMetrics and turned into TSDB blocks with promtool before the
server starts on a free loopback port with its own storage directory. The expected values are
Prometheus's own: avg_over_time and count_over_time over the same range.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

import pytest
import requests
from sqlalchemy import Engine

from collectors.prometheus import PrometheusCollector
from collectors.settings import PrometheusSource
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.runs.period_measures import availability_report
from monitor.storage.collector_state import collector_runs, get_watermark
from monitor.storage.rollups import rollup_sums
from tests.conftest import SHANGHAI, local
from tests.processes import stop

START = local("2022-07-01 00:00")
DAYS = 2
END = START + timedelta(days=DAYS)
MINUTE = timedelta(minutes=1)


def series() -> dict[str, list[tuple[datetime, int]]]:
    """Three vms, a sample a minute for two days: all up; 73 min down; a 3-hour gap and blips."""
    out: dict[str, list[tuple[datetime, int]]] = {"vm-a": [], "vm-b": [], "vm-c": []}
    outage = (local("2022-07-01 13:07"), local("2022-07-01 14:20"))
    gap = (local("2022-07-02 02:00"), local("2022-07-02 05:00"))
    moment = START
    while moment < END:
        out["vm-a"].append((moment, 1))
        out["vm-b"].append((moment, 0 if outage[0] <= moment < outage[1] else 1))
        if not gap[0] <= moment < gap[1]:
            out["vm-c"].append((moment, 0 if moment.minute == 17 else 1))
        moment += MINUTE
    return out


def openmetrics() -> str:
    lines = ["# HELP up Whether the target is up.", "# TYPE up gauge"]
    for name, samples in series().items():
        labels = f'{{job="vm",instance="{name}",pool="一云"}}'
        lines += [f"up{labels} {value} {int(m.timestamp())}" for m, value in samples]
    return "\n".join([*lines, "# EOF", ""])


class PrometheusServer:
    """One prometheus process on a loopback port; stop() and start() keep its storage."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        config = self.directory / "prometheus.yml"
        config.write_text("global: {scrape_interval: 1m}\nscrape_configs: []\n", encoding="utf-8")
        log = (self.directory / "prometheus.log").open("ab")
        self.process = subprocess.Popen(
            [
                "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={self.directory / 'tsdb'}",
                "--storage.tsdb.retention.time=100y",  # the blocks are from 2022
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=log,
            stderr=log,
        )
        log.close()
        for _ in range(150):  # 30 s at most
            try:
                if requests.get(f"{self.url}/-/ready", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        self.stop()
        log_text = (self.directory / "prometheus.log").read_text(errors="replace")[-2000:]
        raise RuntimeError(f"prometheus did not become ready:\n{log_text}")

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
        self.process = None

    def instant(self, query: str, at: datetime) -> dict[str, float]:
        response = requests.get(
            f"{self.url}/api/v1/query",
            params={"query": query, "time": f"{at.timestamp():.3f}"},
            timeout=10,
        )
        result = response.json()["data"]["result"]
        return {item["metric"]["instance"]: float(item["value"][1]) for item in result}


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        pytest.skip("the prometheus package is not installed (apt-get install prometheus)")
    directory = tmp_path_factory.mktemp("prometheus")
    (directory / "series.om").write_text(openmetrics(), encoding="utf-8")
    subprocess.run(
        ["promtool", "tsdb", "create-blocks-from", "openmetrics", "series.om", "tsdb"],
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = PrometheusServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def collector(server: PrometheusServer, engine: Engine, **more: Any) -> PrometheusCollector:
    settings = PrometheusSource(
        name="vm_up",
        url=server.url,
        metric="availability",
        query='up{job="vm"}',
        pool_label="pool",
        resource_class="vm",
        start=START,
        chunk=timedelta(hours=5),  # not a divisor of the range: chunks end mid-quarter-hour
        lag=timedelta(0),
        retries=1,
        backoff=timedelta(milliseconds=10),
    )
    return PrometheusCollector(settings, engine, sleep=lambda _: None, **more)


def prometheus_mean_and_count(
    server: PrometheusServer, start: datetime, end: datetime
) -> tuple[dict[str, float], dict[str, float]]:
    """avg_over_time and count_over_time of [start, end), as Prometheus itself answers."""
    window = f"{(end - start) // timedelta(milliseconds=1)}ms"
    at = end - timedelta(milliseconds=1)  # closed ranges in Prometheus 2: [start, end)
    mean = server.instant(f'avg_over_time(up{{job="vm"}}[{window}])', at)
    count = server.instant(f'count_over_time(up{{job="vm"}}[{window}])', at)
    return mean, count


def test_availability_equals_prometheus_avg_over_time(
    prometheus: PrometheusServer, sqlite_engine: Engine, contract: Contract
) -> None:
    result = collector(prometheus, sqlite_engine).run(END + timedelta(hours=1))
    assert (result.error, result.range_to) == (None, END + timedelta(hours=1))
    expected, counts = prometheus_mean_and_count(prometheus, START, END)
    assert counts == {"vm-a": 2880, "vm-b": 2880, "vm-c": 2700}  # written by hand above
    july = parse_period("2022-07", SHANGHAI)
    report = availability_report(sqlite_engine, contract, july, local("2022-08-01 00:00"))
    measured = {f.key: f.availability for f in report.resources}
    assert set(measured) == set(expected)
    for name, value in expected.items():
        assert measured[name] == pytest.approx(value, abs=1e-9), name
    assert measured["vm-b"] == pytest.approx(1 - 73 / 2880, abs=1e-12)
    # An inner range, on quarter hours, too: 06:00 on day 1 to 18:15 on day 2.
    start, end = local("2022-07-01 06:00"), local("2022-07-02 18:15")
    expected, counts = prometheus_mean_and_count(prometheus, start, end)
    sums = rollup_sums(sqlite_engine, "availability", start, end)
    for name in expected:
        assert sums[name].samples == counts[name]
        assert sums[name].total / sums[name].samples == pytest.approx(expected[name], abs=1e-9)


class Stoppable(Protocol):
    def stop(self) -> None: ...


class LosingSession(requests.Session):
    """A real session whose server (Prometheus or VictoriaMetrics) goes away after `answers`
    answers."""

    def __init__(self, server: Stoppable, answers: int) -> None:
        super().__init__()
        self.server = server
        self.left = answers

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.left == 0:
            self.server.stop()
        self.left -= 1
        return super().get(url, **kwargs)


def test_a_collector_losing_prometheus_mid_range_resumes_without_gaps_or_doubles(
    prometheus: PrometheusServer, sqlite_engine: Engine
) -> None:
    now = END + timedelta(hours=1)
    broken = collector(prometheus, sqlite_engine, session=LosingSession(prometheus, 3)).run(now)
    assert broken.error is not None and "ConnectionError" in broken.error
    assert get_watermark(sqlite_engine, "vm_up") == START + timedelta(hours=15)  # 3 chunks
    prometheus.start()
    resumed = collector(prometheus, sqlite_engine).run(now)
    assert (resumed.error, resumed.range_from, resumed.range_to) == (
        None,
        START + timedelta(hours=15),
        now,
    )
    runs = collector_runs(sqlite_engine, "vm_up")
    assert [run["error"] is None for run in runs] == [False, True]
    expected, counts = prometheus_mean_and_count(prometheus, START, END)
    sums = rollup_sums(sqlite_engine, "availability", START, END)
    assert {name: c.samples for name, c in sums.items()} == counts
    for name, value in expected.items():
        assert sums[name].total / sums[name].samples == pytest.approx(value, abs=1e-9)
    assert broken.samples + resumed.samples == sum(counts.values())


def test_the_data_is_from_where_we_think(prometheus: PrometheusServer) -> None:
    # Guards the fixture itself: the first sample is 2022-06-30T16:00Z.
    assert START.astimezone(UTC) == datetime(2022, 6, 30, 16, 0, tzinfo=UTC)
    first = prometheus.instant('up{instance="vm-b"}', START)
    assert first == {"vm-b": 1.0}
