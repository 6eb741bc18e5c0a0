"""/metrics' snapshot refresher rests after each refresh in proportion to what it took, so a
steady stream of writes never keeps the database reading aggregates back to back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from monitor.service import metrics_refresh
from monitor.service.metrics_refresh import MIN_REST, REST_SHARE, MetricsRefresher, rest_after


def test_the_rest_is_a_multiple_of_the_refresh_and_never_under_the_floor() -> None:
    assert rest_after(0.0) == MIN_REST
    assert rest_after(2.0) == REST_SHARE * 2.0
    assert REST_SHARE * 1 / (1 + REST_SHARE) >= 0.9  # refreshing takes at most a tenth


class Snapshots:
    def __init__(self) -> None:
        self.refreshed = threading.Semaphore(0)

    def refresh(self) -> None:
        self.refreshed.release()


def test_requests_during_the_rest_make_one_refresh_after_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rests: list[float] = []
    resting = threading.Event()
    go_on = threading.Event()
    snapshots = Snapshots()
    refresher = MetricsRefresher(snapshots, timedelta(hours=1))  # type: ignore[arg-type]

    def rest(took: float) -> float:
        rests.append(took)
        resting.set()
        go_on.wait(10)
        go_on.clear()
        return 0.0

    monkeypatch.setattr(metrics_refresh, "rest_after", rest)
    refresher.start()
    refresher.request()
    assert snapshots.refreshed.acquire(timeout=10)
    assert resting.wait(10)
    for _ in range(5):  # asked again and again while it rests
        refresher.request()
    go_on.set()
    assert snapshots.refreshed.acquire(timeout=10)  # one refresh for all five
    assert not snapshots.refreshed.acquire(timeout=0.2)
    go_on.set()
    refresher.shutdown(timeout=10)
    assert len(rests) >= 2
