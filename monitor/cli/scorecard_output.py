"""`slamon score` output: the scorecard, the unclosed inspection findings, satisfaction."""

from __future__ import annotations

from typing import Any

from monitor.cli.language import chosen, say
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
    zone, lang, sections = contract.zone, chosen(), contract.scorecard
    review = card.inspections
    label, total, top = card.period.label, f"{scorecard.total:.2f}", f"{scorecard.max_total:g}"
    head = say(
        f"考核期 {label}；总分 {total} / {top}，等级 {scorecard.grade}",
        f"period {label}: {total} / {top}, grade {scorecard.grade}",
    )
    if not scorecard.complete:
        missing = f"{scorecard.missing_points:g}"
        head += say(
            f"（不完整：{missing} 分的指标无数据）",
            f" (incomplete: indicators worth {missing} points have no data)",
        )
    parts = [head, "", _block_text(scorecard_block(scorecard, lang, sections))]
    parts += ["", _block_text(sections_block(scorecard, lang, sections))]
    parts += ["", _block_text(unclosed_block(review, zone, lang))]
    if review.missed:
        days, missed = len(review.missed), _missed_text(review, lang)
        parts += [
            "",
            say(f"缺失巡检日 {days} 个：{missed}", f"{days} missed inspection days: {missed}"),
        ]
    if review.unknown_refs:
        refs = [f"{r.record_key}→{r.ticket_id}" for r in review.unknown_refs]
        parts += [
            "",
            say(
                f"关联工单不存在：{'、'.join(refs)}",
                f"linked tickets that do not exist: {', '.join(refs)}",
            ),
        ]
    if card.satisfaction.replies:
        parts += ["", _block_text(satisfaction_block(card.satisfaction, lang))]
    if scorecard.ignored_manual:
        ignored = [entry.id for entry in scorecard.ignored_manual]
        parts += [
            "",
            say(
                f"手工录入被忽略（系统已计算）：{'、'.join(ignored)}",
                f"hand-entered scores ignored (computed by slamon): {', '.join(ignored)}",
            ),
        ]
    return "\n".join(parts)


def _missed_text(review: InspectionReview, lang: str) -> str:
    pools = sorted({m.pool or "" for m in review.missed})
    to, comma, colon, semicolon = (
        ("至", "、", "：", "；") if lang == "zh" else (" to ", ", ", ": ", "; ")
    )
    parts = []
    for pool in pools:
        runs = day_ranges(m.day for m in review.missed if (m.pool or "") == pool)
        text = comma.join(
            first.isoformat() if first == last else f"{first.isoformat()}{to}{last.isoformat()}"
            for first, last in runs
        )
        parts.append(f"{pool}{colon}{text}" if pool else text)
    return semicolon.join(parts)
