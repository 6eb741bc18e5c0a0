"""巡检 rules: unclosed abnormal findings with their age, missed inspection days, unknown tickets.

Pure functions of the records, the contract and the evaluation time `now`. A resolution
stamped after `now` has not happened yet, so looking at a past instant shows the state then.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from monitor.contract.model import Contract
from monitor.domain.records import InspectionRecord, InspectionResult


class FindingState(StrEnum):
    """Where an abnormal finding stands; the two open states are the 'unclosed findings'."""

    CLOSED = "closed"
    CLOSED_LATE = "closed_late"
    OPEN = "open"
    OVERDUE = "overdue"

    @property
    def label_zh(self) -> str:
        return FINDING_LABELS_ZH[self]

    def label(self, lang: str) -> str:
        """The state's name for people in `lang` ("zh" or "en")."""
        return FINDING_LABELS_ZH[self] if lang == "zh" else FINDING_LABELS_EN[self]

    @property
    def is_unclosed(self) -> bool:
        return self in (FindingState.OPEN, FindingState.OVERDUE)


FINDING_LABELS_ZH = {
    FindingState.CLOSED: "已闭环",
    FindingState.CLOSED_LATE: "逾期闭环",
    FindingState.OPEN: "未闭环（未超时）",
    FindingState.OVERDUE: "未闭环（已超时）",
}
FINDING_LABELS_EN = {
    FindingState.CLOSED: "closed",
    FindingState.CLOSED_LATE: "closed late",
    FindingState.OPEN: "open (in time)",
    FindingState.OVERDUE: "open (overdue)",
}
EVIDENCE_LABELS_ZH = {
    "resolution_record": "处理记录",
    "evidence_ref": "佐证材料",
    "measure": "处理措施",
}
EVIDENCE_LABELS_EN = {
    "resolution_record": "resolution record",
    "evidence_ref": "evidence",
    "measure": "measure taken",
}


@dataclass(frozen=True, slots=True)
class FindingCheck:
    """The verdict on one abnormal finding as of `now`."""

    record: InspectionRecord
    state: FindingState
    deadline: datetime
    # Unclosed: how long it has been open as of now; closed: how long it took.
    age_seconds: int
    # Required evidence fields that are empty (an unrecorded resolution keeps a finding open).
    missing: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MissedDay:
    day: date
    pool: str | None  # None: no inspection at all that day


def resolution_limit(contract: Contract) -> timedelta:
    """How long an abnormal finding may stay open: configured, or the anomaly feedback limit."""
    rules = contract.inspections
    if rules.resolution_limit is not None:
        return rules.resolution_limit
    limit = contract.target(rules.resolution_target).limit.duration
    assert limit is not None  # the contract validated this
    return limit


def check_finding(
    record: InspectionRecord, limit: timedelta, required: Iterable[str], now: datetime
) -> FindingCheck:
    """Closed needs a resolution time no later than now and every required evidence field."""
    deadline = record.inspected_at + limit
    resolved = record.resolved_at if record.resolved_at and record.resolved_at <= now else None
    missing = tuple(name for name in required if not getattr(record, name))
    if resolved is None or missing:
        state = FindingState.OVERDUE if now > deadline else FindingState.OPEN
        return FindingCheck(record, state, deadline, _seconds(now - record.inspected_at), missing)
    state = FindingState.CLOSED_LATE if resolved > deadline else FindingState.CLOSED
    return FindingCheck(record, state, deadline, _seconds(resolved - record.inspected_at), ())


def check_findings(
    records: Iterable[InspectionRecord], contract: Contract, now: datetime
) -> list[FindingCheck]:
    """Every abnormal finding inspected by `now`, unclosed ones first, oldest first."""
    limit = resolution_limit(contract)
    required = contract.inspections.required_evidence
    checks = [
        check_finding(record, limit, required, now)
        for record in records
        if record.result is InspectionResult.ABNORMAL and record.inspected_at <= now
    ]
    checks.sort(key=lambda check: (not check.state.is_unclosed, -check.age_seconds))
    return checks


def missed_days(
    records: Iterable[InspectionRecord],
    first: date,
    after: date,
    pools: Iterable[str],
    is_due: Callable[[date], bool],
    zone: ZoneInfo,
) -> list[MissedDay]:
    """Scheduled days in [first, after) without an inspection (per pool when pools are listed)."""
    done: set[tuple[date, str | None]] = set()
    for record in records:
        day = record.inspected_at.astimezone(zone).date()
        done.add((day, record.pool))
        done.add((day, None))
    wanted: tuple[str | None, ...] = tuple(pools) or (None,)
    missed: list[MissedDay] = []
    day = first
    while day < after:
        if is_due(day):
            missed.extend(MissedDay(day, pool) for pool in wanted if (day, pool) not in done)
        day += timedelta(days=1)
    return missed


def unknown_ticket_refs(
    records: Iterable[InspectionRecord], known_ticket_ids: set[str]
) -> list[InspectionRecord]:
    """Records that name a ticket id no stored ticket has."""
    return [
        record
        for record in records
        if record.ticket_id is not None and record.ticket_id not in known_ticket_ids
    ]


def _seconds(delta: timedelta) -> int:
    return max(0, math.floor(delta / timedelta(seconds=1)))


def day_ranges(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days folded into (first, last) runs, for a readable list of missed days."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs
