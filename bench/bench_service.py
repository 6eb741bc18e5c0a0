"""The live service measured: deadline-to-delivery latency of breach alerts, and /metrics
scrape time, with N stored tickets (default 100,000) in the embedded SQLite database.

    python bench/bench_service.py                       # 100,000 tickets, 10 latency samples
    python bench/bench_service.py --tickets 20000 --samples 3 --scrapes 5

Fills a fresh SQLite file with synthetic tickets (a mix of kinds, 2022–2025, mostly closed)
and evaluates them once, starts `slamon serve` on a loopback port with a webhook channel
pointing at a local receiver, then posts `samples` major faults whose 30-minute arrival
deadlines fall a few seconds apart in the near future. The latency of each is the receiver's
arrival time of its breach alert minus its deadline; whole evaluations run every
`--evaluation-interval` (15 s) meanwhile, so some timers fire while one is in progress. Then
/metrics is fetched `scrapes` times.

    python bench/bench_service.py --tickets 1000000 --metrics-only --scrapes 5

only measures /metrics: it waits for the whole evaluation the service starts with, then scrapes.
With `--workdir DIR` the filled database is kept in DIR and reused by the next run with the same
`--tickets` and `--seed` (filling a million takes many minutes); reuse is for `--metrics-only`.
Nothing asserts a time; the numbers are printed and written as JSON.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.contract.contract_set import ContractSet  # noqa: E402
from monitor.contract.model import load_contract  # noqa: E402
from monitor.domain.calendar import BusinessCalendar  # noqa: E402
from monitor.exports.snapshot import take_snapshot  # noqa: E402
from monitor.runs.evaluate import run_evaluation  # noqa: E402
from monitor.storage.db import ensure_schema, make_engine  # noqa: E402
from monitor.storage.tickets import upsert_tickets  # noqa: E402
from tests.serving import (  # noqa: E402
    Receiver,
    Serve,
    create_token,
    major_fault,
    service_env,
    wait_until,
    webhook_alerting,
)

KINDS = [("fault", "major"), ("fault", "significant"), ("fault", "general"), ("anomaly", None),
         ("monitoring", None), ("request", None)]  # fmt: skip
COLUMNS = ["source", "ticket_id", "kind", "severity", "pool", "operator", "reported_at",
           "responded_at", "arrived_at", "user_notified_at", "restored_at",
           "closed_at"]  # fmt: skip


FILL_CHUNK = 50_000


def fill(database: Path, tickets: int, seed: int) -> float:
    """Store `tickets` synthetic tickets and evaluate them once; the seconds it took."""
    started = time.perf_counter()
    engine = make_engine(f"sqlite:///{database}")
    ensure_schema(engine)
    contract = load_contract()
    rng = random.Random(seed)
    first = datetime(2022, 1, 1, tzinfo=UTC)
    rows: list[dict[str, Any]] = []
    for n in range(tickets):
        kind, severity = KINDS[n % len(KINDS)]
        reported = first + timedelta(minutes=rng.randrange(4 * 365 * 24 * 60))
        done = reported + timedelta(minutes=rng.randrange(10, 600))
        is_open = rng.random() < 0.01
        rows.append({
            "source": "bench", "ticket_id": f"B-{n:07d}", "kind": kind, "severity": severity,
            "pool": rng.choice(["一云", "二云"]), "operator": rng.choice(["甲运营", "乙运营"]),
            "reported_at": reported, "responded_at": None if is_open else done,
            "arrived_at": None if is_open else done, "user_notified_at": None if is_open else done,
            "restored_at": None if is_open else done,
            "closed_at": None if is_open else done + timedelta(days=1),
        })  # fmt: skip
        if len(rows) == FILL_CHUNK or n == tickets - 1:  # bounded memory at a million
            with engine.begin() as connection:
                upsert_tickets(connection, rows, COLUMNS, datetime.now(UTC))
            rows = []
    calendar = BusinessCalendar.from_config(contract.calendar)
    run_evaluation(engine, ContractSet.single(contract, calendar), datetime.now(UTC))
    engine.dispose()
    return time.perf_counter() - started


def filled(workdir: Path, tickets: int, seed: int) -> tuple[Path, float | None]:
    """The database in `workdir`, filled now or (same size and seed) by an earlier run: then
    the seconds are None."""
    database = workdir / "slamon.db"
    marker = workdir / "filled.json"
    wanted = {"tickets": tickets, "seed": seed}
    if (
        database.exists()
        and marker.exists()
        and json.loads(marker.read_text(encoding="utf-8")) == wanted
    ):
        return database, None
    for stale in (marker, database, *workdir.glob("slamon.db-*")):
        stale.unlink(missing_ok=True)
    seconds = fill(database, tickets, seed)
    marker.write_text(json.dumps(wanted), encoding="utf-8")
    return database, seconds


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    database, fill_seconds = filled(workdir, args.tickets, args.seed)
    if fill_seconds is None and not args.metrics_only:
        raise SystemExit("a reused --workdir database only with --metrics-only")
    runs_before = _whole_evaluations(database)
    receiver = Receiver().start()
    webhook_alerting(workdir, receiver.url, backoff="1s", cap="2s")
    # Whole evaluations every few seconds, so that some timers fire while one is running.
    env = service_env(
        workdir, f"sqlite:///{database}", SLAMON_EVALUATION_INTERVAL=args.evaluation_interval
    )
    token = create_token(env, workdir, name=f"bench-{time.time_ns()}")  # unique if reused
    serve = Serve(workdir, env)
    try:
        t0 = time.perf_counter()
        serve.start(timeout=600)
        ready_seconds = time.perf_counter() - t0
        if args.metrics_only:
            return _metrics_only(
                args, database, serve, token, fill_seconds, ready_seconds, runs_before
            )
        now = datetime.now(UTC)
        deadlines = {}
        tickets = []
        for k in range(args.samples):
            # Deadlines from 20 s on, `spacing` apart: each one its own timer.
            deadline = now + timedelta(seconds=20 + k * args.spacing)
            ticket_id = f"LAT-{k:03d}"
            deadlines[ticket_id] = deadline
            tickets.append(major_fault(ticket_id, deadline - timedelta(minutes=30)))
        answer = serve.post_tickets(token, tickets)
        answer.raise_for_status()
        last = max(deadlines.values()).timestamp()

        def breaches() -> list[Any]:
            return [r for r in receiver.received if r.body.get("stage") == "breached"]

        wait_until(lambda: len(breaches()) >= args.samples, timeout=last - time.time() + 60)
        latencies = sorted(
            round(r.at - deadlines[r.body["ticket_id"]].timestamp(), 3) for r in breaches()
        )
        scrapes, size = scrape(serve.url, args.scrapes, token)
    finally:
        serve.kill()
        receiver.stop()
    return {
        "meta": {
            "tickets": args.tickets,
            "samples": args.samples,
            "evaluation_interval": args.evaluation_interval,
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "fill_and_first_evaluation_s": round(fill_seconds or 0, 1),
        "serve_ready_s": round(ready_seconds, 1),
        "breach_latency_s": latencies,
        "breach_latency_median_s": statistics.median(latencies) if latencies else None,
        "breach_latency_max_s": max(latencies) if latencies else None,
        "metrics_scrape_s": scrapes,
        "metrics_scrape_median_s": statistics.median(scrapes),
        "metrics_bytes": size,
    }


def scrape(url: str, times: int, token: str) -> tuple[list[float], int]:
    """Seconds of each of `times` GETs of /metrics (as a reader of every pool), and the size
    of the last answer."""
    scrapes = []
    size = 0
    for _ in range(times):
        t0 = time.perf_counter()
        response = requests.get(
            f"{url}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=300
        )
        response.raise_for_status()
        scrapes.append(round(time.perf_counter() - t0, 3))
        size = len(response.content)
    return scrapes, size


def _whole_evaluations(database: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(database, timeout=30) as connection:
        query = "SELECT evaluated_at, ran_at FROM evaluation_run ORDER BY id"
        return connection.execute(query).fetchall()


def _metrics_only(
    args: argparse.Namespace,
    database: Path,
    serve: Any,
    token: str,
    fill_seconds: float | None,
    ready: float,
    runs_before: list[tuple[str, str]],
) -> dict[str, Any]:
    """/metrics alone: once the service's first whole evaluation (started at start-up) is
    recorded, so that the scrapes do not share the process with it."""
    before = len(runs_before)
    if not wait_until(
        lambda: len(_whole_evaluations(database)) > before, args.evaluation_timeout, 1.0
    ):
        raise SystemExit(f"no whole evaluation recorded in {args.evaluation_timeout} s")
    evaluated_at, ran_at = _whole_evaluations(database)[before]
    took = datetime.fromisoformat(ran_at) - datetime.fromisoformat(evaluated_at)
    scrapes, size = scrape(serve.url, args.scrapes, token)
    refreshes = snapshot_refreshes(database, 3)
    return {
        "meta": {
            "tickets": args.tickets,
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "fill_and_first_evaluation_s": round(fill_seconds, 1) if fill_seconds else None,
        "database_reused": fill_seconds is None,
        "serve_ready_s": round(ready, 1),
        "service_whole_evaluation_s": round(took.total_seconds(), 1),
        "metrics_scrape_s": scrapes,
        "metrics_scrape_median_s": statistics.median(scrapes),
        "metrics_bytes": size,
        # What the service does off the scrape path, after every write and every 15 s.
        "metrics_snapshot_refresh_s": refreshes,
        "metrics_snapshot_refresh_median_s": statistics.median(refreshes),
    }


def snapshot_refreshes(database: Path, times: int) -> list[float]:
    """Seconds of each of `times` reads of /metrics' snapshot, in this process."""
    engine = make_engine(f"sqlite:///{database}")
    contract = load_contract()
    seconds = []
    for _ in range(times):
        t0 = time.perf_counter()
        take_snapshot(engine, contract, datetime.now(UTC))
        seconds.append(round(time.perf_counter() - t0, 3))
    engine.dispose()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--samples", type=int, default=10)
    parser.add_argument("--spacing", type=float, default=4.0, help="seconds between deadlines")
    parser.add_argument("--scrapes", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--evaluation-interval", default="15s", help="SLAMON_EVALUATION_INTERVAL of the service"
    )
    parser.add_argument(
        "--metrics-only",
        action="store_true",
        help="no latency samples: wait for the service's first whole evaluation, then scrape",
    )
    parser.add_argument(
        "--evaluation-timeout", type=float, default=1800, help="seconds (with --metrics-only)"
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench/results/service.json")
    parser.add_argument(
        "--workdir", type=Path, help="keep the filled database here and reuse it (same size)"
    )
    args = parser.parse_args()
    if args.metrics_only and args.evaluation_interval == "15s":
        args.evaluation_interval = "24h"  # only the whole evaluation at start-up
    if args.workdir is not None:
        args.workdir.mkdir(parents=True, exist_ok=True)
        results = measure(args, args.workdir.resolve())
    else:
        with tempfile.TemporaryDirectory() as directory:
            results = measure(args, Path(directory))
    print(json.dumps(results, ensure_ascii=False, indent=1))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
