"""The monthly availability report and idle-host detection at province size, on PostgreSQL.

    python bench/bench_scale_reports.py --pg-url postgresql+psycopg://postgres@127.0.0.1/postgres
    python bench/bench_scale_reports.py --pg-url … --resources 5000 --hosts 5000 --repeat 1
    python bench/bench_scale_reports.py --pg-url … --only idle --hosts 50000 --reuse

Each part gets a database of its own on the server of --pg-url (created, and dropped at the end
unless --keep or --reuse), filled straight with COPY: the collector is not what is measured.

**availability** (--resources, default 50,000; 20 pools, vm and physical): June 2022 in
Asia/Shanghai, as the report reads it (monitor.storage.rollups.day_parts): the daily rollups
of its whole rollup days and the quarter hours of the rest (the burn-rate windows shorter than
a day), with downtime and scrape gaps. The quarter hours of the other days, which the report
never reads, are not written (50,000 resources × a month are 144 M rows; an index range scan
does not read them).
Timed: `availability_report` for 2022-06 (every resource, class and pool, with coverage, budget
and the burn-rate windows); the floor is one SQL statement over the same rows (the month's and
each window's), summed per part and resource and fetched.

**idle** (--hosts, default 50,000 × --days, default 90, ending 31 December 2024): the daily
rollups of every host's cpu and memory; --idle-share of them (default 2 %: idle, turning idle or
busy, or idle with collector gaps, as in bench_idle.py) also get their quarter hours, since
`idle_report` reads quarter hours only for the hosts the daily rollups do not rule out; the
rest peak above the limit every day, as busy hosts do. Timed: `idle_report` for the 2024-12
score. Its peak memory is measured in a fresh process that only runs the report (the data
generation is not in it): the process's peak RSS, and the RSS it had before the report.

Nothing asserts a time; numbers are printed and written as JSON (--json).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from sqlalchemy import create_engine, make_url, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_idle import END, ROLLUP_DAY_SQL, day_rows  # noqa: E402
from monitor.contract.model import load_contract  # noqa: E402
from monitor.domain.periods import parse_period  # noqa: E402
from monitor.domain.resources import rollup_day_floor  # noqa: E402
from monitor.measures.idle import HOST_METRICS  # noqa: E402
from monitor.runs import period_measures  # noqa: E402
from monitor.runs.period_measures import availability_report, idle_report  # noqa: E402
from monitor.storage.db import ensure_schema, make_engine  # noqa: E402
from monitor.storage.rollups import DAILY, ROLLUP, day_parts  # noqa: E402

ZONE = ZoneInfo("Asia/Shanghai")
MONTH = "2022-06"
POOLS = [f"city-{n:02d}" for n in range(20)]
QUARTER = timedelta(minutes=15)
DAY = timedelta(days=1)
_DAILY_COLUMNS = "metric, pool, resource_id, day_start, samples, total, peak, covered_seconds"
_ROLLUP_COLUMNS = "metric, pool, resource_id, bucket_start, samples, total, peak, covered_seconds"


# --- databases ----------------------------------------------------------------------------------


def database_url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def fresh_database(server: str, name: str, reuse: bool) -> tuple[str, bool]:
    """The URL of database `name` at head; whether it already held data (with --reuse)."""
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}
            ).scalar()
            if exists and not reuse:
                connection.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
            if not exists or not reuse:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    url = database_url(server, name)
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        with engine.connect() as connection:
            held = bool(connection.exec_driver_sql("SELECT count(*) FROM resource").scalar())
    finally:
        engine.dispose()
    return url, bool(exists) and reuse and held


def drop_database(server: str, name: str) -> None:
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


def copy_rows(url: str, table: str, columns: str, lines: Any) -> None:
    """COPY text lines (tab-separated) into `table`, in pieces."""
    engine = make_engine(url)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for piece in lines:
            with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(piece)
            raw.commit()
    finally:
        raw.close()
        engine.dispose()


def write_resources(url: str, names: list[str], classes: list[str], pools: list[str]) -> None:
    stamp = datetime(2022, 1, 1, tzinfo=UTC).isoformat()
    body = "".join(
        f"{n}\t{c}\t{p}\tbench\t{stamp}\t{stamp}\n"
        for n, c, p in zip(names, classes, pools, strict=True)
    )
    copy_rows(url, "resource", "resource_id, resource_class, pool, source, created_at, updated_at",
              [body])  # fmt: skip


def analyze(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection = connection.execution_options(isolation_level="AUTOCOMMIT")
            connection.exec_driver_sql("VACUUM ANALYZE")
    finally:
        engine.dispose()


def lines(metric: str, names: list[str], pools: list[str], stamp: str, values: Any) -> str:
    """One text COPY line per resource: samples, total, peak, covered seconds."""
    samples, total, peak = values
    return "".join(
        f"{metric}\t{pool}\t{name}\t{stamp}\t{s}\t{t!r}\t{p!r}\t{60.0 * s!r}\n"
        for name, pool, s, t, p in zip(
            names, pools, samples.tolist(), total.tolist(), peak.tolist(), strict=True
        )
        if s
    )


# --- availability -------------------------------------------------------------------------------


def read_parts() -> dict[str, list[tuple[Any, Any, datetime, datetime]]]:
    """What the report reads, per part (the month, each burn-rate window): its pieces of the
    daily and quarter-hour tables, as monitor.storage.rollups cuts them."""
    period = parse_period(MONTH, ZONE)
    parts = {"month": day_parts(period.start, period.end)}
    for window in load_contract().availability.burn_rate_windows:
        parts[f"last {window}"] = day_parts(period.end - window, period.end)
    return parts


def availability_data(url: str, resources: int, seed: int) -> int:
    """Resources, the daily rollups and the quarter hours the report reads; rows written."""
    rng = np.random.default_rng(seed)
    names = [f"r-{n:05d}" for n in range(resources)]
    pools = [POOLS[n % len(POOLS)] for n in range(resources)]
    classes = ["physical" if n % 10 == 0 else "vm" for n in range(resources)]
    write_resources(url, names, classes, pools)
    pieces = [piece for part in read_parts().values() for piece in part]
    days = sorted(
        {since + DAY * n for table, _, since, until in pieces if table is DAILY
         for n in range((until - since) // DAY)}
    )  # fmt: skip
    quarters = sorted(
        {since + QUARTER * n for table, _, since, until in pieces if table is ROLLUP
         for n in range((until - since) // QUARTER)}
    )  # fmt: skip
    written = 0

    def quarter(count: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`count` quarter hours' samples (15, fewer in a gap), ups (fewer when down), peak."""
        samples = np.where(rng.random(count) < 0.002, rng.integers(0, 15, count), 15)
        up = np.where(rng.random(count) < 0.001, rng.integers(0, 15, count), 15)
        up = np.minimum(up, samples)
        return samples, up.astype(float), (up > 0).astype(float)

    def daily() -> Any:
        nonlocal written
        for day in days:
            samples = np.full(resources, 1440)
            gaps = rng.random(resources) < 0.01
            samples[gaps] -= rng.integers(30, 600, int(gaps.sum()))
            down = np.where(rng.random(resources) < 0.03, rng.integers(1, 120, resources), 0)
            up = np.maximum(samples - down, 0)
            written += int((samples > 0).sum())
            yield lines("availability", names, pools, day.isoformat(), (samples, up.astype(float),
                        (up > 0).astype(float)))  # fmt: skip

    def partial() -> Any:
        nonlocal written
        for moment in quarters:
            values = quarter(resources)
            written += int((values[0] > 0).sum())
            yield lines("availability", names, pools, moment.isoformat(), values)

    copy_rows(url, "metric_rollup_daily", _DAILY_COLUMNS, daily())
    copy_rows(url, "metric_rollup", _ROLLUP_COLUMNS, partial())
    analyze(url)
    return written


def availability_floor(url: str) -> int:
    """One statement over the rows the report reads (the month and its burn-rate windows),
    summed per part and resource; how many groups. (Summing per class and pool too, with
    GROUPING SETS and a join to the resources, made the statement slower than the report.)"""
    selects, values = [], {}
    for part, pieces in read_parts().items():
        for table, column, a, b in pieces:
            n = len(values) // 3
            values |= {f"p{n}": part, f"a{n}": a, f"b{n}": b}
            selects.append(
                f"SELECT :p{n} AS part, resource_id, samples, total FROM {table.name} "
                f"WHERE metric = 'availability' AND {column.name} >= :a{n} "
                f"AND {column.name} < :b{n}"
            )
    statement = text(
        "SELECT s.part, s.resource_id, sum(s.samples), sum(s.total) "
        f"FROM ({' UNION ALL '.join(selects)}) s GROUP BY s.part, s.resource_id"
    )
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(statement, values).all()
    finally:
        engine.dispose()
    return len(rows)


def measure_availability(url: str) -> dict[str, Any]:
    contract = load_contract()
    period = parse_period(MONTH, ZONE)
    engine = make_engine(url)
    try:
        report = availability_report(engine, contract, period, period.end)
    finally:
        engine.dispose()
    return {
        "resources": len(report.resources),
        "classes": len(report.by_class),
        "pools": len(report.by_pool),
    }


# --- idle ---------------------------------------------------------------------------------------


def idle_data(url: str, hosts: int, days: int, share: float, seed: int) -> dict[str, int]:
    """Every host's daily rollups; quarter hours for the `share` that may be idle."""
    rng = np.random.default_rng(seed)
    names = [f"h-{n:05d}" for n in range(hosts)]
    pools = [POOLS[n % len(POOLS)] for n in range(hosts)]
    write_resources(url, names, ["vm"] * hosts, pools)
    quiet = np.flatnonzero(rng.random(hosts) < share)
    busy = np.setdiff1d(np.arange(hosts), quiet)
    first = rollup_day_floor(END) - days * DAY  # rollup days, as the collector writes them
    profiles = {
        "kind": rng.choice([1, 2, 3], size=len(quiet), p=[0.5, 0.33, 0.17]),
        "busy": rng.uniform(15, 60, size=len(quiet)),
        "quiet": rng.uniform(0.5, 3.0, size=len(quiet)),
        "turn": rng.integers(0, max(days, 1), size=len(quiet)),
        "turns_idle": rng.random(len(quiet)) < 0.5,
    }
    quiet_names = [names[n] for n in quiet]
    quiet_pools = [pools[n] for n in quiet]
    busy_names = [names[n] for n in busy]
    busy_pools = [pools[n] for n in busy]
    counts = {"quarter_hours": 0, "daily": 0, "hosts_with_quarter_hours": len(quiet)}

    def busy_days() -> Any:
        for day in range(days):
            stamp = (first + day * DAY).isoformat()
            for metric in HOST_METRICS:
                average = rng.uniform(15, 60, len(busy))
                peak = np.minimum(average + rng.uniform(10, 40, len(busy)), 100)
                samples = np.full(len(busy), 96 * 15)
                counts["daily"] += len(busy)
                body = "".join(
                    f"{metric}\t{p}\t{n}\t{stamp}\t96\t{96 * 15 * a!r}\t{k!r}\t86400.0\n"
                    for n, p, a, k in zip(
                        busy_names, busy_pools, average.tolist(), peak.tolist(), strict=True
                    )
                )
                del samples
                yield body

    def quiet_quarters() -> Any:
        for day in range(days):
            base = first + day * DAY
            stamps = [(base + b * QUARTER).isoformat() for b in range(96)]
            for index, metric in enumerate(HOST_METRICS):
                present, average, peak = day_rows(profiles, day, seed, index)
                host, bucket = np.nonzero(present)
                totals = (15 * average[host, bucket]).tolist()
                peaks = peak[host, bucket].tolist()
                counts["quarter_hours"] += len(totals)
                yield "".join(
                    f"{metric}\t{quiet_pools[h]}\t{quiet_names[h]}\t{stamps[b]}\t15\t{t!r}"
                    f"\t{p!r}\t900.0\n"
                    for h, b, t, p in zip(host.tolist(), bucket.tolist(), totals, peaks,
                                          strict=True)
                )  # fmt: skip

    copy_rows(url, "metric_rollup_daily", _DAILY_COLUMNS, busy_days())
    copy_rows(url, "metric_rollup", _ROLLUP_COLUMNS, quiet_quarters())
    engine = make_engine(url)
    try:
        with engine.begin() as connection:  # the daily rollups of those quarter hours
            day = ROLLUP_DAY_SQL["postgresql"]
            connection.exec_driver_sql(
                f"INSERT INTO metric_rollup_daily ({_DAILY_COLUMNS}) "
                f"SELECT metric, pool, resource_id, {day}, sum(samples), sum(total), max(peak), "
                f"sum(covered_seconds) FROM metric_rollup GROUP BY metric, pool, resource_id, {day}"
            )
            counts["daily"] += int(
                connection.exec_driver_sql(
                    "SELECT count(*) FROM metric_rollup_daily WHERE resource_id = ANY(%(q)s)",
                    {"q": quiet_names},
                ).scalar()
                or 0
            )
    finally:
        engine.dispose()
    analyze(url)
    return counts


def measure_idle(url: str) -> dict[str, Any]:
    contract = load_contract()
    if HOSTS_PER_CHUNK_ENV in os.environ:  # the whole fleet at once: memory without chunks
        period_measures.HOSTS_PER_CHUNK = int(os.environ[HOSTS_PER_CHUNK_ENV])
    period = parse_period("2024-12", ZONE)
    engine = make_engine(url)
    try:
        found = idle_report(engine, contract, period, period.end)
    finally:
        engine.dispose()
    hosts = [f for f in found if f.kind == "host"]
    return {"findings": len(found), "hosts_found": len(hosts)}


# --- timing -------------------------------------------------------------------------------------

HOSTS_PER_CHUNK_ENV = "BENCH_HOSTS_PER_CHUNK"
MEASURES = {"availability": measure_availability, "idle": measure_idle, "floor": None}


def in_fresh_process(part: str, url: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run one measurement in a new process: its time, result and memory, nothing else's."""
    answer = subprocess.run(
        [sys.executable, __file__, "--measure", part, "--url", url],
        env={**os.environ, **(env or {})},
        check=True,
        capture_output=True,
        text=True,
        timeout=3600,
    )
    return json.loads(answer.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def measure(part: str, url: str) -> None:
    """(In the fresh process.) Time one part once; print time, result and memory as JSON."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    began = time.perf_counter()
    result: Any = availability_floor(url) if part == "floor" else MEASURES[part](url)  # type: ignore[misc]
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": seconds, "result": result, "rss_before_mib": before / 1024,
                      "peak_rss_mib": peak / 1024}))  # fmt: skip


def repeated(part: str, url: str, repeat: int, env: dict[str, str] | None = None) -> dict[str, Any]:
    runs = [in_fresh_process(part, url, env) for _ in range(repeat)]
    times = [run["seconds"] for run in runs]
    return {
        "median_s": statistics.median(times),
        "best_s": min(times),
        "runs": times,
        "result": runs[-1]["result"],
        "peak_rss_mib": max(run["peak_rss_mib"] for run in runs),
        "rss_before_mib": runs[-1]["rss_before_mib"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pg-url", help="a PostgreSQL server (any database on it)")
    parser.add_argument("--only", choices=("availability", "idle"))
    parser.add_argument("--resources", type=int, default=50_000)
    parser.add_argument("--hosts", type=int, default=50_000)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--idle-share", type=float, default=0.02)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20220601)
    parser.add_argument("--reuse", action="store_true", help="keep the databases' rows")
    parser.add_argument("--keep", action="store_true", help="do not drop the databases")
    parser.add_argument("--json", type=Path, help="write the numbers here too")
    parser.add_argument("--measure", choices=tuple(MEASURES), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure, args.url)
        return
    if not args.pg_url:
        parser.error("--pg-url is required")
    out: dict[str, Any] = {"machine": f"{platform.machine()} {platform.python_version()}"}
    parts = [args.only] if args.only else ["availability", "idle"]
    for part in parts:
        name = f"slamon_bench_scale_{part}"
        url, held = fresh_database(args.pg_url, name, args.reuse)
        try:
            began = time.perf_counter()
            if part == "availability":
                if not held:
                    out["availability_rows"] = availability_data(url, args.resources, args.seed)
                out["availability_generate_s"] = time.perf_counter() - began
                out["availability_report"] = repeated("availability", url, args.repeat)
                out["availability_floor"] = repeated("floor", url, args.repeat)
                report, floor = out["availability_report"], out["availability_floor"]
                print(
                    f"availability, {args.resources:,} resources, {MONTH} on PostgreSQL: "
                    f"report {report['median_s']:.2f} s (target < 5 s), "
                    f"one SQL aggregate {floor['median_s']:.2f} s, "
                    f"{report['median_s'] / floor['median_s']:.1f}× the floor; "
                    f"{report['result']}; peak RSS {report['peak_rss_mib']:.0f} MiB"
                )
            else:
                if not held:
                    out["idle_rows"] = idle_data(
                        url, args.hosts, args.days, args.idle_share, args.seed
                    )
                out["idle_generate_s"] = time.perf_counter() - began
                out["idle_report"] = found = repeated("idle", url, args.repeat)
                one = {HOSTS_PER_CHUNK_ENV: str(max(args.hosts, 1))}
                out["idle_report_one_chunk"] = whole = repeated("idle", url, 1, one)
                print(
                    f"idle, {args.hosts:,} hosts × {args.days} days on PostgreSQL "
                    f"({out.get('idle_rows', 'rows kept')}): idle_report "
                    f"{found['median_s']:.2f} s, peak RSS {found['peak_rss_mib']:.0f} MiB "
                    f"(target < 2048; {found['rss_before_mib']:.0f} MiB before the report); "
                    f"{found['result']}; the whole fleet as one chunk: "
                    f"{whole['median_s']:.2f} s, peak RSS {whole['peak_rss_mib']:.0f} MiB, "
                    f"{whole['result']}"
                )
        finally:
            if not (args.keep or args.reuse):
                drop_database(args.pg_url, name)
    out["sizes"] = {"resources": args.resources, "hosts": args.hosts, "days": args.days,
                    "idle_share": args.idle_share}  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(out, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
