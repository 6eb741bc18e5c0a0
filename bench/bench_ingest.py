"""Ingest under load: concurrent clients posting ticket batches to `slamon serve` on PostgreSQL.

    python bench/bench_ingest.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
    python bench/bench_ingest.py --pg-url … --tickets 20000 --clients 10 --batches 5

Fills a template database once with `--tickets` stored tickets (125,000; six kinds over
2022–2025, 1 % open) and their evaluated results (kept for the next run as
slamon_bench_ingest_<tickets>_<seed>_<schema revision>), then, each on a fresh copy of it:

- raw: `--clients` threads (50), each with its own psycopg connection, upsert the batches
  (INSERT … ON CONFLICT (source, ticket_id) DO UPDATE, one transaction each): the baseline.
- quiet: `slamon serve` on a loopback port, once its start-up whole evaluation is done; the
  same threads post the same batches to POST /api/v1/tickets (`--batch` tickets each, open
  major faults reported minutes ago, so each ingest evaluates and plans timers), answered
  once stored (the API's default; `--wait evaluated`: once evaluated).
- evaluating: the same with SLAMON_EVALUATION_INTERVAL=1s, so that whole evaluations of every
  stored ticket run one after the other while the batches come (how many, and what share of
  the phase they covered, is reported).

Each phase reports latency p50/p99/max, the 5xx and other failed answers, batches per second,
how busy the machine's cores were over the phase and the CPU milliseconds per batch of the
service's process, of the clients and of the rest of the machine (/proc); the service phases
also their ratio to the raw phase's p50 and p99, and how long after its batch's answer each
posted ticket was first evaluated. Nothing asserts a time; JSON goes to --json.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from monitor.contract.contract_set import load_contract_set  # noqa: E402
from monitor.runs.evaluate import run_evaluation  # noqa: E402
from monitor.storage.db import ensure_schema, head_revision, make_engine  # noqa: E402
from monitor.storage.tickets import upsert_tickets  # noqa: E402
from tests.serving import (  # noqa: E402
    CONTRACT,
    Receiver,
    Serve,
    create_token,
    service_env,
    wait_until,
    webhook_alerting,
)

KINDS = [("fault", "major"), ("fault", "significant"), ("fault", "general"), ("anomaly", None),
         ("monitoring", None), ("request", None)]  # fmt: skip
COLUMNS = ["source", "ticket_id", "kind", "severity", "pool", "operator", "reported_at",
           "responded_at", "arrived_at", "user_notified_at", "restored_at",
           "closed_at"]  # fmt: skip
FILL_CHUNK = 25_000
# What one posted ticket stores: an open major fault of pool 二云 (as tests.serving's).
POSTED = ("api", "fault", "major", "二云", "某运营单位")


@dataclass(frozen=True)
class Answer:
    started: float  # time.time()
    seconds: float
    status: int  # HTTP status; 0 for a request that got no answer


def fill(url: str, tickets: int, seed: int) -> float:
    """Store `tickets` synthetic tickets and evaluate them once; the seconds it took."""
    started = time.perf_counter()
    engine = make_engine(url)
    ensure_schema(engine)
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
        if len(rows) == FILL_CHUNK or n == tickets - 1:
            with engine.begin() as connection:
                upsert_tickets(connection, rows, COLUMNS, datetime.now(UTC))
            rows = []
    # Judged by the contract file the service reads: the same version, so no closed ticket is
    # pinned to another one (monitor.runs.pins), as after any evaluation with that contract.
    run_evaluation(engine, load_contract_set(CONTRACT), datetime.now(UTC))
    # Statistics for the planner before the template is copied (the copies keep them): a
    # fresh database's are empty until autovacuum comes by, and its plans show in every phase.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


class Databases:
    """The filled template on the --pg-url server and the fresh copies each phase works on."""

    def __init__(self, server: str, tickets: int, seed: int) -> None:
        self.server = server
        # The schema's revision in the name: another checkout's template is not reused.
        self.template = f"slamon_bench_ingest_{tickets}_{seed}_{head_revision()}"
        self.admin = create_engine(server, isolation_level="AUTOCOMMIT")
        self.made: list[str] = []

    def url(self, database: str) -> str:
        return make_url(self.server).set(database=database).render_as_string(False)

    def filled(self, tickets: int, seed: int) -> float | None:
        """Fill the template unless an earlier run did; the seconds filling took, or None."""
        with self.admin.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": self.template}
            ).first()
        if found:
            return None
        partial = f"{self.template}_partial"  # renamed once whole: a killed fill is not reused
        self._run(f'DROP DATABASE IF EXISTS "{partial}" WITH (FORCE)')
        self._run(f'CREATE DATABASE "{partial}"')
        seconds = fill(self.url(partial), tickets, seed)
        self._run(f'ALTER DATABASE "{partial}" RENAME TO "{self.template}"')
        return seconds

    def copy(self, name: str) -> str:
        database = f"slamon_bench_ingest_{name}"
        self._run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self._run(f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
        self.made.append(database)
        return self.url(database)

    def drop_copies(self) -> None:
        for database in self.made:
            self._run(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        self.admin.dispose()

    def _run(self, statement: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(statement))


def batches(clients: int, per_client: int, size: int, seed: int) -> list[list[list[int]]]:
    """Per client, its batches, each the numbers of `size` new tickets (none in two)."""
    numbers = list(range(clients * per_client * size))
    random.Random(seed).shuffle(numbers)
    it = iter(numbers)
    return [[[next(it) for _ in range(size)] for _ in range(per_client)] for _ in range(clients)]


def api_ticket(number: int, reported: datetime) -> dict[str, Any]:
    return {
        "ticket_id": f"IN-{number:07d}",
        "kind": "故障",
        "severity": "重大",
        "reported_at": reported.isoformat(),
        "pool": "二云",
        "operator": "某运营单位",
    }


def run_clients(
    work: list[list[list[int]]],
    post: Callable[[Any, list[int]], int],
    connect: Callable[[], Any],
) -> list[Answer]:
    """One thread per client, each posting its batches in turn; every request's start,
    seconds and status."""
    answers: list[Answer] = []
    lock = threading.Lock()
    start = threading.Barrier(len(work))

    def client(mine: list[list[int]]) -> None:
        session = connect()
        start.wait()
        for numbers in mine:
            began, t0 = time.time(), time.perf_counter()
            try:
                status = post(session, numbers)
            except Exception:  # no answer at all (refused, reset, timed out)
                status = 0
            with lock:
                answers.append(Answer(began, time.perf_counter() - t0, status))
        session.close()

    threads = [threading.Thread(target=client, args=(mine,)) for mine in work]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def raw_phase(url: str, work: list[list[list[int]]]) -> dict[str, Any]:
    """The batches upserted by the raw driver, one connection per client."""
    dsn = make_url(url).set(drivername="postgresql").render_as_string(False)
    names = ["source", "ticket_id", "kind", "severity", "pool", "operator", "reported_at",
             "created_at", "updated_at"]  # fmt: skip
    updated = ", ".join(f"{name} = excluded.{name}" for name in names[2:-2])
    sql = (
        f"INSERT INTO ticket ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "
        f"ON CONFLICT (source, ticket_id) DO UPDATE SET {updated}, updated_at = now()"
    )

    def post(connection: Any, numbers: list[int]) -> int:
        now = datetime.now(UTC)
        reported = now - timedelta(minutes=5)
        rows = [(*POSTED[:1], f"IN-{n:07d}", *POSTED[1:], reported, now, now) for n in numbers]
        with connection.transaction(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        return 200

    busy = Busy()
    answers = run_clients(work, post, lambda: psycopg.connect(dsn, autocommit=True))
    return summarise(answers, busy.done())


class Busy:
    """CPU from now to done(): the machine's (all cores, /proc/stat), the service's (process
    `pid` and its children) and this process's (the clients), in seconds, and the wall
    seconds."""

    def __init__(self, pid: int | None = None) -> None:
        self.pid = pid
        self.t0 = time.perf_counter()
        self.start = self._read()

    def _read(self) -> tuple[float, float, float]:
        tick = os.sysconf("SC_CLK_TCK")
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
        machine = (sum(fields) - fields[3] - fields[4]) / tick  # all but idle and iowait
        server = 0.0
        if self.pid is not None:
            server = sum(self._family_ticks(self.pid)) / tick
        mine = os.times()
        return machine, server, mine.user + mine.system

    @staticmethod
    def _family_ticks(pid: int) -> list[int]:
        """utime + stime of `pid` and of its children alive now (the whole-evaluation worker
        of a service on PostgreSQL)."""
        ticks = []
        for stat_file in Path("/proc").glob("[0-9]*/stat"):
            try:
                stat = stat_file.read_text().rsplit(") ", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            if stat_file.parent.name == str(pid) or stat[1] == str(pid):  # itself, or ppid
                ticks.append(int(stat[11]) + int(stat[12]))
        return ticks

    def done(self) -> dict[str, float]:
        wall = time.perf_counter() - self.t0
        machine, server, clients = (b - a for a, b in zip(self.start, self._read(), strict=True))
        return {
            "wall": wall,
            "busy_share": machine / (wall * (os.cpu_count() or 1)),
            "serve": server,
            "clients": clients,
            "rest": machine - server - clients,  # PostgreSQL and whatever else ran
        }


def service_phase(
    url: str, work: list[list[list[int]]], workdir: Path, *, evaluating: bool, wait: str
) -> dict[str, Any]:
    """The batches posted to a `slamon serve` of `url` once its start-up evaluation is done;
    `evaluating`: with whole evaluations every second meanwhile (one after the other);
    `wait`: the API's wait= (stored: answered once stored; evaluated: once evaluated)."""
    receiver = Receiver().start()
    webhook_alerting(workdir, receiver.url)
    interval = "1s" if evaluating else "24h"
    env = service_env(workdir, url, SLAMON_EVALUATION_INTERVAL=interval)
    token = create_token(env, workdir, name=f"bench-{time.time_ns()}")
    serve = Serve(workdir, env)
    engine = make_engine(url)
    try:
        started(serve, "/readyz", timeout=900)

        answered: dict[str, float] = {}  # ticket id → time.time() of its batch's answer

        def post(session: requests.Session, numbers: list[int]) -> int:
            reported = datetime.now(UTC) - timedelta(minutes=5)
            tickets = [api_ticket(n, reported) for n in numbers]
            answer = session.post(
                f"{serve.url}/api/v1/tickets",
                params={"wait": wait},
                json={"source": "api", "tickets": tickets},
                headers={"Authorization": f"Bearer {token}"},
                timeout=120,
            )
            answered.update(dict.fromkeys((t["ticket_id"] for t in tickets), time.time()))
            return answer.status_code

        assert serve.process is not None
        before = len(_whole_evaluations(engine))
        busy, began = Busy(serve.process.pid), datetime.now(UTC)
        answers = run_clients(work, post, requests.Session)
        cpu = busy.done()
        ended = datetime.now(UTC)
        if evaluating:  # the whole evaluation under way at the end, once it is recorded
            recorded = len(_whole_evaluations(engine))
            wait_until(lambda: len(_whole_evaluations(engine)) > recorded, timeout=600, step=1)
        runs = _whole_evaluations(engine)[before:]
        lags = _evaluated_after_answer(engine, answered)
        log_tail = serve.log()[-2000:]
    finally:
        serve.kill()
        receiver.stop()
        engine.dispose()
    summary = summarise(answers, cpu)
    # How much of the phase whole evaluations ran in (each from its start to its record).
    covered = sum(max(0, (min(b, ended) - max(a, began)).total_seconds()) for a, b in runs)
    summary["whole_evaluations"] = len(runs)
    summary["whole_evaluation_share"] = round(covered / cpu["wall"], 2)
    summary["whole_evaluation_s"] = [round((b - a).total_seconds(), 1) for a, b in runs]
    summary["serve_log_tail"] = log_tail if summary["failed"] else ""
    summary["evaluated_after_answer_s"] = lags
    return summary


def _evaluated_after_answer(engine: Any, answered: dict[str, float]) -> dict[str, Any]:
    """Once every posted ticket has results: how long after its batch's answer each was
    first evaluated (its results' first status_since, the evaluation's moment), p50/p99/max;
    negative: evaluated before the answer (wait=evaluated)."""
    query = text(
        "SELECT t.ticket_id, MIN(r.status_since) FROM ticket t JOIN target_result r "
        "ON r.ticket_pk = t.id WHERE t.source = 'api' GROUP BY t.ticket_id"
    )

    def firsts() -> dict[str, datetime]:
        with engine.connect() as connection:
            return {row[0]: _aware(row[1]) for row in connection.execute(query)}

    def complete() -> dict[str, datetime] | None:
        found = firsts()
        return found if len(found) >= len(answered) else None

    evaluated = wait_until(complete, 300, 0.5)
    if not evaluated:
        return {"unevaluated": len(answered) - len(firsts())}
    lags = sorted(evaluated[key].timestamp() - at for key, at in answered.items())
    return {
        "p50": round(_quantile(lags, 0.5), 3),
        "p99": round(_quantile(lags, 0.99), 3),
        "max": round(lags[-1], 3),
    }


def started(serve: Serve, path: str, timeout: float) -> None:
    """Start `serve` and wait until `path` answers 200 (/healthz: it serves; /readyz: its
    start-up evaluation is done too)."""
    with serve.log_path.open("ab") as log:
        serve.process = subprocess.Popen(
            [sys.executable, "-m", "monitor", "serve", "--port", str(serve.port)],
            cwd=serve.workdir,
            env=serve.env,
            stdout=log,
            stderr=log,
        )

    def answers() -> bool:
        if serve.process is not None and serve.process.poll() is not None:
            raise SystemExit(f"slamon serve exited:\n{serve.log()[-3000:]}")
        try:
            return requests.get(f"{serve.url}{path}", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    if not wait_until(answers, timeout, step=0.2):
        raise SystemExit(f"slamon serve did not answer {path}:\n{serve.log()[-3000:]}")


def _whole_evaluations(engine: Any) -> list[tuple[datetime, datetime]]:
    with engine.connect() as connection:
        query = text("SELECT evaluated_at, ran_at FROM evaluation_run ORDER BY id")
        return [(_aware(a), _aware(b)) for a, b in connection.execute(query)]


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def summarise(answers: list[Answer], cpu: dict[str, float]) -> dict[str, Any]:
    seconds = sorted(answer.seconds for answer in answers)
    wall, count = cpu["wall"], max(1, len(answers))
    return {
        "batches": len(answers),
        "p50_s": round(_quantile(seconds, 0.50), 4),
        "p99_s": round(_quantile(seconds, 0.99), 4),
        "max_s": round(seconds[-1], 4) if seconds else None,
        "mean_s": round(statistics.fmean(seconds), 4) if seconds else None,
        "status_5xx": sum(500 <= answer.status < 600 for answer in answers),
        "failed": sum(not 200 <= answer.status < 300 for answer in answers),
        "batches_per_s": round(len(answers) / wall, 1),
        "wall_s": round(wall, 1),
        "cpu_busy_share": round(cpu["busy_share"], 3),  # of all cores, from /proc/stat
        # CPU milliseconds per batch: the service's process (its Python runs on one core at
        # a time), the clients (this process) and the rest of the machine (PostgreSQL and
        # whatever else ran meanwhile).
        "cpu_ms_per_batch": {
            name: round(1000 * cpu[name] / count, 1) for name in ("serve", "clients", "rest")
        },
    }


def _quantile(values: list[float], q: float) -> float:
    """The q-quantile by nearest rank (p99 of 500 requests: the 495th)."""
    if not values:
        return float("nan")
    return values[min(len(values), max(1, math.ceil(q * len(values)))) - 1]


def measure(args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    databases = Databases(args.pg_url, args.tickets, args.seed)
    try:
        fill_seconds = databases.filled(args.tickets, args.seed)
        work = batches(args.clients, args.batches, args.batch, args.seed)
        phases: dict[str, Any] = {"raw": raw_phase(databases.copy("raw"), work)}
        for name, evaluating in (("quiet", False), ("evaluating", True)):
            folder = workdir / name
            folder.mkdir()
            phase = service_phase(
                databases.copy(name), work, folder, evaluating=evaluating, wait=args.wait
            )
            for quantile in ("p50_s", "p99_s"):
                phase[f"{quantile[:3]}_ratio_to_raw"] = round(
                    phase[quantile] / phases["raw"][quantile], 1
                )
            phases[name] = phase
    finally:
        databases.drop_copies()
    return {
        "meta": {
            "tickets": args.tickets,
            "clients": args.clients,
            "batches_per_client": args.batches,
            "batch": args.batch,
            "wait": args.wait,
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "fill_and_first_evaluation_s": round(fill_seconds, 1) if fill_seconds else None,
        **phases,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", required=True, help="a PostgreSQL server (databases made)")
    parser.add_argument("--tickets", type=int, default=125_000, help="stored before posting")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--batches", type=int, default=10, help="batches per client")
    parser.add_argument("--batch", type=int, default=20, help="tickets per batch")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument(
        "--wait",
        choices=("stored", "evaluated"),
        default="stored",
        help="the API's wait=: stored (its default) or evaluated (answers wait for evaluation)",
    )
    parser.add_argument("--json", type=Path, default=ROOT / "bench/results/ingest.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        results = measure(args, Path(directory))
    print(json.dumps(results, ensure_ascii=False, indent=1))
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
