"""Alertmanager API v2 (POST /api/v2/alerts): Prometheus users route, silence and inhibit.

Labels identify the alert (a ticket is a label here: Alertmanager groups alerts, it does not
store series). at_risk ends at the deadline; a breach fires for `firing_for` unless its late
stop arrives first, when `resolved` sends the same labels with endsAt = the stop.
"""

from __future__ import annotations

from datetime import datetime

from monitor.alerting.channels.base import Outgoing, post_json

_NAMES = {"at_risk": "SlamonTargetAtRisk", "breached": "SlamonTargetBreached"}


def _labels(out: Outgoing) -> dict[str, str]:
    facts = out.facts
    labels = {
        "alertname": _NAMES.get(out.stage, _NAMES["breached"]),
        "service": "slamon",
        "ticket": f"{facts['source']}/{facts['ticket_id']}",
        "target": facts["target_id"],
        "severity": facts.get("severity") or "none",
        "pool": facts.get("pool") or "",
        "operator": facts.get("operator") or "",
    }
    return {name: value for name, value in labels.items() if value}


def _window(out: Outgoing) -> tuple[str, str]:
    facts = out.facts
    if out.stage == "at_risk":
        return facts["occurred_at"], facts["deadline"]
    if out.stage == "resolved":
        return facts["deadline"], facts["stop"]
    ends = max(datetime.fromisoformat(facts["occurred_at"]), out.now) + out.channel.firing_for
    return facts["deadline"], ends.isoformat()


def send(out: Outgoing) -> None:
    assert out.channel.url is not None
    starts, ends = _window(out)
    alert = {
        "labels": _labels(out),
        "annotations": {
            "summary": out.message.title,
            "description": out.message.text,
            **({"dashboard": out.message.link} if out.message.link else {}),
        },
        "startsAt": starts,
        "endsAt": ends,
    }
    if out.message.link:
        alert["generatorURL"] = out.message.link
    post_json(out, out.channel.url.rstrip("/") + "/api/v2/alerts", [alert])
