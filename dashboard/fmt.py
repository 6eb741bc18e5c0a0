"""Small formatting helpers: times in the contract's zone, durations, percentages."""

from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from dashboard.i18n import language, t
from monitor.contract.model import Contract
from monitor.domain.durations import format_duration_in


def when(moment: datetime | None, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment is not None else "—"


def local(moment: datetime | None, zone: ZoneInfo) -> datetime | None:
    """A naive wall time in the zone, for charts (Altair would otherwise show UTC)."""
    return moment.astimezone(zone).replace(tzinfo=None) if moment is not None else None


def duration(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return format_duration_in(int(seconds), language())


def countdown(deadline: datetime | None, at: datetime) -> str:
    """A running clock's time to its deadline as of `at`, "剩余 12分", or past it, "已超时 3分"."""
    if deadline is None:
        return "—"
    left = (deadline - at).total_seconds()
    if left >= 0:  # exactly on the deadline is not late yet (monitor.rules.status)
        return t("clock.left", time=duration(left))
    return t("clock.overdue", time=duration(math.ceil(-left)))


def percent(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value * 100:.{digits}f}%"


def vocabulary(mapping: dict[str, object], key: str | None) -> str:
    """A kind's or severity's name in the session's language."""
    if key is None:
        return "—"
    entry = mapping.get(key)
    if entry is None:
        return key
    return str(getattr(entry, "name_zh" if language() == "zh" else "name_en", key))


def target_name(contract: Contract, target_id: str) -> str:
    """A target by its contract name in the session's language; its id once removed."""
    try:
        target = contract.target(target_id)
    except KeyError:
        return target_id
    return target.name_zh if language() == "zh" else target.name_en
