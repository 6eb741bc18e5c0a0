"""What an alert says: the facts of one stage, frozen when it happened, and their Chinese text.

Pure: the facts are taken from the ticket and its result as arguments, rendered with the
contract's time zone; no clock, no I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.contract.model import Contract
from monitor.domain.durations import format_duration_zh
from monitor.domain.tickets import TargetResult, Ticket

STAGE_LABELS_ZH = {"at_risk": "临近超时", "breached": "超时违约", "resolved": "超时后已完成"}
_UNRECORDED = "未登记"


@dataclass(frozen=True, slots=True)
class Message:
    title: str
    text: str  # plain lines
    markdown: str  # the same, for robots that render Markdown
    link: str | None


def alert_facts(
    ticket: Ticket, result: TargetResult, contract: Contract, stage: str, at: datetime
) -> dict[str, Any]:
    """The JSON-ready facts of one stage as of `at`; what every channel's message is made of."""
    target = contract.target(result.target_id)
    kind = contract.kinds.get(ticket.kind)
    severity = contract.severities.get(ticket.severity) if ticket.severity else None
    return {
        "stage": stage,
        "source": ticket.source,
        "ticket_id": ticket.ticket_id,
        "title": ticket.title,
        "kind": ticket.kind,
        "kind_zh": kind.name_zh if kind else ticket.kind,
        "severity": ticket.severity,
        "severity_zh": severity.name_zh if severity else ticket.severity,
        "pool": ticket.pool,
        "operator": ticket.operator,
        "user_unit": ticket.user_unit,
        "system": ticket.system,
        "target_id": target.id,
        "target_zh": target.name_zh,
        "limit_zh": target.limit.describe_zh(),
        "start": _iso(result.start),
        "deadline": _iso(result.deadline),
        "stop": _iso(result.stop),
        "overdue_seconds": result.overdue_seconds,
        "occurred_at": _iso(at),
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


def _local(text: str | None, zone: ZoneInfo) -> str:
    if text is None:
        return "—"
    return datetime.fromisoformat(text).astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")


def _status_line(facts: dict[str, Any], zone: ZoneInfo) -> str:
    stage, overdue = facts["stage"], int(facts.get("overdue_seconds") or 0)
    if stage == "at_risk":
        deadline = datetime.fromisoformat(facts["deadline"])
        left = max(
            0, int((deadline - datetime.fromisoformat(facts["occurred_at"])).total_seconds())
        )
        return f"临近超时，距时限还剩 {format_duration_zh(left)}"
    if stage == "resolved" or facts.get("stop"):
        return f"已于 {_local(facts['stop'], zone)} 完成，超时 {format_duration_zh(overdue)}"
    return f"已超时 {format_duration_zh(overdue)}，仍未完成"


def render(facts: dict[str, Any], zone: ZoneInfo, link: str | None = None) -> Message:
    """The Chinese message: ticket, target, deadline in the contract's zone, lateness, owner."""
    stage_zh = STAGE_LABELS_ZH.get(facts["stage"], facts["stage"])
    title = f"【{stage_zh}】{facts['target_zh']} · 工单 {facts['ticket_id']}"
    kind = facts["kind_zh"] + (f" / {facts['severity_zh']}" if facts.get("severity_zh") else "")
    ticket = facts["ticket_id"] + (f"（{facts['title']}）" if facts.get("title") else "")
    lines = [
        ("工单", ticket),
        ("类型", kind),
        ("指标", f"{facts['target_zh']}（时限 {facts['limit_zh']}）"),
        ("起算", _local(facts.get("start"), zone)),
        ("时限", f"{_local(facts.get('deadline'), zone)}（{zone.key}）"),
        ("状态", _status_line(facts, zone)),
        (
            "责任方",
            f"运营单位 {facts.get('operator') or _UNRECORDED}，"
            f"资源池 {facts.get('pool') or _UNRECORDED}",
        ),
    ]
    if facts.get("user_unit") or facts.get("system"):
        affected = " / ".join(v for v in (facts.get("user_unit"), facts.get("system")) if v)
        lines.append(("使用单位", affected))
    if link:
        lines.append(("详情", link))
    text = "\n".join(f"{name}：{value}" for name, value in lines)
    markdown = f"### {title}\n" + "\n".join(f"- **{name}**：{value}" for name, value in lines)
    return Message(title, f"{title}\n{text}", markdown, link)
