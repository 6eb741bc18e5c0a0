"""The compose pipeline for metrics, with real parts: Prometheus with deploy/'s config
remote-writes what it scrapes to VictoriaMetrics (Debian's victoria-metrics standing in for
the compose service), and a slamon collector with `store: victoriametrics` reads it back."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml
from sqlalchemy import Engine

from collectors.prometheus import PrometheusCollector
from collectors.settings import PrometheusSource
from monitor.domain.resources import BUCKET, bucket_floor
from monitor.storage.rollups import rollup_sums
from tests.collectors.test_victoriametrics_integration import VictoriaMetrics
from tests.deploy.test_compose import compose
from tests.processes import start_prometheus, stop
from tests.serving import ROOT, free_port, wait_until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        shutil.which("prometheus") is None or shutil.which("victoria-metrics") is None,
        reason="prometheus or victoria-metrics missing",
    ),
]

COMPOSE_STORE = "http://victoriametrics:8428"


def test_compose_runs_victoriametrics_where_prometheus_remote_writes() -> None:
    services = compose()["services"]
    store = services["victoriametrics"]
    assert store["image"].startswith("victoriametrics/victoria-metrics:")
    assert "127.0.0.1:8428:8428" in store["ports"]
    config = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text("utf-8"))
    assert config["remote_write"] == [{"url": f"{COMPOSE_STORE}/api/v1/write"}]


@pytest.fixture
def victoria(tmp_path: Path) -> Iterator[VictoriaMetrics]:
    server = VictoriaMetrics(tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def prometheus(tmp_path: Path, victoria: VictoriaMetrics) -> Iterator[int]:
    """deploy/'s Prometheus config, remote-writing to the loopback store and scraping itself
    (slamon's scrape is tested in test_prometheus_scrape.py)."""
    port = free_port()
    config: dict[str, Any] = yaml.safe_load(
        (ROOT / "deploy/prometheus/prometheus.yml").read_text("utf-8")
    )
    for target in config["remote_write"]:
        target["url"] = target["url"].replace(COMPOSE_STORE, victoria.url)
    config["global"]["scrape_interval"] = "1s"
    for unused in ("alerting", "rule_files"):
        config.pop(unused)
    config["scrape_configs"] = [
        {"job_name": "self", "static_configs": [{"targets": [f"127.0.0.1:{port}"]}]}
    ]
    process = start_prometheus(config, tmp_path, port)
    try:
        yield port
    finally:
        stop(process)


def written(victoria: VictoriaMetrics) -> int:
    """How many `up{job="self"}` samples the store holds from the last minute."""
    answer = requests.get(
        f"{victoria.url}/api/v1/query",
        params={"query": 'count_over_time(up{job="self"}[1m])', "nocache": "1"},
        timeout=5,
    ).json()
    return sum(int(float(item["value"][1])) for item in answer["data"]["result"])


def test_what_prometheus_scrapes_reaches_a_victoriametrics_collector(
    victoria: VictoriaMetrics, prometheus: int, sqlite_engine: Engine
) -> None:
    started = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=1)
    # Remote write sends in batches (every 5 s at the latest): wait for a few scrapes' worth.
    assert wait_until(lambda: written(victoria) >= 3, timeout=60, step=0.5)
    source = PrometheusSource(
        name="self_up",
        url=victoria.url,
        store="victoriametrics",
        metric="availability",
        query='up{job="self"}',
        start=started,
        lag=timedelta(0),
        retries=0,
    )
    now = datetime.now(UTC)
    result = PrometheusCollector(source, sqlite_engine).run(now)
    assert result.error is None and result.samples >= 3
    quarters = (bucket_floor(started), bucket_floor(now) + BUCKET)
    [(resource, counts)] = rollup_sums(sqlite_engine, "availability", *quarters).items()
    assert resource == f"127.0.0.1:{prometheus}"
    assert counts.samples == result.samples and counts.total == counts.samples  # all up
