"""The Alertmanager channel against a real Alertmanager (Debian's prometheus-alertmanager)
with deploy/alertmanager/alertmanager.yml: alerts arrive, inhibit and resolve as configured."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from monitor.alerting.channels import alertmanager
from monitor.alerting.channels.base import Outgoing
from monitor.alerting.config import ChannelConfig
from monitor.alerting.message import render
from tests.conftest import SHANGHAI
from tests.processes import stop
from tests.serving import ROOT, free_port, wait_until

pytestmark = pytest.mark.skipif(
    shutil.which("prometheus-alertmanager") is None, reason="prometheus-alertmanager missing"
)


@pytest.fixture
def alertmanager_url(tmp_path: Path) -> Iterator[str]:
    port = free_port()
    with (tmp_path / "alertmanager.log").open("ab") as log:
        process = subprocess.Popen(
            [
                "prometheus-alertmanager",
                f"--config.file={ROOT / 'deploy/alertmanager/alertmanager.yml'}",
                f"--storage.path={tmp_path / 'am'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--cluster.listen-address=",  # no gossip: a single local instance
            ],
            stdout=log,
            stderr=log,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        ready = wait_until(lambda: _ready(url), timeout=20, step=0.2)
        assert ready, (tmp_path / "alertmanager.log").read_text(errors="replace")[-2000:]
        yield url
    finally:
        stop(process)


def _ready(url: str) -> bool:
    try:
        return requests.get(f"{url}/-/ready", timeout=1).status_code == 200
    except requests.ConnectionError:
        return False


def facts(stage: str, now: datetime, **values: Any) -> dict[str, Any]:
    reported = now - timedelta(minutes=35)
    return {
        "stage": stage,
        "source": "api",
        "ticket_id": "INC-7",
        "title": "二云存储故障",
        "kind": "fault",
        "kind_zh": "故障",
        "severity": "major",
        "severity_zh": "重大",
        "pool": "二云",
        "operator": "某运营单位",
        "user_unit": None,
        "system": None,
        "target_id": "major.arrival",
        "target_zh": "重大故障到场时限",
        "limit_zh": "30m",
        "start": reported.isoformat(),
        "deadline": (reported + timedelta(minutes=30)).isoformat(),
        "stop": None,
        "overdue_seconds": 300,
        "occurred_at": now.isoformat(),
        **values,
    }


def send(url: str, stage: str, now: datetime, **values: Any) -> None:
    channel = ChannelConfig(name="am", type="alertmanager", url=url)
    alert = facts(stage, now, **values)
    message = render(alert, SHANGHAI, "http://dashboard.example/?ticket=INC-7")
    alertmanager.send(Outgoing(channel, stage, alert, message, SHANGHAI, now, requests.Session()))


def alerts(url: str) -> list[dict[str, Any]]:
    listed: list[dict[str, Any]] = requests.get(f"{url}/api/v2/alerts", timeout=5).json()
    return listed


def test_a_breach_fires_inhibits_its_at_risk_alert_and_resolves_with_the_late_stop(
    alertmanager_url: str,
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    at_risk_time = now - timedelta(minutes=10)
    send(alertmanager_url, "at_risk", at_risk_time, deadline=(now + timedelta(hours=1)).isoformat())
    send(alertmanager_url, "breached", now)
    both = wait_until(lambda: len(alerts(alertmanager_url)) == 2 and alerts(alertmanager_url), 10)
    assert both
    by_name = {alert["labels"]["alertname"]: alert for alert in both}
    breach = by_name["SlamonTargetBreached"]
    assert breach["labels"] == {
        "alertname": "SlamonTargetBreached",
        "service": "slamon",
        "ticket": "api/INC-7",
        "target": "major.arrival",
        "severity": "major",
        "pool": "二云",
        "operator": "某运营单位",
    }
    assert breach["annotations"]["summary"] == "【超时违约】重大故障到场时限 · 工单 INC-7"
    assert "已超时 5分，仍未完成" in breach["annotations"]["description"]
    assert breach["status"]["state"] == "active"
    # deploy/alertmanager/alertmanager.yml: a breach inhibits the same ticket's at-risk alert.
    inhibited = wait_until(
        lambda: [a for a in alerts(alertmanager_url) if a["status"]["inhibitedBy"]], 10
    )
    assert [a["labels"]["alertname"] for a in inhibited] == ["SlamonTargetAtRisk"]

    send(alertmanager_url, "resolved", now, stop=(now - timedelta(seconds=1)).isoformat())
    remaining = wait_until(
        lambda: (
            [a["labels"]["alertname"] for a in alerts(alertmanager_url)] == ["SlamonTargetAtRisk"]
        ),
        10,
    )
    assert remaining, alerts(alertmanager_url)
