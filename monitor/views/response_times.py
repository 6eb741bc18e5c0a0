"""MTTA and MTTR (mean time to acknowledge, to restore) per pool, operator or severity and
month: from each ticket's report to its response and to its restoration, among the tickets
reported in the month that the viewer may see."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select

from monitor.domain.periods import Period
from monitor.domain.viewer import Viewer
from monitor.storage.access import ticket_scope
from monitor.storage.tables import TicketRow

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
GROUPINGS = ("pool", "operator", "severity")


@dataclass(frozen=True, slots=True)
class ResponseTimes:
    """One group's tickets of one period and their mean times, in seconds (None: none had
    the event)."""

    group: str | None
    period: str
    tickets: int
    acknowledged: int
    restored: int
    mtta_seconds: float | None
    mttr_seconds: float | None


def response_times(
    engine: Engine, viewer: Viewer, periods: Sequence[Period], by: str
) -> list[ResponseTimes]:
    """Per period (in the given order) and group (by name), the tickets reported in it, how
    many were responded to and restored, and the mean of those times."""
    if by not in GROUPINGS:
        raise ValueError(f"response times group by one of {', '.join(GROUPINGS)}, not {by!r}")
    if not periods:
        return []
    first, end = min(p.start for p in periods), max(p.end for p in periods)
    query = select(
        TICKET.c[by], TICKET.c.reported_at, TICKET.c.responded_at, TICKET.c.restored_at
    ).where(TICKET.c.reported_at >= first, TICKET.c.reported_at < end, ticket_scope(viewer))
    sums: dict[tuple[int, str | None], list[float]] = defaultdict(lambda: [0, 0, 0, 0.0, 0.0])
    with engine.connect() as connection:
        for group, reported, responded, restored in connection.execute(query):
            index = _period_of(periods, reported)
            if index is None:
                continue
            figures = sums[(index, group)]
            figures[0] += 1
            if responded is not None and responded >= reported:
                figures[1] += 1
                figures[3] += (responded - reported).total_seconds()
            if restored is not None and restored >= reported:
                figures[2] += 1
                figures[4] += (restored - reported).total_seconds()
    return [
        ResponseTimes(
            group,
            periods[index].label,
            int(n),
            int(acked),
            int(fixed),
            ack_total / acked if acked else None,
            fix_total / fixed if fixed else None,
        )
        for (index, group), (n, acked, fixed, ack_total, fix_total) in sorted(
            sums.items(), key=lambda item: (item[0][0], item[0][1] or "")
        )
    ]


def _period_of(periods: Sequence[Period], moment: datetime) -> int | None:
    for index, period in enumerate(periods):
        if period.contains(moment):
            return index
    return None
