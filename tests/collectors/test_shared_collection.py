"""Two `slamon serve` on one PostgreSQL share the metric collectors through their leases
(each instance here is a thread with its own connection pool, against a real VictoriaMetrics):
a collector held by a run of one instance is left alone by the other, a run that stopped
(a stalled or killed process) is taken over once its lease ran out, and when it comes back it
writes nothing, so every sample is counted once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import Engine

from collectors.prometheus import CollectResult, PrometheusCollector
from collectors.settings import PrometheusSource
from monitor.storage.db import make_engine
from monitor.storage.rollups import rollup_sums
from tests.collectors.test_prometheus_integration import END, START
from tests.collectors.test_victoriametrics_integration import (
    VictoriaMetrics,
    source,
    victoria,  # noqa: F401  (the fixture)
)

pytestmark = pytest.mark.postgres

NOW = END + timedelta(hours=1)
LEASE = timedelta(minutes=10)
# Per vm: its samples and the sum of their values (73 minutes down on vm-b, a 3-hour gap and
# 45 one-minute blips on vm-c), written out from the series.
EXPECTED = {"vm-a": (2880, 2880.0), "vm-b": (2880, 2807.0), "vm-c": (2700, 2655.0)}


class StallingSession(requests.Session):
    """A real session that stops before its answer number `answers` (a process stopped by
    SIGSTOP, or about to be killed) until `resume` is set."""

    def __init__(self, answers: int) -> None:
        super().__init__()
        self.left = answers
        self.stalled = threading.Event()
        self.resume = threading.Event()

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        if self.left == 0:
            self.stalled.set()
            assert self.resume.wait(timeout=30)
        self.left -= 1
        return super().get(url, **kwargs)


def share(url: str, vm: str) -> PrometheusSource:
    """The collector of one vm: a resource set of its own."""
    query = f'up{{job="vm",instance="{vm}"}}'
    return source(url).model_copy(update={"name": f"up_{vm}", "query": query, "lease": LEASE})


@pytest.fixture
def other_instance(postgres_engine: Engine) -> Iterator[Engine]:
    """Another pool on the same database: another process's server sessions."""
    url = postgres_engine.url.render_as_string(hide_password=False)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def stored(engine: Engine) -> dict[str, tuple[int, float]]:
    sums = rollup_sums(engine, "availability", START, END)
    return {name: (counts.samples, counts.total) for name, counts in sums.items()}


def test_a_collector_held_by_a_stalled_run_is_taken_over_after_its_lease_and_counted_once(
    victoria: VictoriaMetrics,  # noqa: F811
    postgres_engine: Engine,
    other_instance: Engine,
) -> None:
    shares = {vm: share(victoria.url, vm) for vm in EXPECTED}
    stalling = StallingSession(answers=3)  # 3 chunks of 5 hours stored, then it stops
    first = PrometheusCollector(shares["vm-a"], postgres_engine, session=stalling)
    results: list[CollectResult] = []
    stalled_run = threading.Thread(target=lambda: results.append(first.run(NOW)))
    stalled_run.start()
    try:
        assert stalling.stalled.wait(timeout=30)
        # The other instance, during the lease: vm-a is held, the rest are its to collect.
        during = {vm: PrometheusCollector(s, other_instance).run(NOW) for vm, s in shares.items()}
        assert during["vm-a"].held_elsewhere and during["vm-a"].samples == 0
        assert [during[vm].samples for vm in ("vm-b", "vm-c")] == [2880, 2700]
        # After the lease: vm-a is taken over from the stalled run's watermark.
        later = NOW + LEASE + timedelta(seconds=1)
        taken = PrometheusCollector(shares["vm-a"], other_instance).run(later)
        assert not taken.held_elsewhere
        assert taken.range_from == START + timedelta(hours=15)
    finally:
        stalling.resume.set()
        stalled_run.join(timeout=30)
    (came_back,) = results
    # Back from its stall, the first run's next chunk finds its lease gone and writes nothing.
    assert came_back.range_to == START + timedelta(hours=15)
    assert came_back.samples + taken.samples == 2880
    assert stored(postgres_engine) == EXPECTED


def test_two_instances_running_every_collector_at_once_count_each_sample_once(
    victoria: VictoriaMetrics,  # noqa: F811
    postgres_engine: Engine,
    other_instance: Engine,
) -> None:
    shares = [share(victoria.url, vm) for vm in EXPECTED]
    results: list[CollectResult] = []
    start = threading.Barrier(2)

    def instance(engine: Engine, order: list[PrometheusSource]) -> None:
        start.wait(timeout=30)
        for each in order:
            results.append(PrometheusCollector(each, engine).run(NOW))

    threads = [
        threading.Thread(target=instance, args=(postgres_engine, shares)),
        threading.Thread(target=instance, args=(other_instance, shares[::-1])),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 6
    assert sum(result.samples for result in results) == 2880 + 2880 + 2700
    assert stored(postgres_engine) == EXPECTED
