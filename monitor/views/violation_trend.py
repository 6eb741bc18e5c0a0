"""Violations per month and target: how many results of each target, among the tickets
reported in each month, are violations as of now and not waived — the overview's chart."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select

from monitor.domain.periods import Period
from monitor.domain.tickets import Status
from monitor.domain.viewer import Viewer
from monitor.storage.access import ticket_scope
from monitor.storage.as_of import status_in
from monitor.storage.tables import TargetResultRow, TicketRow, WaiverRow
from monitor.storage.waivers import active_waiver_join
from monitor.views.overview import reported_in

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
WAIVER = WaiverRow.__table__  # type: ignore[attr-defined]
VIOLATIONS = [status.value for status in Status if status.is_violation]


@dataclass(frozen=True, slots=True)
class TargetMonth:
    period: str
    target_id: str
    violations: int  # not waived


def violations_by_target(
    engine: Engine, viewer: Viewer, periods: Sequence[Period], now: datetime
) -> list[TargetMonth]:
    """Unwaived violations as of `now` per period (in the given order) and target, in one
    grouped query; a period or target without any is absent."""
    if not periods:
        return []
    bucket = reported_in(periods).label("bucket")
    waiver_on = active_waiver_join()
    query = (
        select(bucket, RESULT.c.target_id, func.count())
        .select_from(
            TICKET.join(RESULT, RESULT.c.ticket_pk == TICKET.c.id).outerjoin(WAIVER, waiver_on)
        )
        .where(
            TICKET.c.reported_at >= min(p.start for p in periods),
            TICKET.c.reported_at < max(p.end for p in periods),
            status_in(now, VIOLATIONS),
            WAIVER.c.id.is_(None),
            ticket_scope(viewer),
        )
        .group_by(bucket, RESULT.c.target_id)
    )
    with engine.connect() as connection:
        rows = [tuple(row) for row in connection.execute(query)]
    return [
        TargetMonth(periods[index].label, target_id, count)
        for index, target_id, count in sorted(rows)
        if index >= 0
    ]
