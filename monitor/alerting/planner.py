"""Which alert stages a set of stored status flips announces; pure, decided in one place.

at_risk: an open clock turned at risk. breached: a clock went past its deadline while open,
or a late stop arrived recently. resolved: the late stop of an announced open breach arrived.
Each stage of a (ticket, target) is announced at most once; the outbox's unique key holds that.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import datetime, timedelta

from monitor.domain.tickets import Status, TargetResult

AT_RISK, BREACHED, RESOLVED = "at_risk", "breached", "resolved"
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
