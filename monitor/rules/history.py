"""A ticket's status history (one event per update) → its timestamps, pauses and reopens.

Pure: the caller has already read each event's status into a phase with the source's mapping
profile. Events are taken in (time, sequence) order, the order the source recorded them.

- responded_at: the first event in a status that counts as a response (e.g. Active);
- a pause: a run of events in a waiting status, from its first event to the next event in
  another status (still open if the history ends waiting);
- restored_at: when the final resolved run began; closed_at: when the final closed run began;
- a reopen: an open or waiting event after a resolved or closed one; the stretch it sat
  resolved becomes a pause with reason `resolved` (whether that stops a clock is the
  contract's choice) and the earlier resolution no longer counts;
- a severity change: an event whose severity differs from the one before it. A history with
  one starts with the severity the ticket was first recorded with, from the report (or the
  first event, if earlier), so that the targets of every severity it ever had are known
  (monitor.rules.status keeps a breach of the old severity's targets; a list without that leading
  entry, as stored before, leaves the severity before its first change unknown).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from monitor.domain.tickets import Pause, SeverityChange


class Phase(StrEnum):
    OPEN = "open"
    WAITING = "waiting"
    RESOLVED = "resolved"
    CLOSED = "closed"


_DONE = (Phase.RESOLVED, Phase.CLOSED)


@dataclass(frozen=True, slots=True)
class StatusEvent:
    at: datetime
    sequence: int
    phase: Phase
    pause_reason: str | None = None  # set for a waiting phase
    responds: bool = False
    severity: str | None = None


@dataclass(frozen=True, slots=True)
class Derived:
    first_at: datetime
    responded_at: datetime | None
    restored_at: datetime | None
    closed_at: datetime | None
    severity: str | None  # the last one recorded
    pauses: tuple[Pause, ...]
    reopens: tuple[datetime, ...]
    severity_changes: tuple[SeverityChange, ...]


def derive(events: Iterable[StatusEvent], reported_at: datetime | None = None) -> Derived:
    """Derive what the clocks need from a non-empty history.

    `reported_at`: the report time the source gives in its own column, when it has one; the
    leading severity entry is dated no later than it.
    """
    ordered = sorted(events, key=lambda event: (event.at, event.sequence))
    if not ordered:
        raise ValueError("a status history needs at least one event")
    responded: datetime | None = None
    pauses: list[Pause] = []
    reopens: list[datetime] = []
    changes: list[SeverityChange] = []
    waiting: tuple[str, datetime] | None = None  # the open pause: reason, since
    resolved_since: datetime | None = None
    closed_since: datetime | None = None
    severity: str | None = None
    first_severity: str | None = None
    previous: Phase | None = None
    for event in ordered:
        if responded is None and event.responds:
            responded = event.at
        reason = event.pause_reason if event.phase is Phase.WAITING else None
        if waiting is not None and waiting[0] != reason:
            pauses.append(Pause(waiting[1], event.at, waiting[0]))
            waiting = None
        if reason is not None and waiting is None:
            waiting = (reason, event.at)
        if event.phase in _DONE:
            if previous not in _DONE:
                resolved_since = event.at
            if event.phase is Phase.CLOSED and previous is not Phase.CLOSED:
                closed_since = event.at
        elif previous in _DONE:
            reopens.append(event.at)
            if resolved_since is not None and resolved_since < event.at:
                pauses.append(Pause(resolved_since, event.at, "resolved"))
            resolved_since = closed_since = None
        if event.severity is not None:
            if severity is not None and event.severity != severity:
                changes.append(SeverityChange(event.at, event.severity))
            elif severity is None:
                first_severity = event.severity
            severity = event.severity
        previous = event.phase
    if waiting is not None:
        pauses.append(Pause(waiting[1], None, waiting[0]))
    finished = previous in _DONE
    if changes:
        since = ordered[0].at if reported_at is None else min(ordered[0].at, reported_at)
        changes.insert(0, SeverityChange(since, first_severity))
    return Derived(
        first_at=ordered[0].at,
        responded_at=responded,
        restored_at=resolved_since if finished else None,
        closed_at=closed_since if previous is Phase.CLOSED else None,
        severity=severity,
        pauses=tuple(sorted(pauses, key=lambda pause: pause.start)),
        reopens=tuple(reopens),
        severity_changes=tuple(changes),
    )
