"""Keeps /metrics' snapshot fresh: a thread that re-reads it when asked and every interval.

Its own thread rather than an APScheduler job: a job still running when it is asked again
skips that run (max_instances=1), which would lose the request to show a write made during the
refresh. Here a request made during a refresh is remembered and served after it; any number of
requests meanwhile make one more refresh.

Under a steady stream of writes (API batches many times a second) requests never stop, and
refreshes back to back would keep one database core reading aggregates: after a refresh that
took d seconds the next waits REST_SHARE × d (at least MIN_REST), so refreshing takes at most a
tenth of the database's time and a write still shows within a few seconds (at 125,000 tickets
a refresh reads for about 0.25 s; Prometheus scrapes every 15 s or more). Under fifty clients
posting batches, a fifth of the database's time is a large share of what storing them needs
(BENCHMARKS.md, API ingest).
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from monitor.exports.snapshot import MetricsSnapshots

log = logging.getLogger(__name__)
MIN_REST = 0.5  # seconds between two refreshes at least
REST_SHARE = 9.0  # the pause after a refresh, in multiples of the time it took


def rest_after(took: float) -> float:
    """How long to wait before the next refresh, after one that took `took` seconds."""
    return max(MIN_REST, REST_SHARE * took)


class MetricsRefresher:
    def __init__(self, snapshots: MetricsSnapshots, interval: timedelta) -> None:
        self.snapshots = snapshots
        self.interval = interval
        self._wanted = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="metrics-refresh", daemon=True)
        self._thread.start()

    def request(self) -> None:
        """Something was stored: refresh as soon as the refresh under way (if any) is done."""
        self._wanted.set()

    def shutdown(self, timeout: float = 30) -> None:
        self._stopping.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None

    def _run(self) -> None:
        seconds = self.interval.total_seconds()
        while not self._stopping.is_set():
            self._wanted.wait(seconds)
            if self._stopping.is_set():
                return
            self._wanted.clear()  # before reading: a write after this point asks again
            began = time.monotonic()
            try:
                self.snapshots.refresh()
            except Exception:  # the database may be down: keep the last snapshot, try again
                log.exception("refreshing the /metrics snapshot failed")
            self._stopping.wait(rest_after(time.monotonic() - began))
