"""PostgreSQL restarted under `slamon serve`: the service reconnects and no alert is lost.

The test runs its own throw-away PostgreSQL (initdb into a temporary directory, a free loopback
port, trust authentication; as the postgres user when run as root) — never the shared server.
A major fault's 30-minute arrival deadline falls while that server is down: the timer fires,
its evaluation fails and is retried (after 1 s, doubling, at most 10 s — the log says so), and
the breach alert must still leave once the server is back, exactly once, before anything else
touches the service. The periodic re-planning (SLAMON_REPLAN_INTERVAL) is set to 10 minutes
here, so only the timer's own retry can have sent it. A ticket posted afterwards is stored and
alerted as usual.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests

from tests.serving import (
    Receiver,
    Serve,
    create_token,
    free_port,
    major_fault,
    service_env,
    wait_until,
    webhook_alerting,
)

pytestmark = pytest.mark.slow


class ThrowAwayPostgres:
    """One PostgreSQL cluster of our own: its data, socket and log in one temporary folder."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="slamon-pg-"))
        self.data = self.directory / "data"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        # initdb refuses to run as root: the cluster then belongs to the postgres user.
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_user:
            shutil.chown(self.directory, user="postgres", group="postgres")

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self.as_user, *args], capture_output=True, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}\n{self.log()}")

    def log(self) -> str:
        log = self.directory / "postgres.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""

    def init(self) -> None:
        self._run(
            str(self.bin_dir / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-o", options,
            "-l", str(self.directory / "postgres.log"), "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            subprocess.run(
                [*self.as_user, str(self.bin_dir / "pg_ctl"), "-D", str(self.data),
                 "-m", "immediate", "-w", "stop"],
                capture_output=True, timeout=60,
            )  # fmt: skip
        shutil.rmtree(self.directory, ignore_errors=True)


@pytest.fixture
def postgres() -> Iterator[ThrowAwayPostgres]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        pytest.skip("no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb)")
    server = ThrowAwayPostgres(Path(found[-1]).parent)
    try:
        server.init()
        server.start()
        yield server
    finally:
        server.remove()


def test_a_breach_due_while_postgres_is_down_is_alerted_once_after_it_comes_back(
    tmp_path: Path, postgres: ThrowAwayPostgres, receiver: Receiver, processes: list[Serve]
) -> None:
    webhook_alerting(tmp_path, receiver.url, backoff="0.5s", cap="1s")
    env = service_env(tmp_path, postgres.url, SLAMON_REPLAN_INTERVAL="10m")
    token = create_token(env, tmp_path)
    serve = Serve(tmp_path, env)
    processes.append(serve.start())

    deadline = datetime.now(UTC) + timedelta(seconds=9)
    answer = serve.post_tickets(token, [major_fault("INC-1", deadline - timedelta(minutes=30))])
    assert answer.status_code == 200, answer.text
    assert wait_until(lambda: receiver.stages(), timeout=10)  # at risk at once
    assert time.time() < deadline.timestamp() - 4, "the test machine is too slow to go on"

    postgres.stop()
    # Past the deadline: the timer has fired against a database that is not there.
    time.sleep(max(0.0, deadline.timestamp() - time.time()) + 3)
    assert receiver.stages() == [("at_risk", "INC-1", "major.arrival")]
    assert requests.get(f"{serve.url}/readyz", timeout=10).status_code == 503
    postgres.start()

    assert wait_until(lambda: len(receiver.received) >= 2, timeout=30), serve.log()[-3000:]
    retried = [line for line in serve.log().splitlines() if "timer evaluation failed (" in line]
    assert retried and "(1 in a row); retrying in 1 s" in retried[0], serve.log()[-3000:]
    assert wait_until(lambda: requests.get(f"{serve.url}/readyz", timeout=10).ok, timeout=10)
    later = datetime.now(UTC) - timedelta(minutes=29)
    answer = serve.post_tickets(token, [major_fault("INC-2", later)])
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"] == 1
    assert wait_until(lambda: len(receiver.received) >= 3, timeout=10)
    time.sleep(2)  # anything sent twice would have arrived by now
    assert receiver.stages() == [
        ("at_risk", "INC-1", "major.arrival"),
        ("breached", "INC-1", "major.arrival"),
        ("at_risk", "INC-2", "major.arrival"),
    ]
    assert serve.terminate() == 0
