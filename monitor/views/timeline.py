"""A ticket's timeline as it happened: its events, its pauses with their reasons, severity
changes, reopens and the source's own status updates, and each status flip at the moment it
took effect (a breach at its deadline), not at the evaluation that noticed it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from monitor.domain.tickets import Pause
from monitor.storage.tables import ResultChangeRow, TicketEventRow, TicketHistoryRow
from monitor.views.incident import IncidentDetail, TargetClock, TimelineEntry

CHANGE = ResultChangeRow.__table__  # type: ignore[attr-defined]
HISTORY = TicketHistoryRow.__table__  # type: ignore[attr-defined]
EVENT = TicketEventRow.__table__  # type: ignore[attr-defined]

# Entries of the ticket's own history, in this order at one instant.
HISTORY_KINDS = ("source_status", "severity", "pause", "resume", "reopen")
# The entries this module writes: the history and the status flips.
TIMELINE_KINDS = (*HISTORY_KINDS, "status")


@dataclass(frozen=True, slots=True)
class TicketTimeline:
    """An incident's detail with its timeline as it happened, and its paused stretches."""

    detail: IncidentDetail
    pauses: tuple[Pause, ...]


def as_it_happened(engine: Engine, detail: IncidentDetail) -> TicketTimeline:
    """The incident's detail with its status entries stamped when each flip took effect and
    its history (pauses, severity changes, reopens, source updates) on the same timeline."""
    ticket_pk = detail.pk
    source, ticket_id = detail.fields["source"], detail.fields["ticket_id"]
    with engine.connect() as connection:
        changes = connection.execute(
            select(CHANGE).where(CHANGE.c.ticket_pk == ticket_pk).order_by(CHANGE.c.id)
        ).all()
        history = connection.execute(
            select(HISTORY).where(HISTORY.c.ticket_pk == ticket_pk).order_by(HISTORY.c.id)
        ).all()
        updates = _source_updates(connection, source, ticket_id)
    clocks = {clock.target_id: clock for clock in detail.clocks}
    entries = [e for e in detail.timeline if e.kind != "status"]
    entries += [_flip(change, clocks.get(change.target_id)) for change in changes]
    entries += _history_entries(history)
    entries += updates
    order = {"event": 0, **{kind: 1 for kind in HISTORY_KINDS}, "status": 2}
    entries.sort(key=lambda e: (e.at, order.get(e.kind, 3)))
    pauses = tuple(Pause(h.start, h.end, h.value or "") for h in history if h.kind == "pause")
    return TicketTimeline(replace(detail, timeline=entries), pauses)


def effective_at(to_status: str, changed_at: datetime, clock: TargetClock | None) -> datetime:
    """When a flip took effect: a breach, or missing evidence (no stop event recorded), at its
    deadline; at risk from its at-risk moment; met at its stop; pending at its start; the
    evaluation time when that moment is unknown or lies after it (a verdict is never dated
    after it was seen)."""
    if clock is None:
        return changed_at
    moment = {
        "breached": clock.deadline,
        "missing_evidence": clock.deadline,
        "at_risk": clock.at_risk_from,
        "met": clock.stop,
        "pending": clock.start,
    }.get(to_status)
    if moment is None or moment > changed_at:
        return changed_at
    return moment


def _flip(change: Any, clock: TargetClock | None) -> TimelineEntry:
    at = effective_at(change.to_status, change.changed_at, clock)
    moved = f"{change.from_status or '—'} → {change.to_status}"
    return TimelineEntry(at, "status", change.target_id, moved)


def _history_entries(history: Sequence[Any]) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for h in history:
        if h.kind == "pause":
            entries.append(TimelineEntry(h.start, "pause", h.value or "—"))
            if h.end is not None:
                entries.append(TimelineEntry(h.end, "resume", h.value or "—"))
        elif h.kind == "severity":
            entries.append(TimelineEntry(h.start, "severity", h.value or "—"))
        elif h.kind == "reopen":
            entries.append(TimelineEntry(h.start, "reopen", "—"))
    return entries


def _source_updates(connection: Connection, source: str, ticket_id: str) -> list[TimelineEntry]:
    """The source's status updates (a ServiceNow sys_audit row …), with the hold reason."""
    rows = connection.execute(
        select(EVENT.c.at, EVENT.c.status, EVENT.c.hold_reason)
        .where(EVENT.c.source == source, EVENT.c.ticket_id == ticket_id)
        .order_by(EVENT.c.at, EVENT.c.sequence)
    ).all()
    return [
        TimelineEntry(row.at, "source_status", row.status or "—", row.hold_reason or "")
        for row in rows
    ]
