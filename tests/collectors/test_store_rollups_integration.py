"""Rollups summed by the store equal the raw path's, row for row, on a real VictoriaMetrics and
a real Prometheus holding the same samples: samples exactly on quarter hours and a millisecond
either side, a scrape gap, whole quarter hours down, a pool series, a start in mid quarter hour,
a run that stops in one, and a store stopped and started again mid-collection."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, select

from collectors.prometheus import PrometheusCollector
from collectors.promql import narrowed
from collectors.settings import PrometheusSource
from monitor.storage.collector_state import get_watermark
from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.resources import load_resources
from monitor.storage.rollups import DAILY, ROLLUP
from tests.collectors.test_prometheus_integration import LosingSession, PrometheusServer
from tests.collectors.test_victoriametrics_integration import VictoriaMetrics
from tests.conftest import local

START = local("2022-07-01 00:00")  # 2022-06-30T16:00Z, on a quarter hour
END = START + timedelta(hours=3)  # no samples from here on
NOW = END + timedelta(minutes=30)
MINUTE = timedelta(minutes=1)
MS = timedelta(milliseconds=1)
QUARTER = timedelta(minutes=15)

Series = dict[tuple[str, ...], list[tuple[datetime, float]]]


def minutes(value: Any = 1, skip: tuple[datetime, datetime] | None = None) -> list[Any]:
    out = []
    moment = START
    while moment < END:
        if skip is None or not skip[0] <= moment < skip[1]:
            out.append((moment, value(moment) if callable(value) else value))
        moment += MINUTE
    return out


def samples() -> Series:
    """(instance,) → samples; () is the pool's own series, which has no instance label."""
    edges: list[tuple[datetime, float]] = []
    for k in range(12):
        boundary = START + k * QUARTER
        if k:
            edges.append((boundary - MS, 0))
        edges += [(boundary, 1), (boundary + MS, 1), (boundary + 7 * MINUTE, 1)]
    edges.append((END - MS, 0))
    down = (local("2022-07-01 01:00"), local("2022-07-01 01:30"))
    return {
        ("vm-steady",): minutes(),
        ("vm-edges",): edges,
        ("vm-gappy",): minutes(
            lambda m: 0 if m.minute in (17, 18) else 1,
            skip=(local("2022-07-01 00:50"), local("2022-07-01 01:40")),
        ),
        ("vm-down",): minutes(lambda m: 0 if down[0] <= m < down[1] else 1),
        (): [(m, 1) for m, _ in minutes() if m.minute % 5 == 0],
    }


def labels(key: tuple[str, ...]) -> str:
    instance = f',instance="{key[0]}"' if key else ""
    return f'{{job="vm",pool="一云"{instance}}}'


@pytest.fixture(scope="module")
def victoria(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VictoriaMetrics]:
    if shutil.which("victoria-metrics") is None:
        pytest.skip("the victoria-metrics package is not installed")
    server = VictoriaMetrics(tmp_path_factory.mktemp("rollup-victoria"))
    server.start()
    try:
        lines = [
            f"up{labels(key)} {value:g} {round(m.timestamp() * 1000)}"
            for key, points in samples().items()
            for m, value in points
        ]
        body = ("\n".join(lines) + "\n").encode("utf-8")
        answer = requests.post(f"{server.url}/api/v1/import/prometheus", data=body, timeout=30)
        assert answer.status_code == 204, answer.text
        requests.get(f"{server.url}/internal/force_flush", timeout=30).raise_for_status()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        pytest.skip("the prometheus package is not installed")
    directory = tmp_path_factory.mktemp("rollup-prometheus")
    lines = ["# TYPE up gauge"]
    for key, points in samples().items():
        lines += [f"up{labels(key)} {value:g} {m.timestamp():.3f}" for m, value in points]
    (directory / "series.om").write_text("\n".join([*lines, "# EOF", ""]), encoding="utf-8")
    subprocess.run(
        ["promtool", "tsdb", "create-blocks-from", "openmetrics", "series.om", "tsdb"],
        cwd=directory,
        check=True,
        capture_output=True,
        timeout=120,
    )
    server = PrometheusServer(directory)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def source(url: str, store: str, rollups: str, **more: Any) -> PrometheusSource:
    values: dict[str, Any] = {
        "name": "vm_up",
        "url": url,
        "store": store,
        "metric": "availability",
        "query": 'up{job="vm"}',
        "pool_label": "pool",
        "resource_class": "vm",
        "start": START + 7 * MINUTE,  # in mid quarter hour: a partial first one
        "chunk": "45m" if rollups == "store" else "50m",
        "lag": "0s",
        "retries": 1,
        "backoff": timedelta(milliseconds=10),
        "rollups": rollups,
        "resources_per_query": 2,  # the four vms in two resource sets, and the pool series
    }
    values.update(more)
    return PrometheusSource.model_validate(values)


def stored(engine: Engine) -> tuple[list[Any], list[Any]]:
    with engine.connect() as connection:
        quarters = connection.execute(
            select(ROLLUP.c.pool, ROLLUP.c.resource_id, ROLLUP.c.bucket_start)
            .add_columns(ROLLUP.c.samples, ROLLUP.c.total, ROLLUP.c.peak)
            .add_columns(ROLLUP.c.covered_seconds)
            .order_by(ROLLUP.c.pool, ROLLUP.c.resource_id, ROLLUP.c.bucket_start)
        ).all()
        days = connection.execute(
            select(DAILY.c.pool, DAILY.c.resource_id, DAILY.c.day_start)
            .add_columns(DAILY.c.samples, DAILY.c.total, DAILY.c.peak, DAILY.c.covered_seconds)
            .order_by(DAILY.c.pool, DAILY.c.resource_id, DAILY.c.day_start)
        ).all()
    return [tuple(row) for row in quarters], [tuple(row) for row in days]


def server_of(request: pytest.FixtureRequest, store: str) -> Any:
    return request.getfixturevalue("victoria" if store == "victoriametrics" else "prometheus")


@pytest.mark.parametrize("store", ["victoriametrics", "prometheus"])
def test_the_store_gives_the_rollups_the_raw_path_gives(
    store: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    url = server_of(request, store).url
    raw, summed = (make_engine(f"sqlite:///{tmp_path / name}.db") for name in ("raw", "store"))
    for engine in (raw, summed):
        ensure_schema(engine)
    by_raw = PrometheusCollector(source(url, store, "raw"), raw, sleep=lambda _: None)
    assert by_raw.run(NOW).error is None
    by_store = PrometheusCollector(source(url, store, "store"), summed, sleep=lambda _: None)
    # Stopped in mid quarter hour: only whole ones are asked for, the rest on the next run.
    first = by_store.run(local("2022-07-01 02:05"))
    assert (first.error, first.range_to) == (None, local("2022-07-01 02:00"))
    assert get_watermark(summed, "vm_up") == local("2022-07-01 02:00")
    second = by_store.run(NOW)
    assert (second.error, second.range_from, second.range_to) == (None, first.range_to, NOW)

    quarters, days = stored(summed)
    assert (quarters, days) == stored(raw)
    assert load_resources(summed) == load_resources(raw)
    rows = {(q[1], q[2]): q[3:] for q in quarters}
    # Written by hand from the samples above.
    # vm-edges: a quarter hour holds its own start, start + 1 ms, + 7 min, and the 0 at its
    # end minus 1 ms; the first, begun at 00:07, holds the 00:07 sample and the 0 at 00:14:59.999.
    assert rows["vm-edges", START + 2 * QUARTER] == (4, 3.0, 1.0, 240.0)
    assert rows["vm-edges", START] == (2, 1.0, 1.0, 120.0)
    assert rows["vm-steady", START + QUARTER] == (15, 15.0, 1.0, 900.0)
    assert rows["vm-steady", START] == (8, 8.0, 1.0, 480.0)  # 00:07 … 00:14
    # vm-gappy: no samples 00:50–01:40, so those quarter hours are absent, not down.
    assert rows["vm-gappy", local("2022-07-01 00:45")] == (5, 5.0, 1.0, 300.0)
    assert ("vm-gappy", local("2022-07-01 01:00")) not in rows
    assert ("vm-gappy", local("2022-07-01 01:15")) not in rows
    assert rows["vm-gappy", local("2022-07-01 01:30")] == (5, 5.0, 1.0, 300.0)
    assert rows["vm-gappy", local("2022-07-01 00:15")] == (15, 13.0, 1.0, 900.0)
    assert rows["vm-down", local("2022-07-01 01:00")] == (15, 0.0, 0.0, 900.0)
    assert rows["", local("2022-07-01 01:00")] == (3, 3.0, 1.0, 180.0)  # the pool's series
    assert {rid for rid, _ in rows} == {"", "vm-steady", "vm-edges", "vm-gappy", "vm-down"}


def test_store_rollups_resume_from_the_watermark_after_the_store_was_stopped_and_started(
    victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    raw, summed = (make_engine(f"sqlite:///{tmp_path / name}.db") for name in ("raw", "store"))
    for engine in (raw, summed):
        ensure_schema(engine)
    plain = source(victoria.url, "victoriametrics", "raw")
    assert PrometheusCollector(plain, raw, sleep=lambda _: None).run(NOW).error is None
    settings = source(victoria.url, "victoriametrics", "store")
    # The first chunk (00:07–00:45) takes 7 answers: the resources, then two ranges (the partial
    # quarter hour and the whole ones) for each of the three resource sets.
    losing = LosingSession(victoria, 7)
    broken = PrometheusCollector(settings, summed, session=losing, sleep=lambda _: None).run(NOW)
    assert broken.error is not None and "ConnectionError" in broken.error
    assert get_watermark(summed, "vm_up") == START + 3 * QUARTER
    victoria.start()
    resumed = PrometheusCollector(settings, summed, sleep=lambda _: None).run(NOW)
    assert (resumed.error, resumed.range_from) == (None, START + 3 * QUARTER)
    assert stored(summed) == stored(raw)
    assert broken.samples + resumed.samples == sum(row[3] for row in stored(raw)[0])


def test_resource_sets_stay_under_victoriametrics_query_length_whatever_their_count(
    victoria: VictoriaMetrics, tmp_path: Path
) -> None:
    # 300 long resource ids in one set would be a query past -search.maxQueryLen (16 KiB by
    # default), which VictoriaMetrics refuses: the sets are cut by characters as well.
    ids = [f"vm-{n:03d}-{'long-name-' * 6}" for n in range(300)]
    assert len(narrowed('up{job="long"}', "instance", ids)) > 16 * 1024
    lines = [
        f'up{{job="long",instance="{rid}"}} 1 {round(m.timestamp() * 1000)}'
        for rid in ids
        for m in (START + k * MINUTE for k in range(30))
    ]
    answer = requests.post(
        f"{victoria.url}/api/v1/import/prometheus", data="\n".join(lines) + "\n", timeout=30
    )
    assert answer.status_code == 204, answer.text
    requests.get(f"{victoria.url}/internal/force_flush", timeout=30).raise_for_status()
    raw, summed = (make_engine(f"sqlite:///{tmp_path / name}.db") for name in ("raw", "store"))
    one_set = {"name": "long_up", "query": 'up{job="long"}', "resources_per_query": 100_000}
    for engine, rollups in ((raw, "raw"), (summed, "store")):
        ensure_schema(engine)
        settings = source(victoria.url, "victoriametrics", rollups, **one_set)
        result = PrometheusCollector(settings, engine, sleep=lambda _: None).run(NOW)
        assert result.error is None, result.error
        assert result.samples == 300 * 23  # 00:07 … 00:29
    assert stored(summed) == stored(raw)
    assert {row[1] for row in stored(summed)[0]} == set(ids)
