"""docker-compose.yml, checked structurally (no Docker engine here; `docker compose config`
validates it where Docker is installed): services, ports, mounts and build context are real."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text("utf-8"))
    return loaded


def test_it_runs_the_service_dashboard_database_prometheus_and_alertmanager() -> None:
    services = compose()["services"]
    assert {"postgres", "slamon", "dashboard", "prometheus", "alertmanager"} <= set(services)
    assert services["slamon"]["command"][:2] == ["slamon", "serve"]
    assert services["dashboard"]["command"][:3] == ["streamlit", "run", "dashboard/app.py"]


def test_every_dependency_names_a_service() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", []):
            assert dependency in services, f"{name} depends on unknown {dependency}"


def test_every_bind_mount_and_build_context_exists_in_the_repository() -> None:
    for name, service in compose()["services"].items():
        if "build" in service:
            assert (ROOT / service["build"] / "Dockerfile").is_file(), name
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_config_comes_from_config_and_points_at_files_that_exist() -> None:
    services = compose()["services"]
    environment = services["slamon"]["environment"]
    for key in ("SLAMON_CONTRACT", "SLAMON_ALERTING"):
        inside = environment[key]
        assert inside.startswith("/app/config/")
        assert (ROOT / "config" / inside.removeprefix("/app/config/")).is_file(), key
    assert "./config:/app/config:ro" in services["slamon"]["volumes"]
    assert (ROOT / "dashboard/app.py").is_file()


def test_ports_are_published_on_loopback_only_and_prometheus_scrapes_slamon() -> None:
    services = compose()["services"]
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), f"{name} publishes {port} on every address"
    prometheus = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text("utf-8"))
    targets = prometheus["scrape_configs"][0]["static_configs"][0]["targets"]
    assert targets == ["slamon:8080"]
    assert prometheus["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == [
        "alertmanager:9093"
    ]


def test_prometheus_scrapes_with_the_secret_that_slamon_reads_as_its_scrape_token() -> None:
    compose_file = compose()
    services = compose_file["services"]
    prometheus = yaml.safe_load((ROOT / "deploy/prometheus/prometheus.yml").read_text("utf-8"))
    authorization = prometheus["scrape_configs"][0]["authorization"]
    assert authorization == {"type": "Bearer", "credentials_file": "/run/secrets/metrics_token"}
    assert services["slamon"]["environment"]["SLAMON_METRICS_TOKEN_FILE"] == (
        "/run/secrets/metrics_token"
    )
    assert services["slamon"]["secrets"] == services["prometheus"]["secrets"] == ["metrics_token"]
    assert compose_file["secrets"]["metrics_token"] == {"environment": "SLAMON_METRICS_TOKEN"}
