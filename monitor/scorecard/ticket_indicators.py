"""Evaluation indicators computed from target results; the formulas come from the contract."""

from __future__ import annotations

from collections.abc import Iterable

from monitor.contract.model import Contract
from monitor.domain.periods import Period
from monitor.domain.scores import IndicatorScore
from monitor.domain.tickets import Status, TargetResult, Ticket


def fault_response_timeliness(
    tickets: Iterable[Ticket],
    results: Iterable[TargetResult],
    period: Period,
    contract: Contract,
    waived: Iterable[tuple[str, str, str]] = (),
) -> IndicatorScore:
    """系统故障响应或维护及时性: max points minus a deduction per late fault ticket, floored.

    A fault ticket is late when any of its targets is breached or lacks evidence; it counts
    once however many of its targets failed. A violation a supervisor waived, given as
    (source, ticket_id, target_id) in `waived`, does not count; nor does a calendar_unknown
    result (no verdict yet), listed in the details as `calendar_unknown`.
    """
    results = list(results)
    rule = contract.scoring.fault_response_timeliness
    in_scope = {
        (ticket.source, ticket.ticket_id)
        for ticket in tickets
        if ticket.kind in rule.kinds and period.contains(ticket.reported_at)
    }
    excused = set(waived)
    violations = [
        result
        for result in results
        if result.status.is_violation and (result.source, result.ticket_id) in in_scope
    ]
    late = sorted(
        {
            (result.source, result.ticket_id)
            for result in violations
            if (result.source, result.ticket_id, result.target_id) not in excused
        }
    )
    waived_results = sorted(
        f"{r.ticket_id}/{r.target_id}"
        for r in violations
        if (r.source, r.ticket_id, r.target_id) in excused
    )
    points = max(rule.floor, rule.max_points - rule.deduction_per_late * len(late))
    return IndicatorScore(
        id="fault_response_timeliness",
        name_zh=rule.name_zh,
        points=points,
        max_points=rule.max_points,
        rule_zh=(
            f"{rule.max_points:g}分，每发生一起超时（含缺少证据）扣{rule.deduction_per_late:g}分，"
            f"最低{rule.floor:g}分"
        ),
        name_en=rule.name_en,
        rule_en=(
            f"{rule.max_points:g} points, {rule.deduction_per_late:g} off for each late ticket "
            f"(missing evidence included), at least {rule.floor:g}"
        ),
        measured=len(late),
        evidence=tuple(ticket_id for _, ticket_id in late),
        details={
            "fault_count": len(in_scope),
            "late_tickets": [ticket_id for _, ticket_id in late],
            "waived": waived_results,
            "calendar_unknown": sorted(
                f"{r.ticket_id}/{r.target_id}"
                for r in results
                if r.status is Status.CALENDAR_UNKNOWN and (r.source, r.ticket_id) in in_scope
            ),
        },
    )
