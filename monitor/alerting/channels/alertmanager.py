"""Alertmanager API v2 (POST /api/v2/alerts): Prometheus users route, silence and inhibit.

Labels identify the alert (a ticket is a label here: Alertmanager groups alerts, it does not
store series). at_risk ends at the deadline; a breach fires for `firing_for` unless its late
stop arrives first, when `resolved` sends the same labels with endsAt = the stop. An obligation
period (履约事项) is labelled by obligation, period, subject and pool: at risk until its due
moment, missed from then for `firing_for`.
"""

from __future__ import annotations

from datetime import datetime

from monitor.alerting.channels.base import Outgoing, post_json

_NAMES = {"at_risk": "SlamonTargetAtRisk", "breached": "SlamonTargetBreached"}
_OBLIGATION_NAMES = {"at_risk": "SlamonObligationAtRisk", "missed": "SlamonObligationMissed"}


def _labels(out: Outgoing) -> dict[str, str]:
    facts = out.facts
    if "obligation_id" in facts:
        return _obligation_labels(out)
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


def _obligation_labels(out: Outgoing) -> dict[str, str]:
    facts = out.facts
    labels = {
        "alertname": _OBLIGATION_NAMES.get(out.stage, _OBLIGATION_NAMES["missed"]),
        "service": "slamon",
        "obligation": facts["obligation_id"],
        "period": facts.get("period") or "",
        "subject": facts.get("subject") or "",
        "pool": facts.get("pool") or "",
    }
    return {name: value for name, value in labels.items() if value}


def _window(out: Outgoing) -> tuple[str, str]:
    facts = out.facts
    if "obligation_id" in facts:
        facts = {**facts, "deadline": facts["due_at"]}
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
