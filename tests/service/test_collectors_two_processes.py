"""Two `slamon serve` processes on one PostgreSQL share the metric collectors by lease, and the
share of one that is killed (SIGKILL, in the middle of a run) is taken over by the other
within a lease period, from the stored watermark, every sample counted once.

Both read a real VictoriaMetrics holding the last hours' samples. The first process reads it
through a loopback proxy that stops answering vm-a's second chunk, so that process is killed
while it holds vm-a's lease with one hour of vm-a stored."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import Engine, select

from monitor.storage.rollups import rollup_sums
from monitor.storage.tables import CollectorRunRow, CollectorStateRow
from tests.collectors.test_victoriametrics_integration import VictoriaMetrics
from tests.serving import Serve, service_env, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

LEASE = timedelta(seconds=30)
INTERVAL = timedelta(seconds=1)
MINUTE = timedelta(minutes=1)
# Three hours of samples ending an hour ago: the first chunk of an hour and two more after it.
T0 = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=4)
HOURS = 3
DOWN = (T0 + timedelta(minutes=70), T0 + timedelta(minutes=90))  # vm-b: 20 minutes down
GAP = (T0 + timedelta(minutes=100), T0 + timedelta(minutes=130))  # vm-c: 30 minutes unscraped
EXPECTED = {"vm-a": (180, 180.0), "vm-b": (180, 160.0), "vm-c": (150, 150.0)}
STATE = CollectorStateRow.__table__  # type: ignore[attr-defined]
RUNS = CollectorRunRow.__table__  # type: ignore[attr-defined]


def samples() -> Iterator[str]:
    for vm in EXPECTED:
        moment = T0
        while moment < T0 + timedelta(hours=HOURS):
            value = 0 if vm == "vm-b" and DOWN[0] <= moment < DOWN[1] else 1
            if not (vm == "vm-c" and GAP[0] <= moment < GAP[1]):
                labels = f'{{job="vm",instance="{vm}",pool="一云"}}'
                yield f"up{labels} {value} {int(moment.timestamp() * 1000)}"
            moment += MINUTE


@pytest.fixture
def victoria(tmp_path: Path) -> Iterator[VictoriaMetrics]:
    server = VictoriaMetrics(tmp_path)
    server.start()
    try:
        body = ("\n".join(samples()) + "\n").encode("utf-8")
        answer = requests.post(f"{server.url}/api/v1/import/prometheus", data=body, timeout=60)
        assert answer.status_code == 204, answer.text
        requests.get(f"{server.url}/internal/force_flush", timeout=30).raise_for_status()
        yield server
    finally:
        server.stop()


class StallingProxy(BaseHTTPRequestHandler):
    """Passes every query on to VictoriaMetrics but vm-a's second, which it holds unanswered
    until `release` is set (the process that asked is killed meanwhile)."""

    target: ClassVar[str] = ""
    answered_vm_a: ClassVar[int] = 0
    stalled: ClassVar[threading.Event] = threading.Event()
    release: ClassVar[threading.Event] = threading.Event()

    def do_GET(self) -> None:
        query = " ".join(parse_qs(urlsplit(self.path).query).get("query", []))
        if 'instance="vm-a"' in query:
            if StallingProxy.answered_vm_a >= 1:
                StallingProxy.stalled.set()
                StallingProxy.release.wait(timeout=300)
                with contextlib.suppress(OSError):  # the process that asked is gone
                    self.send_error(503, "released")
                return
            StallingProxy.answered_vm_a += 1
        answer = requests.get(self.target + self.path, timeout=30)
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def proxy(victoria: VictoriaMetrics) -> Iterator[str]:
    StallingProxy.target = victoria.url
    StallingProxy.answered_vm_a = 0
    StallingProxy.stalled = threading.Event()
    StallingProxy.release = threading.Event()
    server = ThreadingHTTPServer(("127.0.0.1", 0), StallingProxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        StallingProxy.release.set()
        server.shutdown()
        server.server_close()


def instance(workdir: Path, database_url: str, store_url: str) -> Serve:
    """A `slamon serve` whose collectors file names the three vms' collectors at `store_url`."""
    workdir.mkdir()
    entries = "".join(
        f"  - name: up_{vm}\n"
        f"    url: {store_url}\n"
        "    store: victoriametrics\n"
        "    metric: availability\n"
        f'    query: \'up{{job="vm",instance="{vm}"}}\'\n'
        "    pool_label: pool\n"
        "    resource_class: vm\n"
        f"    start: {T0.isoformat()}\n"
        "    chunk: 1h\n"
        f"    interval: {INTERVAL.total_seconds():g}s\n"
        f"    lease: {LEASE.total_seconds():g}s\n"
        "    timeout: 5m\n"  # the held request stays held: the process is killed in it
        "    retries: 0\n"
        for vm in EXPECTED
    )
    (workdir / "collectors.yaml").write_text("prometheus:\n" + entries, encoding="utf-8")
    (workdir / "alerting.yaml").write_text("channels: []\n", encoding="utf-8")
    env = service_env(workdir, database_url, SLAMON_EVALUATION_INTERVAL="24h")
    return Serve(workdir, env)


def state(engine: Engine, name: str) -> Any:
    with engine.connect() as connection:
        return connection.execute(select(STATE).where(STATE.c.name == name)).one()


def runs(engine: Engine, name: str) -> list[Any]:
    """The runs of collector `name` recorded so far (a run records itself when it ends)."""
    with engine.connect() as connection:
        query = select(RUNS).where(RUNS.c.name == name).order_by(RUNS.c.id)
        return list(connection.execute(query).all())


def stored(engine: Engine) -> dict[str, tuple[int, float]]:
    sums = rollup_sums(engine, "availability", T0, T0 + timedelta(hours=HOURS))
    return {name: (counts.samples, counts.total) for name, counts in sums.items()}


def test_a_killed_instances_collector_is_taken_over_within_a_lease_period_counted_once(
    tmp_path: Path,
    postgres_engine: Engine,
    victoria: VictoriaMetrics,
    proxy: str,
    processes: list[Serve],
) -> None:
    url = postgres_engine.url.render_as_string(hide_password=False)
    first = instance(tmp_path / "first", url, proxy)
    processes.append(first.start(until="/healthz"))
    assert StallingProxy.stalled.wait(timeout=60), first.log()[-3000:]
    held = state(postgres_engine, "up_vm-a")
    assert held.watermark.astimezone(UTC) == T0 + timedelta(hours=1)
    lease_ends = held.claimed_until.astimezone(UTC)

    second = instance(tmp_path / "second", url, victoria.url)
    processes.append(second.start(until="/healthz"))
    time.sleep(3 * INTERVAL.total_seconds())  # a few of the second's runs of vm-a, held off
    still = state(postgres_engine, "up_vm-a")
    assert datetime.now(UTC) < lease_ends, "the second started too slowly for this lease"
    assert (still.watermark, still.lease_token) == (held.watermark, held.lease_token)

    killed_at = datetime.now(UTC)
    first.kill()
    # The dead process's lease runs out; the second's next run of vm-a takes it over.
    assert wait_until(
        lambda: runs(postgres_engine, "up_vm-a"), timeout=LEASE.total_seconds() + 30
    ), second.log()[-3000:]
    # The first process was killed before it recorded its run; every run recorded is the
    # second's, and the first of them is the takeover, from the first's watermark.
    taken = runs(postgres_engine, "up_vm-a")[0]
    assert (taken.range_from.astimezone(UTC), taken.error) == (T0 + timedelta(hours=1), None)
    taken_at = taken.started_at.astimezone(UTC)
    # Taken over at the second's first run after the lease ran out (a run every INTERVAL, late
    # by a few seconds on a busy machine), and that lease ended within LEASE of the kill.
    assert lease_ends <= killed_at + LEASE
    late = INTERVAL + timedelta(seconds=10)
    assert lease_ends <= taken_at <= lease_ends + late, (killed_at, lease_ends, taken_at)
    assert taken.samples == 120  # vm-a's last two hours; the first hour was the first's
    assert stored(postgres_engine) == EXPECTED
