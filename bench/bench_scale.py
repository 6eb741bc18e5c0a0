"""A day of 1-minute `up` samples of N resources in a real VictoriaMetrics, collected into
PostgreSQL by the raw path and by the store-rollup path (`rollups: raw` / `rollups: store`).

    python bench/bench_scale.py                                   # 1,000 resources × 1 day
    python bench/bench_scale.py --resources 50000 --workdir /tmp/scale --json /tmp/scale.json
    python bench/bench_scale.py --resources 50000 --workdir /tmp/scale --reuse   # loaded VM

Generates the samples (seeded): every resource one sample a minute for --days days from
2024-07-01 00:00 Asia/Shanghai, 1 in 50 down for a random stretch, 1 in 40 with a scrape gap
of 30–180 minutes; loads them through VictoriaMetrics' JSON-line import API into a
victoria-metrics started on a loopback port (--workdir keeps its data for --reuse).

Then, for each path, a child process collects the whole range into a new PostgreSQL database
with `PrometheusCollector` (raw chunks --raw-chunk, store chunks --store-chunk,
--resources-per-query per query), so its peak RSS (VmHWM) is that path's alone.
Measured per path: wall time, CPU seconds of the collector and of victoria-metrics, bytes on
the wire (what urllib3 read, compressed if the store
compressed) and the answers' decoded bytes, requests, quarter-hour and daily rows written,
peak RSS, and how much faster than real time ("one day collected in X s": --days × 86,400 s
over the wall time). The two databases' rollups are compared with an order-free checksum
over every quarter hour and day (`same_rollups`), and the ratios raw ÷ store printed.
Nothing asserts a time. The store shares the machine's cores with the collector.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from collectors.prometheus import PrometheusCollector  # noqa: E402
from collectors.settings import PrometheusSource  # noqa: E402
from monitor.domain.durations import parse_duration  # noqa: E402
from monitor.storage.db import ensure_schema, make_engine  # noqa: E402
from tests.collectors.test_victoriametrics_integration import VictoriaMetrics  # noqa: E402

START = datetime(2024, 6, 30, 16, 0, tzinfo=UTC)  # 2024-07-01 00:00 in Shanghai
MINUTE_MS = 60_000
SERIES_PER_POST = 500


def series_lines(resources: int, days: int, seed: int) -> Any:
    """JSON import lines of `resources` up series, a few hundred at a time."""
    minutes = days * 1440
    stamps = np.arange(minutes, dtype=np.int64) * MINUTE_MS + int(START.timestamp() * 1000)
    all_stamps = ",".join(map(str, stamps.tolist()))
    all_up = ",".join(["1"] * minutes)
    rng = np.random.default_rng(seed)
    batch: list[str] = []
    for number in range(resources):
        values, kept = None, None
        if number % 50 == 7:  # down for a while
            values = np.ones(minutes, dtype=np.int64)
            first = int(rng.integers(0, minutes - 240))
            values[first : first + int(rng.integers(5, 240))] = 0
        if number % 40 == 3:  # scrape gap: no samples at all
            kept = np.ones(minutes, dtype=bool)
            first = int(rng.integers(0, minutes - 180))
            kept[first : first + int(rng.integers(30, 180))] = False
        if values is None and kept is None:
            value_text, stamp_text = all_up, all_stamps
        else:
            shown = np.ones(minutes, dtype=np.int64) if values is None else values
            mask = np.ones(minutes, dtype=bool) if kept is None else kept
            value_text = ",".join(map(str, shown[mask].tolist()))
            stamp_text = ",".join(map(str, stamps[mask].tolist()))
        labels = {
            "__name__": "up",
            "job": "vm",
            "instance": f"vm-{number:06}",
            "pool": f"pool-{number % 20:02}",
        }
        batch.append(
            f'{{"metric":{json.dumps(labels)},"values":[{value_text}],"timestamps":[{stamp_text}]}}'
        )
        if len(batch) == SERIES_PER_POST:
            yield "\n".join(batch) + "\n"
            batch = []
    if batch:
        yield "\n".join(batch) + "\n"


def series_in_store(url: str, days: int) -> int:
    at = START + timedelta(days=days) - timedelta(minutes=1)
    answer = requests.get(
        f"{url}/api/v1/query",
        params={"query": 'count(last_over_time(up{job="vm"}[1d]))', "time": str(at.timestamp())},
        timeout=120,
    ).json()
    result = answer["data"]["result"]
    return int(float(result[0]["value"][1])) if result else 0


def load(url: str, resources: int, days: int, seed: int) -> float:
    started = time.perf_counter()
    session = requests.Session()
    for body in series_lines(resources, days, seed):
        answer = session.post(f"{url}/api/v1/import", data=body.encode(), timeout=600)
        answer.raise_for_status()
    session.get(f"{url}/internal/force_flush", timeout=600).raise_for_status()
    return time.perf_counter() - started


class CountingSession(requests.Session):
    """A real session that counts what it read: body bytes as sent (gzip when the store
    compressed them) and decoded, and requests."""

    def __init__(self) -> None:
        super().__init__()
        self.wire = self.decoded = self.requests = 0

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        answer = super().get(url, stream=True, **kwargs)
        body = answer.raw.read(decode_content=False)
        self.wire += len(body)
        if answer.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        answer._content = body
        answer._content_consumed = True
        self.decoded += len(body)
        self.requests += 1
        return answer


def collect(args: argparse.Namespace) -> dict[str, Any]:
    """The child: one path's whole collection into `--db-url`; what it measured."""
    engine = make_engine(args.db_url)
    ensure_schema(engine)
    store = args.collect == "store"
    source = PrometheusSource(
        name="scale_up",
        url=args.vm_url,
        store="victoriametrics",
        metric="availability",
        query='up{job="vm"}',
        pool_label="pool",
        resource_class="vm",
        start=START,
        chunk=parse_duration(args.store_chunk if store else args.raw_chunk),
        lag=timedelta(0),
        timeout=timedelta(seconds=600),
        rollups=args.collect,
        resources_per_query=args.resources_per_query,
    )
    session = CountingSession()
    collector = PrometheusCollector(source, engine, session=session)
    started = time.perf_counter()
    result = collector.run(START + timedelta(days=args.days))
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        quarters = connection.execute(text("SELECT count(*) FROM metric_rollup")).scalar_one()
        days = connection.execute(text("SELECT count(*) FROM metric_rollup_daily")).scalar_one()
    engine.dispose()
    return {
        "error": result.error,
        "samples": result.samples,
        "seconds": seconds,
        "wire_bytes": session.wire,
        "decoded_bytes": session.decoded,
        "requests": session.requests,
        "quarter_hour_rows": quarters,
        "daily_rows": days,
        "peak_rss_mib": peak_rss_mib(),
    }


def peak_rss_mib() -> float:
    """This process's resident high-water mark since its exec (VmHWM).

    ru_maxrss of a child would not do: Linux carries the parent's resident size at the fork
    over the exec, and the parent holds the generated samples.
    """
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


_CHECKSUM = """
SELECT count(*), coalesce(sum(hashtextextended(concat_ws(',', pool, resource_id,
       extract(epoch FROM {column}), samples, total, peak, covered_seconds), 0)), 0)
FROM {table}
"""


def checksums(url: str) -> dict[str, list[int]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        out = {
            table: [
                int(v)
                for v in connection.execute(
                    text(_CHECKSUM.format(table=table, column=column))
                ).one()
            ]
            for table, column in (
                ("metric_rollup", "bucket_start"),
                ("metric_rollup_daily", "day_start"),
            )
        }
    engine.dispose()
    return out


def run_child(
    args: argparse.Namespace, path: str, vm_url: str, db_url: str, store_pid: int
) -> dict[str, Any]:
    report = Path(args.workdir) / f"{path}.json"
    command = [
        sys.executable,
        __file__,
        "--collect",
        path,
        "--vm-url",
        vm_url,
        "--db-url",
        db_url,
        "--report",
        str(report),
        "--days",
        str(args.days),
        "--raw-chunk",
        args.raw_chunk,
        "--store-chunk",
        args.store_chunk,
        "--resources-per-query",
        str(args.resources_per_query),
    ]
    store_cpu = cpu_seconds(store_pid)
    process = subprocess.Popen(command)
    _pid, status, usage = os.wait4(process.pid, 0)
    if status != 0:
        raise RuntimeError(f"the {path} child failed ({status})")
    out: dict[str, Any] = json.loads(report.read_text())
    out["collector_cpu_seconds"] = usage.ru_utime + usage.ru_stime
    out["store_cpu_seconds"] = cpu_seconds(store_pid) - store_cpu
    return out


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--resources", type=int, default=1000)
    parser.add_argument("--days", type=int, default=1)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--pg-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--workdir", help="keeps VictoriaMetrics' data (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="skip loading if VM holds them")
    parser.add_argument("--raw-chunk", default="6h")  # the collectors' default
    parser.add_argument("--store-chunk", default="1d")  # answers are small: one listing a day
    parser.add_argument("--resources-per-query", type=int, default=200)
    parser.add_argument("--paths", default="raw,store")
    parser.add_argument("--json")
    # The child's arguments.
    parser.add_argument("--collect", choices=("raw", "store"))
    parser.add_argument("--vm-url")
    parser.add_argument("--db-url")
    parser.add_argument("--report")
    args = parser.parse_args()
    if args.collect:
        Path(args.report).write_text(json.dumps(collect(args)))
        return
    args.workdir = args.workdir or tempfile.mkdtemp(prefix="bench-scale-")
    Path(args.workdir).mkdir(parents=True, exist_ok=True)
    victoria = VictoriaMetrics(Path(args.workdir))
    victoria.start()
    try:
        results = measure(args, victoria)
    finally:
        victoria.stop()
    print(json.dumps(results, indent=2))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


def measure(args: argparse.Namespace, victoria: VictoriaMetrics) -> dict[str, Any]:
    results: dict[str, Any] = {
        "resources": args.resources,
        "days": args.days,
        "samples_generated_about": args.resources * args.days * 1440,
        "raw_chunk": args.raw_chunk,
        "store_chunk": args.store_chunk,
        "resources_per_query": args.resources_per_query,
        "cores": os.cpu_count(),
    }
    held = series_in_store(victoria.url, args.days)
    if args.reuse and held == args.resources:
        results["load_seconds"] = None
    else:
        if held:
            raise SystemExit(f"{args.workdir} holds {held} series: use --reuse or a new workdir")
        results["load_seconds"] = load(victoria.url, args.resources, args.days, args.seed)
        print(f"loaded in {results['load_seconds']:.1f} s", flush=True)
    admin = create_engine(args.pg_url, isolation_level="AUTOCOMMIT")
    sums: dict[str, Any] = {}
    for path in args.paths.split(","):
        name = f"bench_scale_{path}_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(args.pg_url).set(database=name).render_as_string(hide_password=False)
        try:
            assert victoria.process is not None
            measured = run_child(args, path, victoria.url, url, victoria.process.pid)
            measured["real_time_ratio"] = args.days * 86_400 / measured["seconds"]
            results[path] = measured
            sums[path] = checksums(url)
            print(path, json.dumps(measured), flush=True)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    if "raw" in results and "store" in results:
        raw, store = results["raw"], results["store"]
        results["same_rollups"] = sums["raw"] == sums["store"]
        results["ratios_raw_over_store"] = {
            key: raw[key] / store[key] if store[key] else None
            for key in (
                "seconds",
                "collector_cpu_seconds",
                "store_cpu_seconds",
                "wire_bytes",
                "decoded_bytes",
                "requests",
                "peak_rss_mib",
            )
        }
    return results


if __name__ == "__main__":
    main()
