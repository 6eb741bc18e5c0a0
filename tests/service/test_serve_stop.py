"""`slamon serve` stopped by SIGTERM at random moments exits within STOP_BOUND, with exit code 0,
and leaves a database that the next start carries on from: no alert sent twice, no delivery
left claimed, every ticket's results stored whole or not at all, and nothing lost.

The service is kept busy the whole time: 20,000 stored tickets evaluated whole every second
(in chunks), timers re-planned every second, a ticket API collected every second, and a
webhook that answers each alert after a second, so that a stop lands in an evaluation, a
re-plan, a collection or a delivery, or between them.

With the database gone (PostgreSQL behind a loopback proxy that refuses connections, or that
takes them and never answers) the stop is bounded the same way, and once the database is back
the next start delivers every alert once.
"""

from __future__ import annotations

import contextlib
import random
import socket
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.tickets import upsert_tickets
from tests.service.test_serve_ticket_api import PagedDesk, collectors_file
from tests.serving import (
    Receiver,
    Serve,
    create_token,
    major_fault,
    service_env,
    wait_until,
)

pytestmark = pytest.mark.slow

STOP_BOUND = 15.0  # seconds from SIGTERM to exit: SLAMON_STOP_TIMEOUT's default
RUNS = 8
STORED = 20_000


def fill(database_url: str, count: int, now: datetime) -> None:
    """`count` closed major faults of the last month, enough to make a whole evaluation last;
    older than a day, so that their stages are stored but not announced."""
    engine = make_engine(database_url)
    ensure_schema(engine)
    rng = random.Random(17)
    rows = []
    for n in range(count):
        reported = now - timedelta(minutes=rng.randrange(60 * 48, 60 * 24 * 30))
        done = reported + timedelta(minutes=rng.randrange(10, 600))
        rows.append(
            {
                "source": "file",
                "ticket_id": f"OLD-{n:06d}",
                "kind": "fault",
                "severity": "major",
                "pool": "二云",
                "operator": "某运营单位",
                "reported_at": reported,
                "arrived_at": done,
                "restored_at": done,
                "closed_at": done,
            }
        )
    with engine.begin() as connection:
        upsert_tickets(connection, rows, list(rows[0]), now)
    engine.dispose()


@dataclass
class Stop:
    run: int
    delay: float
    seconds: float | None  # None: still running STOP_BOUND + 10 s after SIGTERM
    code: int | None


def stop_after(serve: Serve, delay: float, run: int) -> Stop:
    time.sleep(delay)
    assert serve.process is not None
    sent = time.monotonic()
    serve.process.terminate()
    try:
        code = serve.process.wait(timeout=STOP_BOUND + 10)
    except subprocess.TimeoutExpired:
        serve.kill()
        return Stop(run, delay, None, None)
    return Stop(run, delay, round(time.monotonic() - sent, 2), code)


def database_problems(database: Path) -> list[str]:
    """What a consistent database would not show after a stop."""
    engine = create_engine(f"sqlite:///{database}")
    problems = []
    try:
        with engine.connect() as connection:
            check = connection.execute(text("PRAGMA integrity_check")).scalar()
            if check != "ok":
                problems.append(f"integrity_check: {check}")
            claimed = connection.execute(
                text(
                    "SELECT count(*) FROM alert_delivery WHERE acknowledged_at IS NULL "
                    "AND failed_at IS NULL AND claimed_until IS NOT NULL"
                )
            ).scalar()
            if claimed:
                problems.append(f"{claimed} deliveries left claimed")
            # Every ticket of one kind and severity has the same targets: a ticket with some
            # of its results but not all was stored half.
            counts = connection.execute(
                text(
                    "SELECT t.kind, t.severity, count(*) FROM target_result r "
                    "JOIN ticket t ON t.id = r.ticket_pk GROUP BY r.ticket_pk, t.kind, t.severity"
                )
            ).all()
            sizes: dict[tuple[str, str], set[int]] = {}
            for kind, severity, count in counts:
                sizes.setdefault((kind, severity), set()).add(count)
            if any(len(found) > 1 for found in sizes.values()):
                problems.append(f"results per ticket differ: {sizes}")
    finally:
        engine.dispose()
    return problems


def deliveries(database: Path) -> tuple[int, int]:
    """How many deliveries are stored, and how many of them are acknowledged."""
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            query = text("SELECT count(*), count(acknowledged_at) FROM alert_delivery")
            stored, acknowledged = connection.execute(query).one()
            return int(stored), int(acknowledged)
    finally:
        engine.dispose()


def test_sigterm_at_random_moments_stops_within_the_bound_with_nothing_lost(
    tmp_path: Path, processes: list[Serve]
) -> None:
    seed = random.randrange(1_000_000)
    rng = random.Random(seed)
    now = datetime.now(UTC)
    database = tmp_path / "slamon.db"
    fill(f"sqlite:///{database}", STORED, now)
    receiver = Receiver(delay=1.0).start()
    desk = PagedDesk().start()
    try:
        desk.records = [
            {"ticket_id": f"DESK-{n:03d}", "kind": "故障", "severity": "一般",
             "pool": "二云", "reported_at": (now - timedelta(hours=2)).isoformat(),
             "updated_at": (now - timedelta(minutes=20 - n)).isoformat()}
            for n in range(10)
        ]  # fmt: skip
        (tmp_path / "alerting.yaml").write_text(
            "channels:\n"
            f"  - {{name: hook, type: webhook, url: '{receiver.url}/hook', timeout: 3s}}\n",
            encoding="utf-8",
        )
        collectors_file(tmp_path, desk.url, now - timedelta(hours=3))
        env = service_env(
            tmp_path,
            f"sqlite:///{database}",
            SLAMON_EVALUATION_INTERVAL="1s",
            SLAMON_REPLAN_INTERVAL="1s",
        )
        token = create_token(env, tmp_path)
        stops: list[Stop] = []
        problems: list[str] = []
        for run in range(RUNS):
            serve = Serve(tmp_path, env)
            processes.append(serve.start(until="/healthz"))
            # New breaches and at-risk tickets: deliveries to make while the stop comes.
            at = datetime.now(UTC)
            tickets = [
                major_fault(f"R{run}-LATE-{n}", at - timedelta(minutes=31)) for n in range(3)
            ]
            tickets += [
                major_fault(f"R{run}-RISK-{n}", at - timedelta(minutes=29)) for n in range(2)
            ]
            if rng.random() < 0.5:
                assert serve.post_tickets(token, tickets).status_code == 200
                stops.append(stop_after(serve, rng.uniform(0, 4), run))
            else:  # the stop may come while the start-up evaluation still runs
                stops.append(stop_after(serve, rng.uniform(0, 1.5), run))
            problems += [f"run {run}: {problem}" for problem in database_problems(database)]

        # One last run, left to finish: everything stored is delivered, each alert once.
        serve = Serve(tmp_path, env)
        processes.append(serve.start(timeout=120))  # its start-up evaluation, on a busy machine

        # The at-risk tickets of the last runs breach meanwhile: new deliveries to wait for.
        def settled() -> bool:
            stored, acknowledged = deliveries(database)
            return stored == acknowledged == len(receiver.received)

        delivered = wait_until(settled, timeout=90)
        stops.append(stop_after(serve, 0, RUNS))
    finally:
        receiver.stop()
        desk.stop()

    late = [stop for stop in stops if stop.seconds is None or stop.seconds > STOP_BOUND]
    failed = [stop for stop in stops if stop.code != 0]
    counts = Counter(receiver.stages())
    twice = {stage: count for stage, count in counts.items() if count > 1}
    print(f"seed {seed}; stop times:", [(s.run, round(s.delay, 2), s.seconds) for s in stops])
    assert not late, f"seed {seed}: not stopped within {STOP_BOUND} s: {late}"
    assert not failed, f"seed {seed}: exit codes: {failed}"
    assert not problems, f"seed {seed}: {problems}"
    assert not twice, f"seed {seed}: sent more than once: {twice}"
    stored, acknowledged = deliveries(database)
    assert delivered, f"seed {seed}: {len(counts)} alerts received, {acknowledged} of {stored} sent"
    assert len(counts) == stored == acknowledged


class DatabaseProxy:
    """TCP on loopback to a database server, until cut: then it either refuses (closes every
    connection and accepts none) or stays silent (keeps them open and forwards nothing)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.mode = "forward"
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()

    def start(self) -> DatabaseProxy:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                client.close()
                continue
            with self.lock:
                self.sockets.append(client)
            if self.mode == "silent":
                continue  # held open, never answered
            server = socket.create_connection(self.upstream)
            with self.lock:
                self.sockets.append(server)
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                if self.mode != "forward":
                    continue  # silent: swallowed
                sink.sendall(data)
        except OSError:
            pass

    def cut(self, mode: str) -> None:
        self.mode = mode
        if mode == "refuse":
            with self.lock:
                for connection in self.sockets:
                    # shutdown first: a bare close leaves the connection open while a pump
                    # thread is still reading it.
                    with contextlib.suppress(OSError):
                        connection.shutdown(socket.SHUT_RDWR)
                    connection.close()
                self.sockets.clear()

    def stop(self) -> None:
        self.listener.close()
        self.cut("refuse")


@pytest.mark.postgres
@pytest.mark.parametrize("gone", ["refuse", "silent"])
def test_sigterm_with_the_database_gone_stops_within_the_bound_and_loses_nothing(
    tmp_path: Path, postgres_engine: Engine, receiver: Receiver, processes: list[Serve], gone: str
) -> None:
    url = postgres_engine.url
    proxy = DatabaseProxy((url.host or "127.0.0.1", url.port or 5432)).start()
    try:
        # A claim made just before the database went silent stays until its lease runs out.
        (tmp_path / "alerting.yaml").write_text(
            "delivery: {initial_backoff: 1s, max_backoff: 2s, lease: 15s}\n"
            "channels:\n"
            f"  - {{name: hook, type: webhook, url: '{receiver.url}/hook', timeout: 5s}}\n",
            encoding="utf-8",
        )
        through_proxy = url.set(host="127.0.0.1", port=proxy.port)
        env = service_env(
            tmp_path,
            through_proxy.render_as_string(hide_password=False),
            SLAMON_EVALUATION_INTERVAL="1s",
            SLAMON_REPLAN_INTERVAL="1s",
        )
        token = create_token(env, tmp_path)
        serve = Serve(tmp_path, env)
        processes.append(serve.start(timeout=120))  # its start-up evaluation, on a busy machine
        at = datetime.now(UTC)
        tickets = [major_fault(f"LATE-{n}", at - timedelta(minutes=31)) for n in range(3)]
        assert serve.post_tickets(token, tickets).status_code == 200
        proxy.cut(gone)
        time.sleep(2)  # the jobs now fail (refused) or wait for an answer (silent)
        stop = stop_after(serve, 0, 0)
    finally:
        proxy.stop()
    print(f"database {gone}: stopped in {stop.seconds} s")
    assert stop.seconds is not None and stop.seconds <= STOP_BOUND + 0.5, serve.log()[-3000:]
    assert stop.code == 0

    # The database is back: the next start sends what the stopped one could not, each once.
    direct = service_env(tmp_path, url.render_as_string(hide_password=False))
    again = Serve(tmp_path, direct)
    processes.append(again.start())
    assert wait_until(lambda: len(receiver.received) >= 3, timeout=40), again.log()[-3000:]
    time.sleep(2)
    expected = [("breached", f"LATE-{n}", "major.arrival") for n in range(3)]
    if gone == "refuse":
        assert sorted(receiver.stages()) == expected
    else:
        # A send answered just as the database fell silent cannot be marked sent: the next
        # start sends it again once its lease runs out (at least once, never lost).
        assert sorted(set(receiver.stages())) == expected
        assert len(receiver.stages()) <= 2 * len(expected)
    assert again.terminate() == 0
