"""A collector as the scheduler sees it: a name, an interval, and a run that reports failure."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True, slots=True)
class CollectorJob:
    name: str
    interval: timedelta
    backoff: timedelta  # first retry after a failed run; doubled each time, at most `interval`
    run: Callable[[datetime], str | None]  # returns the error of a failed run, None when fine

    def retry_after(self, failures: int) -> timedelta:
        factor = 1 << min(max(failures - 1, 0), 30)
        return min(self.interval, self.backoff * factor)
