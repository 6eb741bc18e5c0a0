"""deploy/: the Prometheus config and rules pass a real promtool, and their unit tests pass."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from monitor.rules.calendar_gaps import WARN_DAYS_BEFORE

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
needs_promtool = pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool missing")


def run(*command: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)


@needs_promtool
def test_the_alerting_rules_are_valid() -> None:
    done = run("promtool", "check", "rules", "slamon.rules.yml", cwd=DEPLOY / "prometheus/rules")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SUCCESS: 10 rules found" in done.stdout


@needs_promtool
def test_the_alerting_rules_fire_as_their_unit_tests_say() -> None:
    done = run(
        "promtool",
        "test",
        "rules",
        "slamon.rules.test.yml",
        "slamon.calendar.rules.test.yml",
        cwd=DEPLOY / "prometheus/rules",
    )
    assert done.returncode == 0, done.stdout + done.stderr


@needs_promtool
def test_the_scrape_config_is_valid_and_loads_the_rules(tmp_path: Path) -> None:
    # promtool wants the scrape token's file, which compose mounts at /run/secrets/: here a
    # copy of the config names one in tmp_path, and the rules where they are.
    config = yaml.safe_load((DEPLOY / "prometheus/prometheus.yml").read_text("utf-8"))
    (tmp_path / "metrics_token").write_text("scrape-0123456789abcdef\n", encoding="utf-8")
    config["scrape_configs"][0]["authorization"]["credentials_file"] = str(
        tmp_path / "metrics_token"
    )
    config["rule_files"] = [str(DEPLOY / "prometheus" / path) for path in config["rule_files"]]
    (tmp_path / "prometheus.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    done = run("promtool", "check", "config", "prometheus.yml", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 rule files found" in done.stdout


@pytest.mark.skipif(shutil.which("amtool") is None, reason="amtool missing")
def test_the_alertmanager_config_is_valid() -> None:
    done = run("amtool", "check-config", "alertmanager.yml", cwd=DEPLOY / "alertmanager")
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_calendar_alert_warns_as_far_ahead_as_slamon_does() -> None:
    rules = yaml.safe_load((DEPLOY / "prometheus/rules/slamon.rules.yml").read_text("utf-8"))
    (ending,) = [r for r in rules["groups"][0]["rules"] if r["alert"] == "SlamonCalendarEnding"]
    assert ending["expr"].endswith(f"<= {WARN_DAYS_BEFORE}")
