"""Evaluation indicators computed from target results; the formulas come from the contract."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from monitor.contract.model import Contract
from monitor.domain.tickets import TargetResult, Ticket


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar year or month in the contract's time zone, as a half-open instant range."""

    label: str
    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


def parse_period(text: str, zone: ZoneInfo) -> Period:
    """'2022' or '2022-08' → the period's bounds in the given zone; ValueError otherwise."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise ValueError(f"'{text}' is not a period; write YYYY or YYYY-MM, e.g. 2022 or 2022-08")
    year = int(match.group(1))
    if match.group(2) is None:
        first, after = date(year, 1, 1), date(year + 1, 1, 1)
        label = f"{year:04d}"
    else:
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise ValueError(f"'{text}': month must be 01 to 12")
        first = date(year, month, 1)
        after = date(year + month // 12, month % 12 + 1, 1)
        label = f"{year:04d}-{month:02d}"
    return Period(
        label,
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(after, time(0), tzinfo=zone),
    )


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator of the evaluation table: its points and what they rest on."""

    id: str
    name_zh: str
    points: float
    max_points: float
    rule_zh: str
    # The measured value the rule was applied to, e.g. 58.6 (%) or 1 (late ticket).
    measured: float | None
    # What the points rest on: ticket ids, resources, findings — shown next to the score.
    evidence: tuple[str, ...]
    # Indicator-specific figures, carried into JSON output as they are.
    details: dict[str, object] = field(default_factory=dict)


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
    (source, ticket_id, target_id) in `waived`, does not count.
    """
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
        measured=len(late),
        evidence=tuple(ticket_id for _, ticket_id in late),
        details={
            "fault_count": len(in_scope),
            "late_tickets": [ticket_id for _, ticket_id in late],
            "waived": waived_results,
        },
    )
