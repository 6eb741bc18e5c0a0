"""What an alert says: the facts of one stage, frozen when it happened, and their Chinese text.

Pure: the facts are taken from the ticket and its result as arguments, rendered with the
contract's time zone; no clock, no I/O.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from monitor.contract.model import Contract
from monitor.domain.durations import format_duration_zh
from monitor.domain.obligations import ObligationClock
from monitor.domain.text import one_line
from monitor.domain.tickets import TargetResult, Ticket

STAGE_LABELS_ZH = {"at_risk": "临近超时", "breached": "超时违约", "resolved": "超时后已完成"}
OBLIGATION_STAGE_LABELS_ZH = {"at_risk": "即将到期", "missed": "已逾期"}
_UNRECORDED = "未登记"
# A ticket's texts come from whoever filed it. In chat Markdown each character that could
# format (headings, emphasis, code, quotes, tables), link ([…](…), <…>), mention (WeCom <@id>,
# DingTalk @mobile) or open HTML (<font>, &lt;) is shown as its full-width look-alike: the
# text reads the same to a person and nothing to a renderer. Backslash escapes are not used,
# as the robots' renderers do not all honour them. "://" gets a full-width colon, so that no
# client turns a pasted address into a link.
_MARKUP = str.maketrans(
    {
        "*": "＊",
        "_": "＿",
        "`": "｀",
        "~": "～",
        "#": "＃",
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "@": "＠",
        "|": "｜",
        "\\": "＼",
        "&": "＆",
    }
)
_TAGS = str.maketrans({"<": "＜", ">": "＞"})


@dataclass(frozen=True, slots=True)
class Message:
    # The title as the facts give it: the e-mail channel refuses a control character in a
    # header rather than alter the Subject; the bodies show the ticket's texts on one line.
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


def obligation_alert_facts(
    clock: ObligationClock, name_zh: str, stage: str, at: datetime
) -> dict[str, Any]:
    """The JSON-ready facts of one stage of an obligation period as of `at`; `obligation_id`
    is what tells them from a ticket's."""
    return {
        "stage": stage,
        "obligation_id": clock.obligation_id,
        "obligation_zh": name_zh,
        "target_id": clock.obligation_id,
        "period": clock.label,
        "subject": clock.subject or None,
        "pool": clock.pool or None,
        "due_at": _iso(clock.due_at),
        "required": clock.required,
        "done": clock.done_by(at),
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


def _plain(text: str) -> str:
    """A ticket's text for a plain-text message: one line, no tag (Feishu's <at>), no link."""
    return one_line(text).translate(_TAGS).replace("://", "：//")


def _inline(text: str) -> str:
    """A ticket's text inside chat Markdown: one line that formats, links and mentions nothing."""
    return one_line(text).translate(_MARKUP).replace("://", "：//")


def _content(
    facts: dict[str, Any], zone: ZoneInfo, shown: Callable[[str], str]
) -> tuple[str, list[tuple[str, str]]]:
    """The title and the (name, value) lines, every text of the facts passed through `shown`."""

    def text(key: str) -> str:
        value = facts.get(key)
        return shown(str(value)) if value else ""

    stage_zh = STAGE_LABELS_ZH.get(facts["stage"], facts["stage"])
    title = f"【{stage_zh}】{text('target_zh')} · 工单 {text('ticket_id')}"
    kind = text("kind_zh") + (f" / {text('severity_zh')}" if facts.get("severity_zh") else "")
    ticket = text("ticket_id") + (f"（{text('title')}）" if facts.get("title") else "")
    lines = [
        ("工单", ticket),
        ("类型", kind),
        ("指标", f"{text('target_zh')}（时限 {text('limit_zh')}）"),
        ("起算", _local(facts.get("start"), zone)),
        ("时限", f"{_local(facts.get('deadline'), zone)}（{zone.key}）"),
        ("状态", _status_line(facts, zone)),
        (
            "责任方",
            f"运营单位 {text('operator') or _UNRECORDED}，资源池 {text('pool') or _UNRECORDED}",
        ),
    ]
    if facts.get("user_unit") or facts.get("system"):
        affected = " / ".join(v for v in (text("user_unit"), text("system")) if v)
        lines.append(("使用单位", affected))
    return title, lines


def _obligation_content(
    facts: dict[str, Any], zone: ZoneInfo, shown: Callable[[str], str]
) -> tuple[str, list[tuple[str, str]]]:
    """An obligation period's title and lines, every text of the facts passed through `shown`."""

    def text(key: str) -> str:
        value = facts.get(key)
        return shown(str(value)) if value else ""

    stage = facts["stage"]
    stage_zh = OBLIGATION_STAGE_LABELS_ZH.get(stage, stage)
    title = f"【{stage_zh}】履约事项 {text('obligation_zh')} · {text('period')}"
    done = f"已完成 {int(facts.get('done') or 0)}/{int(facts.get('required') or 0)}"
    if stage == "at_risk":
        due = datetime.fromisoformat(facts["due_at"])
        left = max(0, int((due - datetime.fromisoformat(facts["occurred_at"])).total_seconds()))
        status = f"即将到期，距期限还剩 {format_duration_zh(left)}，{done}"
    else:
        status = f"已逾期，期限已过仍未完成，{done}"
    lines = [
        ("履约事项", f"{text('obligation_zh')}（{text('obligation_id')}）"),
        ("周期", text("period")),
        ("期限", f"{_local(facts.get('due_at'), zone)}（{zone.key}）"),
        ("状态", status),
        ("资源池", text("pool") or "全部"),
    ]
    if facts.get("subject"):
        lines.append(("对象", text("subject")))
    return title, lines


def render(facts: dict[str, Any], zone: ZoneInfo, link: str | None = None) -> Message:
    """The Chinese message: ticket, target, deadline in the contract's zone, lateness, owner;
    or an obligation period's name, period, due moment in the contract's zone and status."""
    content = _obligation_content if "obligation_id" in facts else _content
    title, _ = content(facts, zone, str)
    text_title, lines = content(facts, zone, _plain)
    markdown_title, markdown_lines = content(facts, zone, _inline)
    if link:
        lines.append(("详情", link))
        markdown_lines.append(("详情", link))
    text = "\n".join(f"{name}：{value}" for name, value in lines)
    markdown = f"### {markdown_title}\n" + "\n".join(
        f"- **{name}**：{value}" for name, value in markdown_lines
    )
    return Message(title, f"{text_title}\n{text}", markdown, link)
