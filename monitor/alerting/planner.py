"""Which alert stages a set of stored status flips announces; pure, decided in one place.

at_risk: an open clock turned at risk. breached: a clock went past its deadline while open,
or a late stop arrived recently. resolved: the late stop of an announced open breach arrived.
Each stage of a (ticket, target) is announced at most once; the outbox's unique key holds that.
An obligation period (履约事项) announces at_risk once its at-risk moment has come and missed
once its due moment has passed without the evidence, each at most once by the same key.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta

from monitor.domain.obligations import ObligationClock, ObligationStatus
from monitor.domain.tickets import Status, TargetResult

AT_RISK, BREACHED, RESOLVED, MISSED = "at_risk", "breached", "resolved", "missed"
Key = tuple[int, str]  # (ticket database key, target id)


def plan_stages(
    flips: Iterable[tuple[Key, str | None, str, bool]],
    results: Mapping[Key, TargetResult],
    announced_breaches: Collection[Key],
    at: datetime,
    max_age: timedelta,
) -> list[tuple[Key, str]]:
    """(key, stage) to announce for flips given as (key, from_status, to_status, stop_arrived)."""
    planned: list[tuple[Key, str]] = []
    for key, before, after, stop_arrived in flips:
        result = results.get(key)
        if result is None:
            continue  # the target no longer applies to the ticket
        stage = _stage(result, before, after, stop_arrived, key in announced_breaches, at, max_age)
        if stage is not None:
            planned.append((key, stage))
    return planned


def _stage(
    result: TargetResult,
    before: str | None,
    after: str,
    stop_arrived: bool,
    breach_announced: bool,
    at: datetime,
    max_age: timedelta,
) -> str | None:
    if after == Status.AT_RISK and before != Status.AT_RISK:
        return AT_RISK
    if after != Status.BREACHED:
        return None
    if before == Status.BREACHED:
        # Still breached, and the stop has just arrived: late, but done.
        return RESOLVED if stop_arrived and breach_announced else None
    if result.stop is None:
        return BREACHED  # an open breach is always news, however old
    return BREACHED if result.stop >= at - max_age else None


def obligation_stage(clock: ObligationClock, at: datetime) -> str | None:
    """The stage an obligation period is at as of `at`: at_risk, missed, or None (owed and
    not yet near, or done). A period first seen missed is announced missed only; like an
    open breach, a miss is news however old."""
    status = clock.status(at)
    if status is ObligationStatus.AT_RISK:
        return AT_RISK
    if status is ObligationStatus.MISSED:
        return MISSED
    return None
