"""The report's content as titled tables, independent of the output format."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.contract.model import Contract
from monitor.contract.scorecard import ScorecardConfig
from monitor.domain.durations import format_duration_in, format_duration_zh
from monitor.domain.obligations import STATUS_NAMES_ZH, ObligationClock
from monitor.domain.tickets import TargetResult, Ticket
from monitor.measures.inspections import EVIDENCE_LABELS_EN, EVIDENCE_LABELS_ZH, FindingCheck
from monitor.measures.satisfaction import RATING_LABELS_EN, RATING_LABELS_ZH, SatisfactionSummary
from monitor.report.billing import report_billing_blocks
from monitor.report.blocks import Block as Block  # Block and Cell re-exported for the renderers
from monitor.report.blocks import Cell as Cell
from monitor.report.data import ReportData
from monitor.runs.scorecard import PeriodScorecard
from monitor.scorecard.inspection_review import InspectionReview
from monitor.scorecard.table import Scorecard, grade_name
from monitor.storage.waivers import Waiver


def when(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "—"


def _points(value: float | None, lang: str = "zh") -> Cell:
    return ("无数据" if lang == "zh" else "no data") if value is None else round(value, 2)


def scorecard_block(
    scorecard: Scorecard, lang: str = "zh", sections: ScorecardConfig | None = None
) -> Block:
    """The indicator table; in English (`lang` "en") with the sections' English names that
    `sections` gives."""
    if lang == "en":
        return _scorecard_block_en(scorecard, sections or ScorecardConfig())
    rows: list[list[Cell]] = [
        [
            line.section,
            line.name_zh,
            line.origin.label_zh,
            _points(line.points),
            line.max_points,
            "—" if line.measured is None else round(line.measured, 2),
            "、".join(line.evidence) or "—",
            line.note or line.rule_zh or "—",
            line.entered_by or "—",
        ]
        for line in scorecard.lines
    ]
    headers = ["一级指标", "指标", "来源", "得分", "满分", "实测值", "依据", "规则/说明", "录入人"]
    return Block("评分表", "绩效评价指标评分表", headers, rows)


def _scorecard_block_en(scorecard: Scorecard, sections: ScorecardConfig) -> Block:
    rows: list[list[Cell]] = [
        [
            sections.section_name(line.section, "en"),
            line.name("en"),
            line.origin.label("en"),
            _points(line.points, "en"),
            line.max_points,
            "—" if line.measured is None else round(line.measured, 2),
            ", ".join(line.evidence_in("en")) or "—",
            line.rule("en") or "—",
            line.entered_by or "—",
        ]
        for line in scorecard.lines
    ]
    headers = [
        "section", "indicator", "origin", "points", "max", "measured", "evidence", "rule / note",
        "entered by",
    ]  # fmt: skip
    return Block("Scorecard", "Performance evaluation scorecard", headers, rows, "none")


def sections_block(
    scorecard: Scorecard, lang: str = "zh", sections: ScorecardConfig | None = None
) -> Block:
    if lang == "en":
        names = sections or ScorecardConfig()
        rows: list[list[Cell]] = [
            [names.section_name(s.name, "en"), s.points, "—" if s.deducts else s.max_points]
            for s in scorecard.sections
        ]
        rows.append(["total", scorecard.total, scorecard.max_total])
        grade = grade_name(scorecard.grade, "en")
        rows.append(["grade", grade, "complete" if scorecard.complete else "incomplete"])
        headers = ["section", "points", "max"]
        return Block("Sections", "Section totals and grade", headers, rows, "none")
    rows = [[s.name, s.points, "—" if s.deducts else s.max_points] for s in scorecard.sections]
    rows.append(["合计", scorecard.total, scorecard.max_total])
    rows.append(["等级", scorecard.grade, "完整" if scorecard.complete else "不完整"])
    return Block("分项合计", "一级指标得分与等级", ["一级指标", "得分", "满分"], rows)


def unclosed_block(review: InspectionReview, zone: ZoneInfo, lang: str = "zh") -> Block:
    rows = [_finding_row(check, zone, lang) for check in review.unclosed]
    if lang == "en":
        headers = [
            "record", "inspected at", "pool", "item", "finding", "state", "open for", "due",
            "missing", "ticket",
        ]  # fmt: skip
        return Block(
            "Unclosed findings",
            "Abnormal findings not closed (recorded but not handled, or handled unrecorded)",
            headers,
            rows,
            "none",
        )
    headers = [
        "记录", "巡检时间", "资源池", "巡检项", "发现问题", "状态", "已开放", "处理时限", "缺少",
        "关联工单",
    ]  # fmt: skip
    return Block("未闭环巡检发现", "未闭环的巡检异常（只记录不处理或处理后不登记）", headers, rows)


def _finding_row(check: FindingCheck, zone: ZoneInfo, lang: str = "zh") -> list[Cell]:
    record = check.record
    if lang == "en":
        missing = ["resolved_at"] if record.resolved_at is None else []
        missing += [EVIDENCE_LABELS_EN.get(name, name) for name in check.missing]
        age, state = format_duration_in(check.age_seconds, "en"), check.state.label("en")
    else:
        missing = ["解决时间"] if record.resolved_at is None else []
        missing += [EVIDENCE_LABELS_ZH.get(name, name) for name in check.missing]
        age, state = format_duration_zh(check.age_seconds), check.state.label_zh
    return [
        record.record_key,
        when(record.inspected_at, zone),
        record.pool or "—",
        record.item,
        record.finding or "—",
        state,
        age,
        when(check.deadline, zone),
        ("、" if lang == "zh" else ", ").join(missing) or "—",
        record.ticket_id or "—",
    ]


def inspection_blocks(review: InspectionReview, zone: ZoneInfo) -> list[Block]:
    late = [check for check in review.checks if check.state.value == "closed_late"]
    return [
        unclosed_block(review, zone),
        Block(
            "逾期闭环",
            "逾期闭环的巡检异常",
            ["记录", "巡检时间", "资源池", "巡检项", "发现问题", "用时", "处理时限"],
            [
                [
                    c.record.record_key,
                    when(c.record.inspected_at, zone),
                    c.record.pool or "—",
                    c.record.item,
                    c.record.finding or "—",
                    format_duration_zh(c.age_seconds),
                    when(c.deadline, zone),
                ]
                for c in late
            ],
        ),
        Block(
            "缺失巡检日",
            "按计划应巡检而没有巡检记录的日期",
            ["日期", "资源池"],
            [[m.day.isoformat(), m.pool or "（全部）"] for m in review.missed],
        ),
        Block(
            "关联工单不存在",
            "巡检记录关联的工单在系统中不存在",
            ["记录", "巡检时间", "关联工单"],
            [[r.record_key, when(r.inspected_at, zone), r.ticket_id] for r in review.unknown_refs],
        ),
    ]


def satisfaction_block(summary: SatisfactionSummary, lang: str = "zh") -> Block:
    if lang == "en":
        return _satisfaction_block_en(summary)
    total = summary.replies or 1
    rows: list[list[Cell]] = [
        [label, summary.counts[key], round(100 * summary.counts[key] / total, 2)]
        for key, label in RATING_LABELS_ZH.items()
    ]
    rows.append(["满意率（%）", "—" if summary.rate is None else summary.rate, ""])
    coverage = "未知" if summary.coverage is None else summary.coverage
    rows.append(["回复单位 / 服务单位", summary.replying_units, summary.units_served or "未知"])
    flag = "（低于下限）" if summary.coverage_flagged else ""
    rows.append([f"覆盖率（%）{flag}", coverage, ""])
    rows += [[f"分题：{q}", rate, ""] for q, rate in summary.by_question.items()]
    rows += [[f"资源池：{pool}", rate, ""] for pool, rate in summary.by_pool.items()]
    rows.append(["一般/不满意的单位", "、".join(summary.low_units) or "—", ""])
    return Block("满意度", "满意度调查", ["项目", "数值", "占比（%）"], rows)


def _satisfaction_block_en(summary: SatisfactionSummary) -> Block:
    total = summary.replies or 1
    rows: list[list[Cell]] = [
        [label, summary.counts[key], round(100 * summary.counts[key] / total, 2)]
        for key, label in RATING_LABELS_EN.items()
    ]
    rows.append(["satisfaction rate (%)", "—" if summary.rate is None else summary.rate, ""])
    coverage = "unknown" if summary.coverage is None else summary.coverage
    rows.append(["replying / served units", summary.replying_units, summary.units_served or "?"])
    flag = " (below the floor)" if summary.coverage_flagged else ""
    rows.append([f"coverage (%){flag}", coverage, ""])
    rows += [[f"question: {q}", rate, ""] for q, rate in summary.by_question.items()]
    rows += [[f"pool: {pool}", rate, ""] for pool, rate in summary.by_pool.items()]
    rows.append(["units rating neutral or unsatisfied", ", ".join(summary.low_units) or "—", ""])
    headers = ["item", "value", "share (%)"]
    return Block("Satisfaction", "Satisfaction survey", headers, rows, "none")


def violations_block(data: ReportData) -> Block:
    zone = data.contract.zone
    names = {target.id: target.name_zh for target in data.contract.targets}
    rows: list[list[Cell]] = [
        [
            ticket.ticket_id,
            ticket.pool or "—",
            ticket.title or "—",
            names.get(result.target_id, result.target_id),
            result.status.label_zh,
            when(result.start, zone),
            when(result.deadline, zone),
            when(result.stop, zone),
            format_duration_zh(result.overdue_seconds) if result.overdue_seconds else "—",
            _judged_by(result),
            _waived(data.waivers.get((ticket.source, ticket.ticket_id, result.target_id))),
        ]
        for ticket, result in data.violations
    ]
    headers = ["工单编号", "资源池", "标题", "考核项", "状态", "起算", "截止", "完成", "超时"]
    headers += ["依据合同", "已豁免"]
    return Block("违约明细", "违约明细（超时及缺少证据）", headers, rows)


def _judged_by(result: TargetResult) -> Cell:
    ref = result.contract
    return "—" if ref is None else f"{ref.name}（版本 {ref.short_version}）"


def contracts_block(data: ReportData) -> Block:
    """Which contract judged which tickets: name, version, file, scope and validity."""
    rows: list[list[Cell]] = [
        [
            judging.contract.name,
            judging.ref.short_version,
            judging.path.name,
            judging.scope.describe_zh(),
            judging.describe_validity_zh(),
        ]
        for judging in data.contracts
    ]
    headers = ["合同", "版本", "文件", "适用范围", "有效期"]
    return Block(
        "适用合同", "适用合同（每张工单按其资源池、运维方和报告时间适用的合同评估）", headers, rows
    )


def uncovered_block(data: ReportData) -> Block:
    """Tickets no contract covers: listed, not judged, not scored."""
    zone = data.contract.zone
    rows: list[list[Cell]] = [
        [
            ticket.ticket_id,
            ticket.pool or "未填",
            ticket.operator or "未填",
            when(ticket.reported_at, zone),
            ticket.title or "—",
        ]
        for ticket in data.uncovered
    ]
    headers = ["工单编号", "资源池", "运维方", "报告时间", "标题"]
    return Block("无适用合同", "无适用合同的工单（未评估、不计分）", headers, rows)


def calendar_unknown_block(data: ReportData) -> Block:
    """Results without a verdict: their deadline needs a year the calendar does not know."""
    zone = data.contract.zone
    names = {target.id: target.name_zh for target in data.contract.targets}
    rows: list[list[Cell]] = [
        [
            ticket.ticket_id,
            ticket.pool or "—",
            names.get(result.target_id, result.target_id),
            when(result.start, zone),
            when(result.stop, zone),
            reason,
        ]
        for ticket, result, reason in data.calendar_unknown
    ]
    headers = ["工单编号", "资源池", "考核项", "起算", "完成", "原因"]
    return Block("日历未知", "日历未知（工作日历不含所需年份，未判定、不计分）", headers, rows)


def _is_waived(data: ReportData, ticket: Ticket, result: TargetResult) -> bool:
    return (ticket.source, ticket.ticket_id, result.target_id) in data.waivers


def _waived(waiver: Waiver | None) -> Cell:
    """Who waived it and why (and the attachment): the violation does not count in the score."""
    if waiver is None:
        return "否"
    attachment = f"（{waiver.attachment_ref}）" if waiver.attachment_ref else ""
    return f"是：{waiver.waived_by}，{waiver.reason}{attachment}"


def pools_block(data: ReportData) -> Block:
    """Pool 1 and pool 2 (and any other) side by side."""
    card = data.card
    pools = sorted(
        {t.pool for t in data.tickets if t.pool}
        | {c.record.pool for c in card.inspections.checks if c.record.pool}
        | set(card.satisfaction.by_pool)
    )
    late = {(t.source, t.ticket_id) for t, _ in data.violations}

    def per_pool(pool: str) -> list[Cell]:
        tickets = [t for t in data.tickets if t.pool == pool]
        checks = [c for c in card.inspections.checks if c.record.pool == pool]
        return [
            len(tickets),
            sum((t.source, t.ticket_id) in late for t in tickets),
            sum(1 for c in checks),
            sum(c.state.is_unclosed for c in checks),
            card.satisfaction.by_pool.get(pool, "—"),
        ]

    columns = [per_pool(pool) for pool in pools]
    labels = ["工单数", "违约工单数", "巡检异常", "未闭环异常", "满意率（%）"]
    rows: list[list[Cell]] = [
        [label, *(column[index] for column in columns)] for index, label in enumerate(labels)
    ]
    return Block("资源池对比", "资源池对比", ["项目", *pools], rows)


def details_block(scorecard: Scorecard) -> Block:
    """The computed indicators' own figures (availability by pool, utilisation …) as they are."""
    rows: list[list[Cell]] = []
    for line in scorecard.lines:
        for key, value in line.details.items():
            rows.append([line.name_zh, key, _flat(value)])
    return Block("指标明细", "指标明细（含分资源池可用率等）", ["指标", "项目", "数值"], rows)


def _flat(value: object) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dict):
        return "；".join(f"{k}: {_flat(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list | tuple):
        return "、".join(str(_flat(item)) for item in value) or "—"
    return str(value)


def summary_block(data: ReportData) -> Block:
    card: PeriodScorecard = data.card
    zone = data.contract.zone
    scorecard = card.scorecard
    rows: list[list[Cell]] = [
        ["合同", "、".join(j.contract.name for j in data.contracts) or data.contract.name],
        ["考核期", card.period.label],
        ["评估时间", f"{when(card.at, zone)}（{data.contract.timezone}）"],
        ["总分", scorecard.total],
        ["等级", scorecard.grade],
        [
            "完整性",
            "完整"
            if scorecard.complete
            else f"不完整：{scorecard.missing_points:g} 分的指标没有数据，总分不含这些指标",
        ],
        ["工单数", len(data.tickets)],
        ["违约（超时/缺少证据）", len(data.violations)],
        ["其中已豁免（不计分）", sum(_is_waived(data, t, r) for t, r in data.violations)],
        ["日历未知（未判定，不计分）", len(data.calendar_unknown)],
        ["无适用合同（未评估，不计分）", len(data.uncovered)],
        ["巡检记录", card.inspections.records],
        ["巡检异常", card.inspections.abnormal],
        ["未闭环巡检异常", len(card.inspections.unclosed)],
        ["缺失巡检日", len(card.inspections.missed)],
        ["满意度回复", card.satisfaction.replies],
    ]
    if card.manual is not None:
        rows.append(["手工录入文件", str(card.manual.path)])
    return Block("摘要", f"监理报告 {card.period.label}", ["项目", "内容"], rows)


_OBLIGATION_HEADERS = [
    "履约事项", "期间", "资源池", "对象", "应完成时间", "要求", "已完成", "状态", "佐证",
]  # fmt: skip


def obligations_block(clocks: Sequence[ObligationClock], contract: Contract, at: datetime) -> Block:
    """One row per obligation period, due moment first; its evidence as of `at`."""
    names = {item.id: item.name_zh for item in contract.obligations}
    zone = contract.zone
    rows: list[list[Cell]] = []
    for clock in sorted(clocks, key=lambda c: (c.due_at, c.obligation_id, c.pool, c.subject)):
        done = [c for c in clock.completions if c.at <= at]
        evidence = "；".join(
            f"{c.what}（{c.at.astimezone(zone).date().isoformat()}{' ' + c.by if c.by else ''}）"
            for c in done
        )
        # The last day allowed, as people say it: the due moment is 24:00 of that day.
        last_day = (clock.due_at.astimezone(zone) - timedelta(microseconds=1)).date()
        rows.append(
            [
                names.get(clock.obligation_id, clock.obligation_id),
                clock.label,
                clock.pool or "—",
                clock.subject if clock.subject and clock.subject != clock.label else "—",
                f"{last_day.isoformat()} 24:00",
                clock.required,
                len(done),
                STATUS_NAMES_ZH[clock.status(at)],
                evidence or "—",
            ]
        )
    return Block(
        "履约事项", "合同履约事项", list(_OBLIGATION_HEADERS), rows, "本期没有应履行的履约事项"
    )


def report_blocks(data: ReportData) -> list[Block]:
    zone = data.contract.zone
    card = data.card
    owed = data.obligations
    return [
        summary_block(data),
        scorecard_block(card.scorecard),
        sections_block(card.scorecard),
        contracts_block(data),
        violations_block(data),
        calendar_unknown_block(data),
        uncovered_block(data),
        *inspection_blocks(card.inspections, zone),
        pools_block(data),
        satisfaction_block(card.satisfaction),
        obligations_block(owed, data.contract, card.at),
        *report_billing_blocks(data.billing, card.period.label),
        details_block(card.scorecard),
    ]


def text_cells(rows: Sequence[Sequence[Cell]]) -> list[list[str]]:
    """Every cell as text, for plain-text and PDF tables."""
    return [["—" if cell is None else f"{cell:g}" if isinstance(cell, float) else str(cell)
             for cell in row] for row in rows]  # fmt: skip
