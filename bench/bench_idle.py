"""Idle-host detection over a year of quarter-hour CPU and memory rollups, beside a NumPy floor.

    python bench/bench_idle.py                              # 200 hosts × 60 days, 3 repeats
    python bench/bench_idle.py --hosts 1000 --days 365 --repeat 1 --json /tmp/idle.json
    python bench/bench_idle.py --pg-url postgresql+psycopg://postgres@127.0.0.1/slamon_bench
    python bench/bench_idle.py --workdir /tmp/idle --reuse   # time again on the rows written

Generates deterministic quarter-hour rollups (seeded per day, so any size is the same data
where it overlaps) of `cpu` and `memory` for N hosts over the D days that end on 31 December
2024 (Asia/Shanghai by default, --zone to change): most hosts busy, some idle all along, some
turning idle or busy on a random day, some idle with collector gaps (too little coverage).
Rows go straight into metric_rollup (sqlite3 executemany / PostgreSQL COPY), then are summed
into metric_rollup_daily with migration 0007's backfill statement: the collector is not what
is measured. --reuse skips writing when the databases already hold the hosts.

Then, for the 2024 score (--period; `idle_report`: checkpoints from 30 days before the
period to its end, 14-day windows), times:

- `daily_stats`: the grouped query, per (host, metric, local day) sums and peaks;
- `idle_hosts`: the check on those days (hosts × days arrays, every checkpoint at once);
- `loop_idle_hosts`: the same check as the plain day-by-day loop it replaced (the reference
  in tests/measures/test_idle_windows.py): its findings must be the same (`same_findings`);
- `busy_days`: the daily-rollup read behind the prefilter (whole rollup days at the peak limit);
- `idle_report`: the whole thing, reads included (with storage partitions' months), quarter
  hours read only for the hosts the daily rollups do not rule out;
- `idle_report_full_read`: the same report reading every host's quarter hours (the reference
  in tests/storage/test_idle_prefilter.py): its findings must be the same (`same_report`);
- baseline `numpy_windows`: one NumPy pass over the same per-day arrays (built untimed):
  running sums for the 14-day windows, a sliding maximum for the peaks, the same limits.

Medians over --repeat rounds; ratios are medians over the baseline's median, same run.
Nothing asserts a time. Numbers are printed and written as JSON (--json).
"""

from __future__ import annotations

import argparse
import io
import json
import math
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.contract.model import load_contract  # noqa: E402
from monitor.domain.periods import parse_period  # noqa: E402
from monitor.measures.idle import HOST_METRICS, idle_hosts  # noqa: E402
from monitor.measures.idle_prefilter import hosts_that_may_be_idle  # noqa: E402
from monitor.runs.period_measures import idle_report  # noqa: E402
from monitor.storage.db import ensure_schema, make_engine  # noqa: E402
from monitor.storage.resources import ensure_resources, load_resources  # noqa: E402
from monitor.storage.rollups import busy_days, daily_stats  # noqa: E402
from tests.measures.test_idle_windows import reference_idle_hosts  # noqa: E402
from tests.storage.test_idle_prefilter import reference_idle_report  # noqa: E402

END = datetime(2025, 1, 1, tzinfo=UTC)  # data ends here (shifted to the zone's midnight)
BUCKETS = 96  # quarter hours a day
# The rollup day (of UTC+08:00) of a quarter hour, as migration 0018 sums it.
ROLLUP_DAY_SQL = {
    "sqlite": "strftime('%Y-%m-%d %H:%M:%S', bucket_start, '+8 hours', 'start of day', "
    "'-8 hours') || '.000000'",
    "postgresql": "(date_trunc('day', (bucket_start AT TIME ZONE 'UTC') + interval '8 hours') "
    "- interval '8 hours') AT TIME ZONE 'UTC'",
}


def written_rows(url: str, hosts: int) -> int | None:
    """Quarter-hour rows already there when the database holds exactly `hosts` resources."""
    engine = make_engine(url)
    try:
        ensure_schema(engine)
        with engine.connect() as connection:
            if connection.exec_driver_sql("SELECT count(*) FROM resource").scalar() != hosts:
                return None
            rows = connection.exec_driver_sql("SELECT count(*) FROM metric_rollup").scalar()
            return int(rows) if rows else None
    finally:
        engine.dispose()


def host_profiles(hosts: int, days: int, seed: int) -> dict[str, np.ndarray]:
    """Per host: base level (%), idle from / busy from day (or beyond), gap share."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(4, size=hosts, p=[0.70, 0.15, 0.10, 0.05])  # busy, idle, turns, gappy
    busy = rng.uniform(15, 60, size=hosts)
    quiet = rng.uniform(0.5, 3.0, size=hosts)
    turn = rng.integers(0, max(days, 1), size=hosts)
    turns_idle = rng.random(hosts) < 0.5
    return {
        "kind": kind,
        "busy": busy,
        "quiet": quiet,
        "turn": turn,
        "turns_idle": turns_idle,
    }


def day_rows(
    profiles: dict[str, np.ndarray], day: int, seed: int, metric_index: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One UTC day of one metric: present (hosts × 96), average and peak per quarter hour."""
    rng = np.random.default_rng([seed, day, metric_index])
    kind, hosts = profiles["kind"], len(profiles["kind"])
    after = day >= profiles["turn"]
    idle = (kind == 1) | (kind == 3) | ((kind == 2) & (after == profiles["turns_idle"]))
    level = np.where(idle, profiles["quiet"], profiles["busy"])[:, None]
    noise = rng.normal(0, 1, size=(hosts, BUCKETS))
    average = np.clip(level + np.where(idle[:, None], 0.6, 8.0) * noise, 0, 100)
    spikes = rng.random((hosts, BUCKETS)) < 0.0002  # a rare burst: idle hosts sometimes peak
    peak = np.clip(
        average + np.abs(rng.normal(0, 1.5, size=(hosts, BUCKETS))) + 20 * spikes, 0, 100
    )
    present = np.ones((hosts, BUCKETS), dtype=bool)
    gappy = kind == 3
    present[gappy] = rng.random((int(gappy.sum()), BUCKETS)) < 0.8  # 80 % coverage
    return present, average, peak


def write_rollups(url: str, hosts: int, days: int, seed: int, first: datetime) -> int:
    """Quarter-hour rows straight into metric_rollup; returns how many."""
    profiles = host_profiles(hosts, days, seed)
    names = [f"vm-{n:04d}" for n in range(hosts)]
    engine = make_engine(url)
    ensure_schema(engine)
    with engine.begin() as connection:
        ensure_resources(
            connection,
            [{"resource_id": n, "resource_class": "vm", "pool": "一云"} for n in names],
            first,
        )
    written = 0
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")
            cursor.execute("PRAGMA cache_size=-1000000")
        for day in range(days):
            base = first + timedelta(days=day)
            stamps = [base + timedelta(minutes=15 * b) for b in range(BUCKETS)]
            for metric_index, metric in enumerate(HOST_METRICS):
                present, average, peak = day_rows(profiles, day, seed, metric_index)
                rows, count = _rows(
                    engine.dialect.name, metric, names, stamps, present, average, peak
                )
                if engine.dialect.name == "sqlite":
                    cursor.executemany(
                        "INSERT INTO metric_rollup (metric, pool, resource_id, bucket_start, "
                        "samples, total, peak, covered_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        rows,
                    )
                else:
                    with cursor.copy(
                        "COPY metric_rollup (metric, pool, resource_id, bucket_start, samples, "
                        "total, peak, covered_seconds) FROM STDIN"
                    ) as copy:
                        copy.write(rows)
                written += count
            if day % 30 == 29:
                raw.commit()
        raw.commit()
        day = ROLLUP_DAY_SQL[engine.dialect.name]
        cursor.execute(
            "INSERT INTO metric_rollup_daily "
            "(metric, pool, resource_id, day_start, samples, total, peak, covered_seconds) "
            f"SELECT metric, pool, resource_id, {day}, "
            "sum(samples), sum(total), max(peak), sum(covered_seconds) "
            "FROM metric_rollup WHERE metric IN ('cpu', 'memory') "
            f"GROUP BY metric, pool, resource_id, {day}"
        )  # migration 0007's backfill of the rows just written (run_all's database may also
        # hold the availability benchmark's rollups, already summed by add_rollups)
        raw.commit()
        if engine.dialect.name == "postgresql":
            cursor.execute("ANALYZE metric_rollup")
            cursor.execute("ANALYZE metric_rollup_daily")
            raw.commit()
    finally:
        raw.close()
        engine.dispose()
    return written


def _rows(
    dialect: str,
    metric: str,
    names: list[str],
    stamps: list[datetime],
    present: np.ndarray,
    average: np.ndarray,
    peak: np.ndarray,
) -> tuple[Any, int]:
    host_index, bucket_index = np.nonzero(present)
    totals = (15 * average[host_index, bucket_index]).tolist()
    peaks = peak[host_index, bucket_index].tolist()
    if dialect == "sqlite":
        texts = [s.replace(tzinfo=None).isoformat(" ", "microseconds") for s in stamps]
        return [
            (metric, "一云", names[h], texts[b], 15, t, p, 900.0)
            for h, b, t, p in zip(
                host_index.tolist(), bucket_index.tolist(), totals, peaks, strict=True
            )
        ], len(totals)
    texts = [s.isoformat() for s in stamps]
    buffer = io.StringIO()
    buffer.writelines(
        f"{metric}\t一云\t{names[h]}\t{texts[b]}\t15\t{t!r}\t{p!r}\t900.0\n"
        for h, b, t, p in zip(
            host_index.tolist(), bucket_index.tolist(), totals, peaks, strict=True
        )
    )
    return buffer.getvalue(), len(totals)


def day_arrays(
    daily: dict[str, Any], hosts: list[str], first: date, length: int
) -> dict[str, tuple[np.ndarray, ...]]:
    """The baseline's input: samples, total, covered, peak per metric, hosts × days."""
    out = {}
    for metric in HOST_METRICS:
        samples = np.zeros((len(hosts), length))
        total = np.zeros((len(hosts), length))
        covered = np.zeros((len(hosts), length))
        peak = np.full((len(hosts), length), -np.inf)
        for row, host in enumerate(hosts):
            for day, stats in daily.get(host, {}).get(metric, {}).items():
                column = (day - first).days
                if 0 <= column < length and stats.samples:
                    samples[row, column] = stats.samples
                    total[row, column] = stats.total
                    covered[row, column] = stats.covered_seconds
                    peak[row, column] = stats.peak
        out[metric] = (samples, total, covered, peak)
    return out


def numpy_windows(
    arrays: dict[str, tuple[np.ndarray, ...]], window: int, config: Any, floor: float
) -> np.ndarray:
    """The floor: running sums and a sliding maximum; the first idle checkpoint per host."""
    idle = None
    for samples, total, covered, peak in arrays.values():
        sums = []
        for values in (samples, total, covered):
            running = np.cumsum(values, axis=1)
            running = np.concatenate([np.zeros((values.shape[0], 1)), running], axis=1)
            sums.append(running[:, window:] - running[:, :-window])
        top = sliding_window_view(peak, window, axis=1).max(axis=2)
        count, added, seconds = sums
        average = np.divide(added, count, out=np.full_like(added, np.inf), where=count > 0)
        ok = (
            (count > 0)
            & (seconds >= floor * config.host_window.total_seconds())
            & (average < config.host_average_below)
            & (top < config.host_peak_below)
        )
        idle = ok if idle is None else idle & ok
    assert idle is not None
    return np.where(idle.any(axis=1), idle.argmax(axis=1), -1)


def same_findings(report: list[Any], full: list[Any]) -> bool:
    """The same hosts, kinds, times and statuses, and evidence equal to within 1e-9: PostgreSQL's
    parallel sums add in varying order, so even the full read differs from itself in the last
    bit of an average."""
    if len(report) != len(full):
        return False
    for a, b in zip(report, full, strict=True):
        if (a.resource_id, a.kind, a.detected_at, a.deadline, a.reclaimed_at, a.status) != (
            b.resource_id,
            b.kind,
            b.detected_at,
            b.deadline,
            b.reclaimed_at,
            b.status,
        ) or a.evidence.keys() != b.evidence.keys():
            return False
        if any(
            not math.isclose(a.evidence[k], b.evidence[k], rel_tol=1e-9, abs_tol=1e-12)
            for k in a.evidence
        ):
            return False
    return True


def timed(function: Callable[[], Any], repeat: int) -> tuple[dict[str, Any], Any]:
    times, result = [], None
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return {"median_s": statistics.median(times), "best_s": min(times), "runs": times}, result


MEASURED = ("daily_stats", "busy_days", "idle_report", "idle_report_full_read")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hosts", type=int, default=200)
    parser.add_argument("--days", type=int, default=60)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--zone", default="Asia/Shanghai")
    parser.add_argument(
        "--period", default="2024", help="the score timed (2024-12: its windows lie in 90 days)"
    )
    parser.add_argument("--pg-url", help="also time on this PostgreSQL database (a fresh one)")
    parser.add_argument("--workdir", type=Path, help="where the SQLite file goes (kept)")
    parser.add_argument(
        "--reuse", action="store_true", help="keep rows already written (same sizes and seed)"
    )
    parser.add_argument("--json", type=Path, help="write the numbers here too")
    args = parser.parse_args()

    zone = ZoneInfo(args.zone)
    contract = load_contract().model_copy(update={"timezone": args.zone})
    config = contract.idle
    floor = contract.availability.coverage_floor
    period = parse_period(args.period, zone)
    at = period.end
    first = datetime.combine(
        (END - timedelta(days=args.days)).astimezone(zone).date(), datetime.min.time(), zone
    ).astimezone(UTC)
    out: dict[str, Any] = {
        "hosts": args.hosts,
        "days": args.days,
        "zone": args.zone,
        "seed": args.seed,
        "period": args.period,
        "machine": f"{platform.machine()} {platform.python_version()}",
    }
    first_check = (period.start - config.grace).astimezone(zone).date()
    checkpoints = [  # as idle_report takes them
        first_check + timedelta(days=n)
        for n in range((period.end.astimezone(zone).date() - first_check).days + 1)
    ]
    with tempfile.TemporaryDirectory(prefix="bench_idle_") as temporary:
        directory = args.workdir or Path(temporary)
        directory.mkdir(parents=True, exist_ok=True)
        urls = {"sqlite": f"sqlite:///{directory / 'idle.db'}"}
        if args.pg_url:
            urls["postgresql"] = args.pg_url
        for name, url in urls.items():
            began = time.perf_counter()
            kept = written_rows(url, args.hosts) if args.reuse else None
            out["rows"] = kept or write_rollups(url, args.hosts, args.days, args.seed, first)
            out[f"{name}_write_s"] = time.perf_counter() - began
            print(f"{name}: {out['rows']:,} quarter-hour rows {'kept' if kept else 'written'} in "
                  f"{out[f'{name}_write_s']:.0f} s", flush=True)  # fmt: skip
            engine = make_engine(url)
            since = period.start - config.grace - config.host_window
            until = min(period.end, at)
            out[f"{name}_daily_stats"], daily = timed(
                lambda engine=engine, since=since, until=until: daily_stats(
                    engine, HOST_METRICS, since, until, zone
                ),
                args.repeat,
            )
            out[f"{name}_busy_days"], busy = timed(
                lambda engine=engine, since=since, until=until: busy_days(
                    engine, HOST_METRICS, config.host_peak_below, since, until
                ),
                args.repeat,
            )
            out[f"{name}_idle_report"], report = timed(
                lambda engine=engine: idle_report(engine, contract, period, at), args.repeat
            )
            out[f"{name}_idle_report_full_read"], full = timed(
                lambda engine=engine: reference_idle_report(engine, contract, period, at),
                args.repeat,
            )
            out[f"{name}_idle_report_findings"] = len(report)
            out[f"{name}_same_report"] = same_findings(report, full)
            hosts_read = len(
                hosts_that_may_be_idle(
                    [f"vm-{n:04d}" for n in range(args.hosts)],
                    busy,
                    checkpoints,
                    config.host_window,
                    since,
                    until,
                    zone,
                )
            )
            out["hosts_read"] = hosts_read
            timings = (out[f"{name}_idle_report"], out[f"{name}_idle_report_full_read"])
            print(f"{name}: quarter hours read for {hosts_read} of {args.hosts} hosts; report "
                  f"{timings[0]['median_s']:.2f} s, full read {timings[1]['median_s']:.2f} s",
                  flush=True)  # fmt: skip
            if name == "sqlite":
                resources = load_resources(engine)
            engine.dispose()
    # The pure parts, on the days read above.
    out["checkpoints"] = len(checkpoints)
    check = lambda: idle_hosts(resources, daily, checkpoints, config, floor, zone, at)  # noqa: E731
    out["idle_hosts"], found = timed(check, args.repeat)
    loop = lambda: reference_idle_hosts(resources, daily, checkpoints, config, floor, zone, at)  # noqa: E731
    out["loop_idle_hosts"], expected = timed(loop, args.repeat)
    out["same_findings"] = found == expected
    out["idle_hosts_found"] = len(found)
    window = config.host_window.days
    start_day = first_check - timedelta(days=window)
    arrays = day_arrays(
        daily, [r.resource_id for r in resources], start_day, len(checkpoints) + window - 1
    )
    out["baseline_numpy_windows"], firsts = timed(
        lambda: numpy_windows(arrays, window, config, floor), max(args.repeat, 5)
    )
    out["baseline_found"] = int((firsts >= 0).sum())
    base = out["baseline_numpy_windows"]["median_s"]
    for key in (
        "idle_hosts",
        "loop_idle_hosts",
        *(f"{n}_{m}" for n in urls for m in MEASURED),
    ):
        out[key]["over_baseline"] = out[key]["median_s"] / base
    _print(out, list(urls))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")


def _print(out: dict[str, Any], databases: list[str]) -> None:
    print(
        f"{out['hosts']} hosts × {out['days']} days ({out['zone']}), {out['rows']:,} quarter-hour "
        f"rows, {out['checkpoints']} checkpoints ({out['machine']})"
    )
    base = out["baseline_numpy_windows"]
    print(f"  baseline NumPy windows:        median {base['median_s']:.4f} s")
    for key, label in (
        ("idle_hosts", "idle_hosts (arrays)"),
        ("loop_idle_hosts", "day-by-day loop"),
    ):
        entry = out[key]
        print(
            f"  {label:<30} median {entry['median_s']:.4f} s  "
            f"→ {entry['over_baseline']:.1f}× baseline"
        )
    print(
        f"  same findings as the loop: {out['same_findings']} "
        f"({out['idle_hosts_found']} idle hosts; baseline {out['baseline_found']}); quarter "
        f"hours read for {out['hosts_read']} of {out['hosts']} hosts"
    )
    for name in databases:
        print(f"  {name}: same report as the full read: {out[f'{name}_same_report']}")
        for what in MEASURED:
            entry = out[f"{name}_{what}"]
            print(
                f"  {name:<10} {what:<21} median {entry['median_s']:.3f} s  → "
                f"{entry['over_baseline']:.0f}× baseline"
            )


if __name__ == "__main__":
    main()
