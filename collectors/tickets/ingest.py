"""Mapped rows (from a file or an API) → stored events, tickets and their derived histories.

Shared by `slamon import tickets --profile` and the ticket API collectors. Idempotent: events
are unique by (source, ticket_id, time, sequence), so re-reading a history or an overlapping
later export adds only what is new; each touched ticket is derived again from *all* its stored
events, so rows arriving in any order give the same ticket.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from collectors.tickets.profile import Profile
from collectors.tickets.profile_rows import MappedRow
from monitor.rules.history import Derived, Phase, StatusEvent, derive
from monitor.storage.ticket_events import (
    add_events,
    load_events,
    replace_histories,
)
from monitor.storage.tickets import upsert_tickets

# Fields a status history sets where the row's own columns leave them empty: a column the
# profile maps is the source's own record and wins (ServiceNow's profile maps none of them).
DERIVED_FIELDS = ("responded_at", "restored_at", "closed_at")


@dataclass
class IngestCounts:
    tickets: int = 0  # distinct tickets in the rows
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    events_new: int = 0
    events_known: int = 0
    histories_changed: int = 0

    def add(self, other: IngestCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def ingest(
    connection: Connection,
    rows: Iterable[MappedRow],
    profile: Profile,
    source: str,
    now: datetime,
) -> IngestCounts:
    """Store the rows' events, then upsert their tickets with what the history says.

    `rows` is read once, as it comes (a file's rows are not all held in memory at once).
    """
    latest, events = _read(rows, source)
    counts = IngestCounts(tickets=len(latest))
    carried = {"source", *profile.constants, *profile.columns.values()}
    tickets = {ticket_id: {**row.values, "source": source} for ticket_id, row in latest.items()}
    histories: dict[str, list[dict[str, Any]]] = {}
    if profile.status_column:
        counts.events_new = add_events(connection, events)
        counts.events_known = len(events) - counts.events_new
        stored = load_events(connection, source, list(tickets))
        for ticket_id, values in tickets.items():
            history = _status_events(profile, stored.get(ticket_id, []))
            if not history:
                histories[ticket_id] = []
                continue
            derived = derive(history, values.get("reported_at"))
            _apply(values, derived)
            histories[ticket_id] = _history_rows(derived)
        carried |= {"reported_at", *DERIVED_FIELDS}
    upserted = upsert_tickets(connection, list(tickets.values()), carried, now)
    counts.inserted, counts.updated, counts.unchanged = (
        upserted.inserted,
        upserted.updated,
        upserted.unchanged,
    )
    if histories:
        counts.histories_changed = replace_histories(connection, source, histories)
    return counts


def _read(
    rows: Iterable[MappedRow], source: str
) -> tuple[dict[str, MappedRow], list[dict[str, Any]]]:
    """Per ticket the row of its latest event (its columns are current); one event per row.

    Without a source sequence, an event's sequence is its order among the ticket's rows of
    the same time.
    """
    latest: dict[str, MappedRow] = {}
    events: dict[tuple[str, datetime, int], dict[str, Any]] = {}
    same_time: dict[tuple[str, datetime], int] = {}
    for row in rows:
        ticket_id = row.values["ticket_id"]
        known = latest.get(ticket_id)
        if known is None or _order(row) >= _order(known):
            latest[ticket_id] = row
        event = row.event
        if event is None:
            continue
        sequence = event.sequence
        if sequence is None:
            sequence = same_time.get((ticket_id, event.at), 0)
            same_time[(ticket_id, event.at)] = sequence + 1
        events[(ticket_id, event.at, sequence)] = {
            "source": source,
            "ticket_id": ticket_id,
            "at": event.at,
            "sequence": sequence,
            "status": event.status[:100],
            "severity": row.values.get("severity"),
            "hold_reason": event.hold_reason[:100] if event.hold_reason else None,
        }
    return latest, list(events.values())


def _order(row: MappedRow) -> tuple[Any, ...]:
    if row.event is None:
        return (row.line,)
    return (row.event.at, row.event.sequence or 0, row.line)


def _status_events(profile: Profile, stored: list[Any]) -> list[StatusEvent]:
    events = []
    for event in stored:
        meaning = profile.status(event.status or "")
        if meaning is not None and meaning.phase is None:
            continue  # a placeholder status the profile skips
        phase = meaning.phase if meaning is not None and meaning.phase else Phase.OPEN
        reason = meaning.pause if meaning is not None else None
        if phase is Phase.WAITING and event.hold_reason:
            reason = profile.hold_reasons.get(event.hold_reason, reason)
        responds = meaning.responds if meaning is not None else False
        events.append(
            StatusEvent(event.at, event.sequence, phase, reason, responds, event.severity)
        )
    return events


def _apply(values: dict[str, Any], derived: Derived) -> None:
    if values.get("reported_at") is None:
        values["reported_at"] = derived.first_at
    for name in DERIVED_FIELDS:
        if values.get(name) is None:
            values[name] = getattr(derived, name)


def _history_rows(derived: Derived) -> list[dict[str, Any]]:
    rows = [
        {"kind": "pause", "start": pause.start, "end": pause.end, "value": pause.reason}
        for pause in derived.pauses
    ]
    rows += [{"kind": "reopen", "start": at, "end": None, "value": None} for at in derived.reopens]
    rows += [
        {"kind": "severity", "start": change.at, "end": None, "value": change.severity}
        for change in derived.severity_changes
    ]
    return rows
