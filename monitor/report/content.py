"""The report's content as titled tables, independent of the output format."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.contract.model import Contract
from monitor.contract.scorecard import ScorecardConfig
from monitor.domain.durations import format_duration_in
from monitor.domain.message import Message
from monitor.domain.obligations import STATUS_NAMES_EN, STATUS_NAMES_ZH, ObligationClock
from monitor.measures.inspections import EVIDENCE_LABELS_EN, EVIDENCE_LABELS_ZH, FindingCheck
from monitor.measures.satisfaction import RATING_LABELS_EN, RATING_LABELS_ZH, SatisfactionSummary
from monitor.report.billing import report_billing_blocks
from monitor.report.blocks import Block as Block  # Block and Cell re-exported for the renderers
from monitor.report.blocks import Cell as Cell
from monitor.report.blocks import listing, texts, worded
from monitor.report.data import ReportData
from monitor.report.judging_blocks import (
    calendar_unknown_block,
    contracts_block,
    is_waived,
    uncovered_block,
    violations_block,
)
from monitor.report.words import (
    FINDING,
    INSPECTED,
    ITEM,
    NO_DATA,
    NONE,
    POOL,
    POOL_OF,
    RECORD,
    when,
)
from monitor.runs.scorecard import PeriodScorecard
from monitor.scorecard.inspection_review import InspectionReview
from monitor.scorecard.table import Scorecard, grade_name

_M = Message


def _points(value: float | None, lang: str = "zh") -> Cell:
    return NO_DATA.in_language(lang) if value is None else round(value, 2)


_SCORECARD_HEADERS = [
    _M("一级指标", "Section"), _M("指标", "Indicator"), _M("来源", "Origin"),
    _M("得分", "Points"), _M("满分", "Max"), _M("实测值", "Measured"), _M("依据", "Evidence"),
    _M("规则/说明", "Rule / note"), _M("录入人", "Entered by"),
]  # fmt: skip


def scorecard_block(
    scorecard: Scorecard, lang: str = "zh", sections: ScorecardConfig | None = None
) -> Block:
    """The indicator table in `lang`; the sections by the English names `sections` gives."""
    names = sections or ScorecardConfig()
    rows: list[list[Cell]] = [
        [
            names.section_name(line.section, lang),
            line.name(lang),
            line.origin.label(lang),
            _points(line.points, lang),
            line.max_points,
            "—" if line.measured is None else round(line.measured, 2),
            listing(line.evidence_in(lang), lang) or "—",
            # A manual entry's remark comes first in Chinese, as the evaluators wrote it.
            (line.note or line.rule_zh if lang == "zh" else line.rule(lang)) or "—",
            line.entered_by or "—",
        ]
        for line in scorecard.lines
    ]
    return worded(
        _M("评分表", "Scorecard"),
        _M("绩效评价指标评分表", "Performance evaluation scorecard"),
        _SCORECARD_HEADERS,
        rows,
        lang,
    )


def sections_block(
    scorecard: Scorecard, lang: str = "zh", sections: ScorecardConfig | None = None
) -> Block:
    names = sections or ScorecardConfig()
    rows: list[list[Cell]] = [
        [names.section_name(s.name, lang), s.points, "—" if s.deducts else s.max_points]
        for s in scorecard.sections
    ]
    complete = _M("完整", "complete") if scorecard.complete else _M("不完整", "incomplete")
    rows.append([_M("合计", "Total").in_language(lang), scorecard.total, scorecard.max_total])
    rows.append([_M("等级", "Grade").in_language(lang), grade_name(scorecard.grade, lang),
                 complete.in_language(lang)])  # fmt: skip
    return worded(
        _M("分项合计", "Sections"),
        _M("一级指标得分与等级", "Section totals and grade"),
        [_M("一级指标", "Section"), _M("得分", "Points"), _M("满分", "Max")],
        rows,
        lang,
    )


_UNCLOSED_HEADERS = [
    RECORD, INSPECTED, POOL, ITEM, FINDING, _M("状态", "State"), _M("已开放", "Open for"),
    _M("处理时限", "Due"), _M("缺少", "Missing"), _M("关联工单", "Ticket"),
]  # fmt: skip


def unclosed_block(review: InspectionReview, zone: ZoneInfo, lang: str = "zh") -> Block:
    title = _M(
        "未闭环的巡检异常（只记录不处理或处理后不登记）",
        "Abnormal findings not closed (recorded but not handled, or handled unrecorded)",
    )
    return worded(
        _M("未闭环巡检发现", "Unclosed findings"),
        title,
        _UNCLOSED_HEADERS,
        [_finding_row(check, zone, lang) for check in review.unclosed],
        lang,
    )


_RESOLVED_AT = _M("解决时间", "resolution time")


def _finding_row(check: FindingCheck, zone: ZoneInfo, lang: str = "zh") -> list[Cell]:
    record = check.record
    labels = EVIDENCE_LABELS_ZH if lang == "zh" else EVIDENCE_LABELS_EN
    missing = [_RESOLVED_AT.in_language(lang)] if record.resolved_at is None else []
    missing += [labels.get(name, name) for name in check.missing]
    return [
        record.record_key,
        when(record.inspected_at, zone),
        record.pool or "—",
        record.item,
        record.finding or "—",
        check.state.label(lang),
        format_duration_in(check.age_seconds, lang),
        when(check.deadline, zone),
        listing(missing, lang) or "—",
        record.ticket_id or "—",
    ]


def inspection_blocks(review: InspectionReview, zone: ZoneInfo, lang: str = "zh") -> list[Block]:
    late = [check for check in review.checks if check.state.value == "closed_late"]
    every_pool, none = _M("（全部）", "(all)").in_language(lang), NONE.in_language(lang)
    late_headers = [RECORD, INSPECTED, POOL, ITEM, FINDING, _M("用时", "Took"),
                    _M("处理时限", "Due")]  # fmt: skip
    return [
        unclosed_block(review, zone, lang),
        Block(
            _M("逾期闭环", "Closed late").in_language(lang),
            _M("逾期闭环的巡检异常", "Abnormal findings closed late").in_language(lang),
            texts(late_headers, lang),
            [
                [
                    c.record.record_key,
                    when(c.record.inspected_at, zone),
                    c.record.pool or "—",
                    c.record.item,
                    c.record.finding or "—",
                    format_duration_in(c.age_seconds, lang),
                    when(c.deadline, zone),
                ]
                for c in late
            ],
            none,
        ),
        Block(
            _M("缺失巡检日", "Missed days").in_language(lang),
            _M(
                "按计划应巡检而没有巡检记录的日期", "Days an inspection was due and none recorded"
            ).in_language(lang),
            texts([_M("日期", "Day"), POOL], lang),
            [[m.day.isoformat(), m.pool or every_pool] for m in review.missed],
            none,
        ),
        Block(
            _M("关联工单不存在", "Unknown tickets").in_language(lang),
            _M(
                "巡检记录关联的工单在系统中不存在",
                "Inspection records naming a ticket that does not exist",
            ).in_language(lang),
            texts([RECORD, INSPECTED, _M("关联工单", "Ticket")], lang),
            [[r.record_key, when(r.inspected_at, zone), r.ticket_id] for r in review.unknown_refs],
            none,
        ),
    ]


def satisfaction_block(summary: SatisfactionSummary, lang: str = "zh") -> Block:
    total = summary.replies or 1
    ratings = RATING_LABELS_ZH if lang == "zh" else RATING_LABELS_EN
    unknown = _M("未知", "unknown").in_language(lang)
    rows: list[list[Cell]] = [
        [label, summary.counts[key], round(100 * summary.counts[key] / total, 2)]
        for key, label in ratings.items()
    ]
    overall = "—" if summary.rate is None else summary.rate
    rows.append([_M("满意率（%）", "Satisfaction rate (%)").in_language(lang), overall, ""])
    units = _M("回复单位 / 服务单位", "Replying / served units").in_language(lang)
    rows.append([units, summary.replying_units, summary.units_served or unknown])
    flag = _M("（低于下限）", " (below the floor)") if summary.coverage_flagged else _M("", "")
    coverage = _M(f"覆盖率（%）{flag.zh}", f"Coverage (%){flag.en}").in_language(lang)
    rows.append([coverage, unknown if summary.coverage is None else summary.coverage, ""])
    question, pool_of = _M("分题：", "Question: ").in_language(lang), POOL_OF.in_language(lang)
    rows += [[f"{question}{q}", rate, ""] for q, rate in summary.by_question.items()]
    rows += [[f"{pool_of}{pool}", rate, ""] for pool, rate in summary.by_pool.items()]
    low = _M("一般/不满意的单位", "Units rating neutral or unsatisfied").in_language(lang)
    rows.append([low, listing(summary.low_units, lang) or "—", ""])
    return worded(
        _M("满意度", "Satisfaction"),
        _M("满意度调查", "Satisfaction survey"),
        [_M("项目", "Item"), _M("数值", "Value"), _M("占比（%）", "Share (%)")],
        rows,
        lang,
    )


def pools_block(data: ReportData, lang: str = "zh") -> Block:
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
    labels = [_M("工单数", "Tickets"), _M("违约工单数", "Violated tickets"),
              _M("巡检异常", "Abnormal findings"), _M("未闭环异常", "Unclosed findings"),
              _M("满意率（%）", "Satisfaction (%)")]  # fmt: skip
    rows: list[list[Cell]] = [
        [label, *(column[index] for column in columns)]
        for index, label in enumerate(texts(labels, lang))
    ]
    name = _M("资源池对比", "Pools compared").in_language(lang)
    headers = [_M("项目", "Item").in_language(lang), *pools]
    return Block(name, name, headers, rows, NONE.in_language(lang))


def details_block(scorecard: Scorecard, lang: str = "zh") -> Block:
    """The computed indicators' own figures (availability by pool, utilisation …) as they are."""
    rows: list[list[Cell]] = []
    for line in scorecard.lines:
        for key, value in _details_in(line.details, lang).items():
            rows.append([line.name(lang), key, _flat(value, lang)])
    title = _M(
        "指标明细（含分资源池可用率等）", "Indicator details (availability by pool and more)"
    )
    return worded(
        _M("指标明细", "Details"),
        title,
        [_M("指标", "Indicator"), _M("项目", "Item"), _M("数值", "Value")],
        rows,
        lang,
    )


def _details_in(details: Mapping[str, object], lang: str) -> dict[str, object]:
    """An indicator's figures for a report in `lang`: a text worded for one language only
    (`coverage_zh`) is left out of the other's, and in English a `reason_en` stands for the
    Chinese `reason`."""
    if lang == "zh":
        return {key: value for key, value in details.items() if not key.endswith("_en")}
    shown = {key: value for key, value in details.items() if not key.endswith("_zh")}
    for key in [key for key in shown if key.endswith("_en")]:
        shown[key.removesuffix("_en")] = shown.pop(key)
    return shown


def _flat(value: object, lang: str) -> Cell:
    if value is None or isinstance(value, str | int | float):
        return value
    if isinstance(value, dict):
        pairs = (f"{k}: {_flat(v, lang)}" for k, v in value.items())
        return ("；" if lang == "zh" else "; ").join(pairs) or "—"
    if isinstance(value, list | tuple):
        return listing((str(_flat(item, lang)) for item in value), lang) or "—"
    return str(value)


def summary_block(data: ReportData, lang: str = "zh") -> Block:
    card: PeriodScorecard = data.card
    zone = data.contract.zone
    scorecard = card.scorecard
    label, missing = card.period.label, f"{scorecard.missing_points:g}"
    contracts = listing((j.contract.name for j in data.contracts), lang) or data.contract.name
    at, timezone = when(card.at, zone), data.contract.timezone
    complete = (
        _M("完整", "complete")
        if scorecard.complete
        else _M(
            f"不完整：{missing} 分的指标没有数据，总分不含这些指标",
            f"incomplete: indicators worth {missing} points have no data; the total leaves "
            "them out",
        )
    )
    waived = sum(is_waived(data, t, r) for t, r in data.violations)
    as_of = _M(f"{at}（{timezone}）", f"{at} ({timezone})").in_language(lang)
    violated = len(data.violations)
    pairs: list[tuple[Message, Cell]] = [
        (_M("合同", "Contract"), contracts),
        (_M("考核期", "Period"), label),
        (_M("评估时间", "As of"), as_of),
        (_M("总分", "Total"), scorecard.total),
        (_M("等级", "Grade"), grade_name(scorecard.grade, lang)),
        (_M("完整性", "Completeness"), complete.in_language(lang)),
        (_M("工单数", "Tickets"), len(data.tickets)),
        (_M("违约（超时/缺少证据）", "Violations (late or without evidence)"), violated),
        (_M("其中已豁免（不计分）", "of which waived (not scored)"), waived),
        (_M("日历未知（未判定，不计分）", "Calendar unknown (not judged, not scored)"),
         len(data.calendar_unknown)),
        (_M("无适用合同（未评估，不计分）", "No contract applies (not judged, not scored)"),
         len(data.uncovered)),
        (_M("巡检记录", "Inspection records"), card.inspections.records),
        (_M("巡检异常", "Abnormal findings"), card.inspections.abnormal),
        (_M("未闭环巡检异常", "Unclosed findings"), len(card.inspections.unclosed)),
        (_M("缺失巡检日", "Missed inspection days"), len(card.inspections.missed)),
        (_M("满意度回复", "Survey replies"), card.satisfaction.replies),
    ]  # fmt: skip
    if card.manual is not None:
        pairs.append((_M("手工录入文件", "Hand-entered scores file"), str(card.manual.path)))
    rows: list[list[Cell]] = [[name.in_language(lang), value] for name, value in pairs]
    return worded(
        _M("摘要", "Summary"),
        _M(f"监理报告 {label}", f"Supervision report {label}"),
        [_M("项目", "Item"), _M("内容", "Value")],
        rows,
        lang,
    )


_OBLIGATION_HEADERS = [
    _M("履约事项", "Obligation"), _M("期间", "Period"), POOL, _M("对象", "Subject"),
    _M("应完成时间", "Due by"), _M("要求", "Required"), _M("已完成", "Done"),
    _M("状态", "Status"), _M("佐证", "Evidence"),
]  # fmt: skip


def obligations_block(
    clocks: Sequence[ObligationClock], contract: Contract, at: datetime, lang: str = "zh"
) -> Block:
    """One row per obligation period, due moment first; its evidence as of `at`."""
    names = {
        item.id: item.name_zh if lang == "zh" else item.name_en for item in contract.obligations
    }
    statuses = STATUS_NAMES_ZH if lang == "zh" else STATUS_NAMES_EN
    zone = contract.zone
    rows: list[list[Cell]] = []
    for clock in sorted(clocks, key=lambda c: (c.due_at, c.obligation_id, c.pool, c.subject)):
        done = [c for c in clock.completions if c.at <= at]
        evidence = ("；" if lang == "zh" else "; ").join(
            _completion(c.what, c.at.astimezone(zone).date().isoformat(), c.by, lang) for c in done
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
                statuses[clock.status(at)],
                evidence or "—",
            ]
        )
    return Block(
        _M("履约事项", "Obligations").in_language(lang),
        _M("合同履约事项", "Contract obligations").in_language(lang),
        texts(_OBLIGATION_HEADERS, lang),
        rows,
        _M("本期没有应履行的履约事项", "No obligation is owed in this period").in_language(lang),
    )


def _completion(what: str, day: str, by: str | None, lang: str) -> str:
    """One piece of an obligation's evidence: what, on which day, by whom."""
    who = f" {by}" if by else ""
    return f"{what}（{day}{who}）" if lang == "zh" else f"{what} ({day}{who})"


def report_file_stem(lang: str) -> str:
    """The start of a report file's name in `lang`; the period follows it."""
    return _M("监理报告", "supervision_report").in_language(lang)


def report_blocks(data: ReportData, lang: str = "zh") -> list[Block]:
    """The whole 监理报告 in `lang` ("zh" or "en"); the data's own words stay as they are."""
    zone = data.contract.zone
    card = data.card
    owed = data.obligations
    sections = data.contract.scorecard
    return [
        summary_block(data, lang),
        scorecard_block(card.scorecard, lang, sections),
        sections_block(card.scorecard, lang, sections),
        contracts_block(data, lang),
        violations_block(data, lang),
        calendar_unknown_block(data, lang),
        uncovered_block(data, lang),
        *inspection_blocks(card.inspections, zone, lang),
        pools_block(data, lang),
        satisfaction_block(card.satisfaction, lang),
        obligations_block(owed, data.contract, card.at, lang),
        *report_billing_blocks(data.billing, card.period.label, lang),
        details_block(card.scorecard, lang),
    ]


def text_cells(rows: Sequence[Sequence[Cell]]) -> list[list[str]]:
    """Every cell as text, for plain-text and PDF tables."""
    return [["—" if cell is None else f"{cell:g}" if isinstance(cell, float) else str(cell)
             for cell in row] for row in rows]  # fmt: skip
