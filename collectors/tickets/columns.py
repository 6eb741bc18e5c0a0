"""The columns of slamon's own ticket format, with their English and Chinese headers."""

from __future__ import annotations

import re

from monitor.domain.tickets import EVENT_FIELDS

# field → accepted headers (the first Chinese one is the label used in messages).
TICKET_HEADERS: dict[str, tuple[str, ...]] = {
    "ticket_id": ("ticket_id", "工单编号", "工单号"),
    "kind": ("kind", "类型", "工单类型"),
    "severity": ("severity", "故障等级", "故障级别"),
    "pool": ("pool", "资源池"),
    "operator": ("operator", "运营单位"),
    "user_unit": ("user_unit", "使用单位"),
    "system": ("system", "业务系统"),
    "title": ("title", "标题", "故障描述"),
    "reported_at": ("reported_at", "报障时间"),
    "responded_at": ("responded_at", "响应时间"),
    "arrived_at": ("arrived_at", "到场时间"),
    "user_notified_at": ("user_notified_at", "反馈用户时间"),
    "restored_at": ("restored_at", "恢复时间"),
    "confirmed_at": ("confirmed_at", "用户确认时间"),
    "report_submitted_at": ("report_submitted_at", "报告提交时间"),
    "closed_at": ("closed_at", "关闭时间"),
    "restore_size_gb": ("restore_size_gb", "恢复数据量GB", "恢复数据量(GB)", "恢复数据量（GB）"),
    "regulator_reported_at": ("regulator_reported_at", "监管报告时间", "监管报送时间"),
}
REQUIRED_FIELDS = ("ticket_id", "kind", "reported_at")
# The format's time columns are the ticket's events: the domain owns the list.
TIME_FIELDS = EVENT_FIELDS
TEXT_FIELDS = ("ticket_id", "pool", "operator", "user_unit", "system", "title")


def normalise_header(header: str) -> str:
    """Case, spaces and hyphens do not matter: "Ticket ID" and "ticket-id" are ticket_id."""
    return re.sub(r"[\s\-]+", "_", header.strip()).casefold()


_FIELD_BY_HEADER: dict[str, str] = {
    normalise_header(header): field
    for field, headers in TICKET_HEADERS.items()
    for header in headers
}


def field_for(header: str) -> str | None:
    return _FIELD_BY_HEADER.get(normalise_header(header))


def label(field: str) -> str:
    """How a column is named in messages: 'reported_at (报障时间)'."""
    return f"{field} ({TICKET_HEADERS[field][1]})"


def accepted_headers_text() -> str:
    return "\n".join(f"  {' / '.join(headers)}" for headers in TICKET_HEADERS.values())
