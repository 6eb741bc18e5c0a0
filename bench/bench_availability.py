"""Availability of 1,000 resources × 30 days of 1-minute samples: slamon beside Prometheus.

    python bench/bench_availability.py                       # 1,000 × 30 days, 5 repeats
    python bench/bench_availability.py --resources 200 --days 7 --json /tmp/avail.json
    python bench/bench_availability.py --pg-url postgresql+psycopg://postgres@127.0.0.1/test

Generates deterministic `up` series (outages and scrape gaps included) for June 2022 in
Shanghai, turns them into TSDB blocks with promtool, and starts Debian's prometheus on a free
loopback port. Then times, side by side:

- slamon: `availability_report` for 2022-06 (per resource, class and pool, with coverage,
  budget and burn rates) from the rollups stored in SQLite (and PostgreSQL with --pg-url):
  whole UTC days from the daily rollups, the partial days at the ends (June in Shanghai starts
  at 16:00 UTC) and the burn windows from the quarter hours; and the pure computation alone;
- for comparison, the grouped sum of the period straight from the quarter hours (what the
  report read before the daily rollups, migration 0007);
- Prometheus: `avg_over_time(up{job="vm"}[<range>])` over the same samples.

With --time-backfill the daily rollups are then dropped and rebuilt by migration 0007 from
the quarter hours (timed), and the report is checked against Prometheus again.

Each resource's two figures are compared (the largest difference is printed). Rollups are
written straight from the generated series (the collector's fetch is timed with
--via-collector). Nothing here asserts a time; numbers are printed and written as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
import requests
from alembic import command

from collectors.prometheus import PrometheusCollector
from collectors.settings import PrometheusSource
from monitor.contract.model import load_contract
from monitor.domain.periods import parse_period
from monitor.measures.availability import resource_figures
from monitor.runs.period_measures import availability_report
from monitor.storage.db import alembic_config, ensure_schema, make_engine, upgrade
from monitor.storage.resources import ensure_resources
from monitor.storage.rollups import add_rollups

ZONE = ZoneInfo("Asia/Shanghai")
START = datetime(2022, 6, 1, tzinfo=ZONE)
PER_BUCKET = 15  # one-minute samples per quarter hour


def series(resources: int, days: int, seed: int) -> np.ndarray:
    """resources × minutes of 1 (up), 0 (down) or -1 (no sample: a scrape gap)."""
    rng = random.Random(seed)
    minutes = days * 1440
    values = np.ones((resources, minutes), dtype=np.int8)
    for row in range(resources):
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            start = rng.randrange(minutes)
            values[row, start : start + rng.randint(1, 120)] = 0
        if rng.random() < 0.05:  # a collector or exporter outage: missing, not down
            start = rng.randrange(minutes)
            values[row, start : start + rng.randint(30, 600)] = -1
    return values


def write_openmetrics(values: np.ndarray, day: int, path: Path) -> None:
    base = int(START.timestamp()) + day * 86400
    stamps = [str(base + 60 * i) for i in range(1440)]
    with path.open("w", encoding="utf-8") as out:
        out.write("# TYPE up gauge\n")
        for row in range(values.shape[0]):
            name = f'up{{job="vm",instance="vm-{row:04d}",pool="一云"}} '
            chunk = values[row, day * 1440 : (day + 1) * 1440]
            out.write(
                "".join(
                    f"{name}{v} {s}\n"
                    for v, s in zip(chunk.tolist(), stamps, strict=True)
                    if v >= 0
                )
            )
        out.write("# EOF\n")


def build_tsdb(values: np.ndarray, days: int, directory: Path) -> None:
    def one(day: int) -> None:
        path = directory / f"day{day:02d}.om"
        write_openmetrics(values, day, path)
        subprocess.run(
            ["promtool", "tsdb", "create-blocks-from", "openmetrics", "-q", str(path), "tsdb"],
            cwd=directory,
            check=True,
            capture_output=True,
            timeout=600,
        )
        path.unlink()

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, range(days)))


def rollup_rows(values: np.ndarray) -> list[dict[str, Any]]:
    """The quarter-hour rollups the collector would write for these series."""
    resources, minutes = values.shape
    shaped = values.reshape(resources, minutes // PER_BUCKET, PER_BUCKET)
    present = shaped >= 0
    samples = present.sum(axis=2)
    totals = np.where(present, shaped, 0).sum(axis=2)
    peaks = np.where(present, shaped, -1).max(axis=2)
    base = START.astimezone(UTC)
    starts = [base + timedelta(minutes=PER_BUCKET * b) for b in range(shaped.shape[1])]
    return [
        {
            "metric": "availability",
            "pool": "一云",
            "resource_id": f"vm-{row:04d}",
            "bucket_start": starts[b],
            "samples": int(samples[row, b]),
            "total": float(totals[row, b]),
            "peak": float(peaks[row, b]),
            "covered_seconds": 60.0 * int(samples[row, b]),
        }
        for row in range(resources)
        for b in range(shaped.shape[1])
        if samples[row, b]
    ]


class Prometheus:
    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = directory / "prometheus.yml"
        config.write_text("global: {scrape_interval: 1m}\nscrape_configs: []\n", encoding="utf-8")
        self.log = (directory / "prometheus.log").open("wb")
        self.process = subprocess.Popen(
            [
                "prometheus",
                f"--config.file={config}",
                f"--storage.tsdb.path={directory / 'tsdb'}",
                "--storage.tsdb.retention.time=100y",
                f"--web.listen-address=127.0.0.1:{self.port}",
            ],
            stdout=self.log,
            stderr=self.log,
        )

    def wait_ready(self, limit: float = 120) -> None:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/-/ready", timeout=1).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            time.sleep(0.2)
        raise RuntimeError("prometheus did not become ready")

    def wait_compacted(self, limit: float = 300) -> float:
        """Let startup compaction settle: the loaded block count stays put for 5 s."""
        started = time.monotonic()
        last, since = None, time.monotonic()
        while time.monotonic() - started < limit:
            text = requests.get(f"{self.url}/metrics", timeout=5).text
            line = next(
                x for x in text.splitlines() if x.startswith("prometheus_tsdb_blocks_loaded")
            )
            if line != last:
                last, since = line, time.monotonic()
            elif time.monotonic() - since >= 5:
                break
            time.sleep(0.5)
        return time.monotonic() - started

    def query(self, promql: str, at: datetime) -> dict[str, float]:
        response = requests.get(
            f"{self.url}/api/v1/query",
            params={"query": promql, "time": f"{at.timestamp():.3f}"},
            timeout=600,
        )
        response.raise_for_status()
        return {
            item["metric"]["instance"]: float(item["value"][1])
            for item in response.json()["data"]["result"]
        }

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def timed(function: Callable[[], Any], repeat: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return times, result


def summary(times: list[float]) -> dict[str, float]:
    return {"best_s": min(times), "median_s": statistics.median(times), "runs": len(times)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--days", type=int, default=30, choices=range(1, 31), metavar="1..30")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20220601)
    parser.add_argument("--pg-url", help="also time on this PostgreSQL database (a fresh one)")
    parser.add_argument("--via-collector", action="store_true", help="ingest through HTTP")
    parser.add_argument("--json", type=Path, help="write the numbers here too")
    parser.add_argument(
        "--time-backfill", action="store_true", help="time migration 0007 rebuilding the days"
    )
    args = parser.parse_args()
    if shutil.which("prometheus") is None or shutil.which("promtool") is None:
        sys.exit("needs Debian's prometheus package: apt-get install prometheus")

    contract = load_contract()
    period = parse_period("2022-06", ZONE)
    at = datetime(2022, 7, 1, tzinfo=ZONE)
    end = START + timedelta(days=args.days)
    samples_total = 0
    out: dict[str, Any] = {
        "resources": args.resources,
        "days": args.days,
        "machine": f"{platform.machine()} {platform.python_version()}",
    }
    with tempfile.TemporaryDirectory(prefix="bench_availability_") as work:
        directory = Path(work)
        began = time.perf_counter()
        values = series(args.resources, args.days, args.seed)
        samples_total = int((values >= 0).sum())
        build_tsdb(values, args.days, directory)
        out["build_tsdb_s"] = time.perf_counter() - began
        prometheus = Prometheus(directory)
        try:
            prometheus.wait_ready()
            out["prometheus_settle_s"] = prometheus.wait_compacted()
            window = f"{(end - START) // timedelta(milliseconds=1)}ms"
            promql = f'avg_over_time(up{{job="vm"}}[{window}])'
            query_at = end - timedelta(milliseconds=1)
            prometheus.query(promql, query_at)  # warm-up
            times, expected = timed(lambda: prometheus.query(promql, query_at), args.repeat)
            out["prometheus_avg_over_time"] = summary(times)

            urls = {"sqlite": f"sqlite:///{directory / 'bench.db'}"}
            if args.pg_url:
                urls["postgresql"] = args.pg_url
            for name, url in urls.items():
                engine = make_engine(url)
                ensure_schema(engine)
                began = time.perf_counter()
                if args.via_collector:
                    source = PrometheusSource(
                        name="bench",
                        url=prometheus.url,
                        metric="availability",
                        query='up{job="vm"}',
                        pool_label="pool",
                        resource_class="vm",
                        start=START,
                        chunk=timedelta(hours=6),
                        lag=timedelta(0),
                    )
                    PrometheusCollector(source, engine).run(end)
                else:
                    rows = rollup_rows(values)
                    with engine.begin() as connection:
                        ensure_resources(
                            connection,
                            [
                                {
                                    "resource_id": f"vm-{r:04d}",
                                    "resource_class": "vm",
                                    "pool": "一云",
                                }
                                for r in range(args.resources)
                            ],
                            at,
                        )
                        add_rollups(connection, rows)
                out[f"{name}_ingest_s"] = time.perf_counter() - began
                times, report = timed(
                    lambda engine=engine: availability_report(engine, contract, period, at),
                    args.repeat,
                )
                out[f"{name}_availability_report"] = summary(times)
                out[f"{name}_max_abs_difference"] = _max_difference(report, expected)
                out[f"{name}_resources_compared"] = len(expected)
                times, _ = timed(
                    lambda engine=engine: _quarter_hour_sums(engine, period.start, period.end),
                    min(args.repeat, 2),
                )
                out[f"{name}_quarter_hour_sums"] = summary(times)
                if args.time_backfill:
                    command.downgrade(alembic_config(engine), "0006")
                    began = time.perf_counter()
                    upgrade(engine, "0007")
                    out[f"{name}_backfill_s"] = time.perf_counter() - began
                    upgrade(engine)
                    report = availability_report(engine, contract, period, at)
                    out[f"{name}_max_abs_difference_after_backfill"] = _max_difference(
                        report, expected
                    )
                engine.dispose()
            # The pure computation alone, on inputs already read.
            inputs = _inputs_of(urls["sqlite"], contract, period, at)
            times, _ = timed(lambda: resource_figures(inputs, contract, period, at), args.repeat)
            out["pure_resource_figures"] = summary(times)
        finally:
            prometheus.stop()
    out["samples"] = samples_total
    best_prom = out["prometheus_avg_over_time"]["best_s"]
    for name in ("sqlite", "postgresql"):
        key = f"{name}_availability_report"
        if key in out:
            out[f"{name}_over_prometheus"] = out[key]["best_s"] / best_prom
    _print(out)
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


def _max_difference(report: Any, expected: dict[str, float]) -> float:
    measured = {f.key: f.availability for f in report.resources}
    return max(abs((measured[k] or 0) - v) for k, v in expected.items())


def _quarter_hour_sums(engine: Any, start: datetime, end: datetime) -> int:
    """The period's grouped sums from the quarter hours alone: the read before migration 0007."""
    from sqlalchemy import func, select

    from monitor.domain.resources import AVAILABILITY
    from monitor.storage.rollups import ROLLUP

    query = (
        select(
            ROLLUP.c.resource_id,
            func.sum(ROLLUP.c.samples),
            func.sum(ROLLUP.c.total),
            func.sum(ROLLUP.c.covered_seconds),
        )
        .where(ROLLUP.c.metric == AVAILABILITY, ROLLUP.c.bucket_start >= start)
        .where(ROLLUP.c.bucket_start < end, ROLLUP.c.resource_id != "")
        .group_by(ROLLUP.c.resource_id)
    )
    with engine.connect() as connection:
        return len(connection.execute(query).all())


def _inputs_of(url: str, contract: Any, period: Any, at: datetime) -> Any:
    """Read what availability_report reads, once, to time the pure part on its own."""
    from monitor.domain.resources import AVAILABILITY
    from monitor.measures.availability import AvailabilityInputs, elapsed_end
    from monitor.storage.resources import load_resources
    from monitor.storage.rollups import rollup_sums

    engine = make_engine(url)
    until = elapsed_end(period, at)
    inputs = AvailabilityInputs(
        resources=load_resources(engine),
        period_counts=rollup_sums(engine, AVAILABILITY, period.start, until),
        maintenance_rows={},
        window_counts={
            w: rollup_sums(engine, AVAILABILITY, until - w, until)
            for w in contract.availability.burn_rate_windows
        },
    )
    engine.dispose()
    return inputs


def _print(out: dict[str, Any]) -> None:
    print(
        f"{out['resources']} resources × {out['days']} days, {out['samples']:,} one-minute samples"
        f" ({out['machine']})"
    )
    print(f"  building TSDB blocks (promtool): {out['build_tsdb_s']:.1f} s")
    prom = out["prometheus_avg_over_time"]
    print(
        f"  Prometheus avg_over_time:        best {prom['best_s']:.3f} s, "
        f"median {prom['median_s']:.3f} s"
    )
    for name in ("sqlite", "postgresql"):
        key = f"{name}_availability_report"
        if key not in out:
            continue
        report = out[key]
        print(f"  slamon on {name:<10} ingest:    {out[f'{name}_ingest_s']:.1f} s (rollups)")
        print(
            f"  slamon on {name:<10} report:    best {report['best_s']:.3f} s, "
            f"median {report['median_s']:.3f} s  → {out[f'{name}_over_prometheus']:.2f}× Prometheus"
        )
        print(
            f"  largest difference from Prometheus: {out[f'{name}_max_abs_difference']:.2e} "
            f"over {out[f'{name}_resources_compared']} resources"
        )
        sums = out[f"{name}_quarter_hour_sums"]
        print(
            f"  (the period summed from quarter hours alone, as before 0007: "
            f"best {sums['best_s']:.3f} s)"
        )
        if f"{name}_backfill_s" in out:
            print(
                f"  migration 0007 backfill:         {out[f'{name}_backfill_s']:.1f} s, then "
                f"largest difference {out[f'{name}_max_abs_difference_after_backfill']:.2e}"
            )
    pure = out["pure_resource_figures"]
    print(f"  pure computation alone:          best {pure['best_s']:.3f} s")


if __name__ == "__main__":
    main()
