"""The scheduler's jobs under way, by name, so that a stop can wait for them with a bound."""

from __future__ import annotations

import functools
import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from typing import Any

# What a clean exit needs after the last job ended: the lifespan's end, uvicorn's and the
# interpreter's teardown. Requests and jobs get the stop's bound less this.
EXIT_TIME = timedelta(seconds=1)


def wind_down_time(bound: timedelta) -> timedelta:
    """How long open requests and running jobs may take once a stop began."""
    return max(timedelta(0), bound - EXIT_TIME)


class RunningJobs:
    def __init__(self) -> None:
        self._running: Counter[str] = Counter()
        self._changed = threading.Condition()

    def tracked(
        self, name: str, job: Callable[..., Any], skip: Callable[[], bool]
    ) -> Callable[..., Any]:
        """`job`, counted while it runs; not run at all once `skip()` (a stop was asked for)."""

        @functools.wraps(job)
        def run(*args: Any) -> Any:
            if skip():
                return None
            with self._changed:
                self._running[name] += 1
            try:
                return job(*args)
            finally:
                with self._changed:
                    self._running[name] -= 1
                    self._changed.notify_all()

        return run

    def wait(self, until: float) -> list[str]:
        """Wait until no job runs or time.monotonic() reaches `until`; the names still running."""
        with self._changed:
            while +self._running and (left := until - time.monotonic()) > 0:
                self._changed.wait(left)
            return sorted(+self._running)
