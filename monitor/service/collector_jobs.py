"""A collector as the scheduler sees it: a name, an interval, and a run that reports its outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class CollectorOutcome:
    error: str | None = None  # the error of a failed run (what it stored before is kept)
    # (source, ticket_id) of the tickets the run stored: the service evaluates them at once.
    tickets: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class CollectorJob:
    name: str
    interval: timedelta
    backoff: timedelta  # first retry after a failed run; doubled each time, at most `interval`
    run: Callable[[datetime], CollectorOutcome]
    # The run claims a lease of its own (a metric collector's, storage/collector_leases.py)
    # instead of the scheduler's lock, which a stalled process would hold for as long as its
    # connection lives.
    leased: bool = False

    def retry_after(self, failures: int) -> timedelta:
        factor = 1 << min(max(failures - 1, 0), 30)
        return min(self.interval, self.backoff * factor)
