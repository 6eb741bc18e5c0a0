"""A real Prometheus (Debian's package) scrapes `slamon serve` with deploy/'s scrape config and
its scrape token, and the violation metrics come back through Prometheus's HTTP API."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from tests.processes import start_prometheus, stop
from tests.serving import ROOT, Serve, create_token, free_port, major_fault, service_env, wait_until

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("prometheus") is None, reason="prometheus missing"),
]


SCRAPE_TOKEN = "scrape-0123456789abcdef-secret"


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[tuple[Serve, str]]:
    # The secret file compose mounts into both containers, here one file on disk.
    (tmp_path / "metrics_token").write_text(SCRAPE_TOKEN + "\n", encoding="utf-8")
    env = service_env(
        tmp_path,
        f"sqlite:///{tmp_path / 'slamon.db'}",
        SLAMON_METRICS_TOKEN_FILE=str(tmp_path / "metrics_token"),
    )
    token = create_token(env, tmp_path)
    service = Serve(tmp_path, env).start()
    yield service, token
    service.kill()


@pytest.fixture
def prometheus(tmp_path: Path, serve: tuple[Serve, str]) -> Iterator[str]:
    config: dict[str, Any] = yaml.safe_load(
        (ROOT / "deploy/prometheus/prometheus.yml").read_text("utf-8")
    )
    config["global"]["scrape_interval"] = "1s"
    config.pop("alerting")
    config["rule_files"] = [str(ROOT / "deploy/prometheus/rules/slamon.rules.yml")]
    job = config["scrape_configs"][0]
    job["static_configs"][0]["targets"] = [f"127.0.0.1:{serve[0].port}"]
    job["authorization"]["credentials_file"] = str(tmp_path / "metrics_token")
    port = free_port()
    process = start_prometheus(config, tmp_path, port)
    url = f"http://127.0.0.1:{port}"
    try:
        yield url
    finally:
        stop(process)


def query(url: str, promql: str) -> list[dict[str, Any]]:
    try:
        answer = requests.get(f"{url}/api/v1/query", params={"query": promql}, timeout=5)
    except requests.ConnectionError:
        return []
    if answer.status_code != 200:
        return []
    result: list[dict[str, Any]] = answer.json()["data"]["result"]
    return result


def test_prometheus_reads_the_open_breach_and_results_back(
    serve: tuple[Serve, str], prometheus: str
) -> None:
    service, token = serve
    now = datetime.now(UTC)
    answer = service.post_tickets(
        token,
        [
            major_fault("INC-LATE", now - timedelta(minutes=45)),
            major_fault("INC-NEW", now - timedelta(minutes=5), pool="一云", operator="乙"),
        ],
    )
    assert answer.status_code == 200, answer.text

    breaches = wait_until(lambda: query(prometheus, "slamon_open_breaches"), timeout=30)
    assert [(b["metric"]["target"], b["metric"]["pool"], b["value"][1]) for b in breaches] == [
        ("major.arrival", "二云", "1")
    ]
    assert breaches[0]["metric"]["job"] == "slamon"
    pending = query(prometheus, 'slamon_target_results{status="pending",pool="一云"}')
    assert sorted((p["metric"]["target"], p["value"][1]) for p in pending) == [
        ("major.arrival", "1"),
        ("major.restore", "1"),
    ]
    total = query(prometheus, "sum(slamon_breaches_total)")
    assert total[0]["value"][1] == "1"
    assert all("ticket" not in b["metric"] for b in query(prometheus, "{job='slamon'}"))
    assert requests.get(f"{service.url}/metrics", timeout=10).status_code == 401
