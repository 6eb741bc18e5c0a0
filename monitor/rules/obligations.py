"""Every period of every obligation up to the evaluation time, with what was done in it; pure.

A period's evidence is what was done in its window: from its first day up to its due moment
(a monthly report may be handed in during the next month). A piece of evidence that names its
period counts there alone, however late; one that does not goes to the earliest period whose
window holds its day and that still needs it (so one report never fills two months).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.contract.model import Contract
from monitor.contract.obligations import Coverage, Evidence, Frequency, Obligation
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.obligations import Completion, EvidenceRecord, ObligationClock
from monitor.domain.periods import Period
from monitor.domain.records import SurveyReply
from monitor.domain.resources import Resource


@dataclass(frozen=True, slots=True)
class ObligationFacts:
    """What the clocks are computed from: evidence, the inventory, the survey replies."""

    evidence: Sequence[EvidenceRecord]
    resources: Sequence[Resource]
    protection_levels: dict[str, int]  # system → its 等保 level, from the inventory
    survey_replies: Sequence[SurveyReply] = ()


@dataclass(frozen=True, slots=True)
class _Window:
    label: str
    start: date
    end: date


def obligation_clocks(
    contract: Contract,
    calendar: BusinessCalendar,
    facts: ObligationFacts,
    at: datetime,
    first_day: date | None = None,
) -> list[ObligationClock]:
    """Every period of the contract's obligations begun by `at`, each with its completions.

    Periods are owed from the obligation's `since`, else the contract's valid_from, else
    `first_day` (default: 1 January of the year before `at`, so last December's report,
    due in January, is there).
    """
    today = at.astimezone(contract.zone).date()
    default_since = first_day or date(today.year - 1, 1, 1)
    clocks: list[ObligationClock] = []
    for obligation in contract.obligations:
        since = obligation.since or contract.valid_from or default_since
        clocks.extend(_clocks_of(obligation, contract, calendar, facts, at, since))
    return clocks


def _clocks_of(
    obligation: Obligation,
    contract: Contract,
    calendar: BusinessCalendar,
    facts: ObligationFacts,
    at: datetime,
    since: date,
) -> list[ObligationClock]:
    zone = contract.zone
    evidence = [item for item in facts.evidence if item.obligation_id == obligation.id]
    if obligation.frequency is Frequency.EVENT:
        return _notice_clocks(obligation, calendar, evidence, zone, at)
    today = at.astimezone(zone).date()
    until = contract.valid_until
    windows = [
        window
        for window in _windows(obligation.frequency, since, today)
        if until is None or window.start < until
    ]
    due = [
        _due_at(obligation, window.end - timedelta(days=1), calendar, zone) for window in windows
    ]
    clocks: list[ObligationClock] = []
    for subject, pool in _owed_by(obligation, facts):
        mine = [item for item in evidence if _belongs(item, obligation, subject, pool)]
        if obligation.evidence is Evidence.SURVEY:
            completions = [
                _survey_replies(facts, pool, window, due_at, zone)
                for window, due_at in zip(windows, due, strict=True)
            ]
            required = [
                _units_required(obligation, facts, pool, window, zone) for window in windows
            ]
        else:
            completions = _assign(mine, windows, due, obligation.count, zone)
            required = [obligation.count] * len(windows)
        for window, due_at, done, count in zip(windows, due, completions, required, strict=True):
            clocks.append(
                ObligationClock(
                    obligation_id=obligation.id,
                    subject=subject,
                    pool=pool,
                    label=window.label,
                    start=window.start,
                    end=window.end,
                    due_at=due_at,
                    at_risk_at=_at_risk(obligation, window.start, due_at, zone),
                    required=count,
                    completions=tuple(sorted(done, key=lambda c: (c.at, c.what))),
                )
            )
    return clocks


def _owed_by(obligation: Obligation, facts: ObligationFacts) -> list[tuple[str, str]]:
    """(subject, pool) of each clock: one for the deployment, one per pool, one per system."""
    if obligation.coverage is Coverage.POOL:
        return [("", pool) for pool in obligation.pools]
    if obligation.coverage is Coverage.SYSTEM:
        found = {
            (resource.system, resource.pool or "")
            for resource in facts.resources
            if resource.system is not None
            and facts.protection_levels.get(resource.system) == obligation.protection_level
        }
        return sorted(found)
    return [("", "")]


def _belongs(item: EvidenceRecord, obligation: Obligation, subject: str, pool: str) -> bool:
    if obligation.coverage is Coverage.POOL:
        return item.pool == pool
    if obligation.coverage is Coverage.SYSTEM:
        return item.subject == subject and (item.pool is None or item.pool == pool)
    return True


def _windows(frequency: Frequency, since: date, today: date) -> list[_Window]:
    """The periods from the one holding `since` to the one holding `today`."""
    windows: list[_Window] = []
    start = _period_start(frequency, since)
    while start <= today:
        end = _next_start(frequency, start)
        windows.append(_Window(_label(frequency, start), start, end))
        start = end
    return windows


def _period_start(frequency: Frequency, day: date) -> date:
    if frequency is Frequency.YEARLY:
        return date(day.year, 1, 1)
    if frequency is Frequency.QUARTERLY:
        return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    if frequency is Frequency.MONTHLY:
        return date(day.year, day.month, 1)
    return day - timedelta(days=day.weekday())  # ISO weeks begin on Monday


def _next_start(frequency: Frequency, start: date) -> date:
    if frequency is Frequency.WEEKLY:
        return start + timedelta(days=7)
    months = {Frequency.YEARLY: 12, Frequency.QUARTERLY: 3, Frequency.MONTHLY: 1}[frequency]
    index = start.year * 12 + start.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _label(frequency: Frequency, start: date) -> str:
    if frequency is Frequency.YEARLY:
        return f"{start.year}"
    if frequency is Frequency.QUARTERLY:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    if frequency is Frequency.MONTHLY:
        return f"{start.year}-{start.month:02d}"
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def _due_at(
    obligation: Obligation, last_day: date, calendar: BusinessCalendar, zone: ZoneInfo
) -> datetime:
    """The end of the last day allowed, counted from `last_day` by the due rule."""
    rule = obligation.due
    if rule.working_days is not None:
        noon = datetime.combine(last_day, time(12), tzinfo=zone)
        return calendar.working_days_deadline(noon, rule.working_days, zone)
    extra = rule.days or 0
    return datetime.combine(last_day + timedelta(days=extra + 1), time(0), tzinfo=zone)


def _at_risk(obligation: Obligation, start: date, due_at: datetime, zone: ZoneInfo) -> datetime:
    """warn_before the due moment, never before the period begins."""
    begins = datetime.combine(start, time(0), tzinfo=zone)
    return max(begins, due_at - obligation.warn_before)


def _day_start(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=zone)


def _completion(item: EvidenceRecord, zone: ZoneInfo) -> Completion:
    assert item.done_on is not None
    return Completion(_day_start(item.done_on, zone), item.document_ref or "", item.done_by)


def _assign(
    evidence: Iterable[EvidenceRecord],
    windows: Sequence[_Window],
    due: Sequence[datetime],
    count: int,
    zone: ZoneInfo,
) -> list[list[Completion]]:
    """Each window's completions (see the module's docstring for which piece goes where)."""
    assigned: list[list[Completion]] = [[] for _ in windows]
    by_label = {window.label: index for index, window in enumerate(windows)}
    done = sorted(
        (item for item in evidence if item.done_on is not None),
        key=lambda item: (item.done_on, item.document_ref or ""),
    )
    for item in done:
        assert item.done_on is not None
        if item.period is not None:
            if item.period in by_label:
                assigned[by_label[item.period]].append(_completion(item, zone))
            continue
        moment = _day_start(item.done_on, zone)
        holding = [
            index
            for index, window in enumerate(windows)
            if window.start <= item.done_on and moment < due[index]
        ]
        needing = [index for index in holding if len(assigned[index]) < count]
        own = [index for index in holding if windows[index].end > item.done_on]
        chosen = needing[0] if needing else (own[0] if own else None)
        if chosen is not None:
            assigned[chosen].append(_completion(item, zone))
    return assigned


def _notice_clocks(
    obligation: Obligation,
    calendar: BusinessCalendar,
    evidence: Sequence[EvidenceRecord],
    zone: ZoneInfo,
    at: datetime,
) -> list[ObligationClock]:
    """One clock per notice: from its day, due by the rule; met by the first fix reported."""
    by_notice: dict[tuple[str, str], list[EvidenceRecord]] = defaultdict(list)
    for item in evidence:
        by_notice[(item.subject or "", item.pool or "")].append(item)
    clocks: list[ObligationClock] = []
    for (subject, pool), items in sorted(by_notice.items()):
        noticed = min((item.noticed_on for item in items if item.noticed_on), default=None)
        if noticed is None or _day_start(noticed, zone) > at:
            continue
        due_at = _due_at(obligation, noticed, calendar, zone)
        fixes = sorted(
            (_completion(item, zone) for item in items if item.done_on is not None),
            key=lambda completion: (completion.at, completion.what),
        )
        clocks.append(
            ObligationClock(
                obligation_id=obligation.id,
                subject=subject,
                pool=pool,
                label=subject,
                start=noticed,
                end=noticed + timedelta(days=1),
                due_at=due_at,
                at_risk_at=_at_risk(obligation, noticed, due_at, zone),
                required=1,
                completions=tuple(fixes[:1]),
            )
        )
    return clocks


def _in_window(moment: datetime, start: date, until: datetime, zone: ZoneInfo) -> bool:
    return _day_start(start, zone) <= moment < until


def _survey_replies(
    facts: ObligationFacts, pool: str, window: _Window, due_at: datetime, zone: ZoneInfo
) -> list[Completion]:
    """Each unit's first reply in the window (its pool's replies for a per-pool duty)."""
    first: dict[str, datetime] = {}
    for reply in facts.survey_replies:
        if pool and reply.pool != pool:
            continue
        if _in_window(reply.replied_at, window.start, due_at, zone):
            known = first.get(reply.unit)
            first[reply.unit] = reply.replied_at if known is None else min(known, reply.replied_at)
    return [Completion(moment, unit) for unit, moment in first.items()]


def _units_required(
    obligation: Obligation, facts: ObligationFacts, pool: str, window: _Window, zone: ZoneInfo
) -> int:
    """The share of the units served in the window (at least one), rounded up."""
    begins, ends = _day_start(window.start, zone), _day_start(window.end, zone)
    served = {
        resource.user_unit
        for resource in facts.resources
        if resource.user_unit
        and (not pool or resource.pool == pool)
        and (resource.in_service_from is None or resource.in_service_from < ends)
        and (resource.reclaimed_at is None or resource.reclaimed_at > begins)
    }
    return max(1, math.ceil(obligation.share * len(served)))


def owed_during(clocks: Sequence[ObligationClock], period: Period) -> list[ObligationClock]:
    """The periods owed at some moment of `period`: begun before its end, due after its start."""
    return [
        clock
        for clock in clocks
        if clock.due_at > period.start
        and datetime.combine(clock.start, datetime.min.time(), tzinfo=period.start.tzinfo)
        < period.end
    ]
