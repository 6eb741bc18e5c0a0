"""`slamon score` output: the scorecard, the unclosed inspection findings, satisfaction."""

from __future__ import annotations

from typing import Any

from monitor.cli.render import iso_or_none, table
from monitor.contract.model import Contract
from monitor.domain.durations import format_duration_zh
from monitor.measures.inspections import FindingCheck, day_ranges
from monitor.report.content import (
    Block,
    satisfaction_block,
    scorecard_block,
    sections_block,
    text_cells,
    unclosed_block,
)
from monitor.runs.scorecard import PeriodScorecard
from monitor.scorecard.inspection_review import InspectionReview


def scorecard_json(card: PeriodScorecard, contract: Contract) -> dict[str, Any]:
    zone = contract.zone
    scorecard = card.scorecard
    review = card.inspections
    summary = card.satisfaction
    return {
        "period": card.period.label,
        "evaluated_at": iso_or_none(card.at, zone),
        "indicators": [
            {
                "id": line.id,
                "name_zh": line.name_zh,
                "name_en": line.name_en,
                "section": line.section,
                "origin": line.origin.value,
                "points": line.points,
                "max_points": line.max_points,
                "rule_zh": line.rule_zh,
                "measured": line.measured,
                "evidence": list(line.evidence),
                "rule_en": line.rule("en"),
                "evidence_en": list(line.evidence_in("en")),
                "entered_by": line.entered_by,
                "note": line.note,
                **line.details,
            }
            for line in scorecard.lines
        ],
        "sections": [
            {"name": s.name, "points": s.points, "max_points": s.max_points, "deducts": s.deducts}
            for s in scorecard.sections
        ],
        "total": scorecard.total,
        "max_total": scorecard.max_total,
        "grade": scorecard.grade,
        "complete": scorecard.complete,
        "missing_points": scorecard.missing_points,
        "ignored_manual_entries": [entry.id for entry in scorecard.ignored_manual],
        "inspections": {
            "records": review.records,
            "abnormal": review.abnormal,
            "unclosed": [_finding(check, contract) for check in review.unclosed],
            "closed_late": [
                _finding(check, contract)
                for check in review.checks
                if check.state.value == "closed_late"
            ],
            "missed_days": [{"day": m.day.isoformat(), "pool": m.pool} for m in review.missed],
            "unknown_tickets": [
                {"record": r.record_key, "ticket_id": r.ticket_id} for r in review.unknown_refs
            ],
        },
        "satisfaction": {
            "replies": summary.replies,
            "counts": summary.counts,
            "rate": summary.rate,
            "replying_units": summary.replying_units,
            "units_served": summary.units_served,
            "coverage_percent": summary.coverage,
            "coverage_flagged": summary.coverage_flagged,
        },
    }


def _finding(check: FindingCheck, contract: Contract) -> dict[str, Any]:
    zone = contract.zone
    record = check.record
    return {
        "record": record.record_key,
        "inspected_at": iso_or_none(record.inspected_at, zone),
        "pool": record.pool,
        "item": record.item,
        "finding": record.finding,
        "state": check.state.value,
        "age_seconds": check.age_seconds,
        "age_zh": format_duration_zh(check.age_seconds),
        "deadline": iso_or_none(check.deadline, zone),
        "missing": ([] if record.resolved_at else ["resolved_at"]) + list(check.missing),
        "ticket_id": record.ticket_id,
    }


def _block_text(block: Block) -> str:
    rows = text_cells(block.rows)
    body = table(block.headers, rows) if rows else block.empty_text
    return f"{block.title}\n{body}"


def scorecard_text(card: PeriodScorecard, contract: Contract) -> str:
    scorecard = card.scorecard
    zone = contract.zone
    review = card.inspections
    head = (
        f"考核期 period {card.period.label}；总分 {scorecard.total:.2f} / {scorecard.max_total:g}，"
        f"等级 {scorecard.grade}"
    )
    if not scorecard.complete:
        head += f"（不完整：{scorecard.missing_points:g} 分的指标无数据）"
    parts = [head, "", _block_text(scorecard_block(scorecard))]
    parts += ["", _block_text(sections_block(scorecard))]
    parts += ["", _block_text(unclosed_block(review, zone))]
    if review.missed:
        parts += ["", f"缺失巡检日 {len(review.missed)} 个：{_missed_text(review)}"]
    if review.unknown_refs:
        refs = "、".join(f"{r.record_key}→{r.ticket_id}" for r in review.unknown_refs)
        parts += ["", f"关联工单不存在：{refs}"]
    if card.satisfaction.replies:
        parts += ["", _block_text(satisfaction_block(card.satisfaction))]
    if scorecard.ignored_manual:
        ignored = "、".join(entry.id for entry in scorecard.ignored_manual)
        parts += ["", f"手工录入被忽略（系统已计算）：{ignored}"]
    return "\n".join(parts)


def _missed_text(review: InspectionReview) -> str:
    pools = sorted({m.pool or "" for m in review.missed})
    parts = []
    for pool in pools:
        runs = day_ranges(m.day for m in review.missed if (m.pool or "") == pool)
        text = "、".join(
            first.isoformat() if first == last else f"{first.isoformat()}至{last.isoformat()}"
            for first, last in runs
        )
        parts.append(f"{pool}：{text}" if pool else text)
    return "；".join(parts)
