"""The report's tables of how the period's tickets were judged: the violations with their
waivers, the contracts that judged them, the tickets none covers and the results the working-day
calendar cannot tell."""

from __future__ import annotations

from monitor.contract.model import Contract
from monitor.domain.durations import format_duration_in
from monitor.domain.message import Message
from monitor.domain.tickets import (
    TargetResult,
    Ticket,
    calendar_unknown_message,
)
from monitor.report.blocks import Block, Cell, worded
from monitor.report.data import ReportData
from monitor.report.words import POOL, START, STOP, TARGET, TICKET, TITLE, when
from monitor.storage.waivers import Waiver

_M = Message


def _target_names(contract: Contract, lang: str) -> dict[str, str]:
    return {t.id: t.name_zh if lang == "zh" else t.name_en for t in contract.targets}


def violations_block(data: ReportData, lang: str = "zh") -> Block:
    zone = data.contract.zone
    names = _target_names(data.contract, lang)
    rows: list[list[Cell]] = [
        [
            ticket.ticket_id,
            ticket.pool or "—",
            ticket.title or "—",
            names.get(result.target_id, result.target_id),
            result.status.label(lang),
            when(result.start, zone),
            when(result.deadline, zone),
            when(result.stop, zone),
            format_duration_in(result.overdue_seconds, lang) if result.overdue_seconds else "—",
            _judged_by(result, lang),
            _waived(data.waivers.get((ticket.source, ticket.ticket_id, result.target_id)), lang),
        ]
        for ticket, result in data.violations
    ]
    headers = [TICKET, POOL, TITLE, TARGET, _M("状态", "Status"), START,
               _M("截止", "Deadline"), STOP, _M("超时", "Overdue"),
               _M("依据合同", "Judged by"), _M("已豁免", "Waived")]  # fmt: skip
    title = _M("违约明细（超时及缺少证据）", "Violations (late or without evidence)")
    return worded(
        _M("违约明细", "Violations"),
        title,
        headers,
        rows,
        lang,
    )


def _judged_by(result: TargetResult, lang: str) -> Cell:
    ref = result.contract
    if ref is None:
        return "—"
    version = ref.short_version
    return _M(f"{ref.name}（版本 {version}）", f"{ref.name} (version {version})").in_language(lang)


def contracts_block(data: ReportData, lang: str = "zh") -> Block:
    """Which contract judged which tickets: name, version, file, scope and validity."""
    rows: list[list[Cell]] = [
        [
            judging.contract.name,
            judging.ref.short_version,
            judging.path.name,
            judging.scope.describe_zh() if lang == "zh" else judging.scope.describe_en(),
            judging.describe_validity_zh() if lang == "zh" else judging.describe_validity_en(),
        ]
        for judging in data.contracts
    ]
    headers = [_M("合同", "Contract"), _M("版本", "Version"), _M("文件", "File"),
               _M("适用范围", "Scope"), _M("有效期", "In force")]  # fmt: skip
    title = _M(
        "适用合同（每张工单按其资源池、运维方和报告时间适用的合同评估）",
        "Contracts applied (each ticket is judged by the contract for its pool, operator and "
        "report time)",
    )
    return worded(
        _M("适用合同", "Contracts"),
        title,
        headers,
        rows,
        lang,
    )


def uncovered_block(data: ReportData, lang: str = "zh") -> Block:
    """Tickets no contract covers: listed, not judged, not scored."""
    zone = data.contract.zone
    blank = _M("未填", "not recorded").in_language(lang)
    rows: list[list[Cell]] = [
        [
            ticket.ticket_id,
            ticket.pool or blank,
            ticket.operator or blank,
            when(ticket.reported_at, zone),
            ticket.title or "—",
        ]
        for ticket in data.uncovered
    ]
    headers = [TICKET, POOL, _M("运维方", "Operator"), _M("报告时间", "Reported"), TITLE]
    title = _M(
        "无适用合同的工单（未评估、不计分）", "Tickets no contract covers (not judged, not scored)"
    )
    return worded(
        _M("无适用合同", "Uncovered"),
        title,
        headers,
        rows,
        lang,
    )


def calendar_unknown_block(data: ReportData, lang: str = "zh") -> Block:
    """Results without a verdict: their deadline needs a year the calendar does not know."""
    zone = data.contract.zone
    names = _target_names(data.contract, lang)
    rows: list[list[Cell]] = [
        [
            ticket.ticket_id,
            ticket.pool or "—",
            names.get(result.target_id, result.target_id),
            when(result.start, zone),
            when(result.stop, zone),
            calendar_unknown_message(year).in_language(lang),
        ]
        for ticket, result, year in data.calendar_unknown
    ]
    headers = [TICKET, POOL, TARGET, START, STOP, _M("原因", "Reason")]
    title = _M(
        "日历未知（工作日历不含所需年份，未判定、不计分）",
        "Calendar unknown (the working-day calendar lacks the year: not judged, not scored)",
    )
    return worded(
        _M("日历未知", "Calendar unknown"),
        title,
        headers,
        rows,
        lang,
    )


def is_waived(data: ReportData, ticket: Ticket, result: TargetResult) -> bool:
    return (ticket.source, ticket.ticket_id, result.target_id) in data.waivers


def _waived(waiver: Waiver | None, lang: str) -> Cell:
    """Who waived it and why (and the attachment): the violation does not count in the score."""
    if waiver is None:
        return _M("否", "no").in_language(lang)
    by, reason, ref = waiver.waived_by, waiver.reason, waiver.attachment_ref
    if lang == "zh":
        return f"是：{by}，{reason}" + (f"（{ref}）" if ref else "")
    return f"yes: {by}, {reason}" + (f" ({ref})" if ref else "")
