"""On PostgreSQL `slamon serve` runs its whole evaluations in a spawned worker process at a
lower CPU priority (monitor/service/whole_worker.py): the worker is seen in /proc as the
service's child, niced; a SIGTERM while it evaluates stops both within the bound; a worker
killed mid-run is a failed whole evaluation, told by /readyz, and the next run starts a new
worker; a service killed outright takes its worker with it.

The service has 20,000 stored tickets and evaluates them whole every second, so that the
worker is busy for seconds at a time.
"""

from __future__ import annotations

import os
import signal
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, text

from tests.service.test_serve_stop import STOP_BOUND, fill
from tests.serving import Serve, service_env, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

STORED = 20_000


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command's name (field 3 on), None once gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()
    except (OSError, IndexError):
        return None


def _alive(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def ended(pid: int, timeout: float) -> bool:
    return bool(wait_until(lambda: not _alive(pid), timeout=timeout))


def worker_of(serve: Serve) -> int | None:
    """The pid of the service's whole-evaluation worker: its child started by
    multiprocessing's spawn (the other child, if any, is multiprocessing's resource tracker)."""
    assert serve.process is not None
    parent = str(serve.process.pid)
    for folder in Path("/proc").glob("[0-9]*"):
        stat = _stat(int(folder.name))
        if stat is None or stat[1] != parent or stat[0] == "Z":
            continue
        try:
            command = (folder / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if any(b"spawn_main" in part for part in command):
            return int(folder.name)
    return None


def cpu_ticks(pid: int) -> int:
    stat = _stat(pid)
    return 0 if stat is None else int(stat[11]) + int(stat[12])  # utime, stime


def niceness(pid: int) -> int:
    stat = _stat(pid)
    assert stat is not None
    return int(stat[16])


def busy_worker(serve: Serve, timeout: float = 60) -> int | None:
    """The worker's pid once it is seen evaluating (its CPU time grows over a quarter of a
    second: between runs it waits on its pipe)."""

    def evaluating() -> int | None:
        pid = worker_of(serve)
        if pid is None:
            return None
        before = cpu_ticks(pid)
        time.sleep(0.25)
        return pid if cpu_ticks(pid) > before else None

    found: int | None = wait_until(evaluating, timeout=timeout, step=0.05)
    return found


def runs(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("SELECT count(*) FROM evaluation_run")).scalar_one())


@pytest.fixture
def busy_env(tmp_path: Path, postgres_engine: Engine) -> dict[str, str]:
    url = postgres_engine.url.render_as_string(hide_password=False)
    fill(url, STORED, datetime.now(UTC))
    (tmp_path / "alerting.yaml").write_text("channels: []\n", encoding="utf-8")
    return service_env(tmp_path, url, SLAMON_EVALUATION_INTERVAL="1s")


def test_whole_evaluations_run_in_a_niced_process_of_their_own(
    tmp_path: Path, postgres_engine: Engine, busy_env: dict[str, str], processes: list[Serve]
) -> None:
    serve = Serve(tmp_path, busy_env)
    processes.append(serve.start(timeout=120))
    assert serve.process is not None
    worker = busy_worker(serve)
    assert worker is not None, serve.log()[-3000:]
    assert niceness(worker) == niceness(serve.process.pid) + 10
    recorded = runs(postgres_engine)
    assert recorded >= 1  # the start-up evaluation, done by the worker
    assert wait_until(lambda: runs(postgres_engine) > recorded, timeout=60), serve.log()[-3000:]
    assert worker_of(serve) == worker  # one worker, kept for the next runs
    assert serve.terminate() == 0
    assert ended(worker, timeout=5)


def test_sigterm_while_the_worker_evaluates_stops_both_within_the_bound(
    tmp_path: Path, busy_env: dict[str, str], processes: list[Serve]
) -> None:
    for _run in range(3):
        serve = Serve(tmp_path, busy_env)
        processes.append(serve.start(timeout=120))
        worker = busy_worker(serve)
        assert worker is not None, serve.log()[-3000:]
        assert serve.process is not None
        sent = time.monotonic()
        code = serve.terminate(timeout=STOP_BOUND + 10)
        seconds = time.monotonic() - sent
        assert code == 0, serve.log()[-3000:]
        assert seconds <= STOP_BOUND, f"stopped in {seconds:.1f} s"
        assert ended(worker, timeout=5), "the worker outlived the stop"


def test_a_worker_killed_mid_run_fails_that_run_and_the_next_run_starts_a_new_one(
    tmp_path: Path, postgres_engine: Engine, busy_env: dict[str, str], processes: list[Serve]
) -> None:
    serve = Serve(tmp_path, busy_env)
    processes.append(serve.start(timeout=120))
    worker = busy_worker(serve)
    assert worker is not None, serve.log()[-3000:]
    os.kill(worker, signal.SIGKILL)
    killed_at = runs(postgres_engine)

    def readiness() -> tuple[int, str]:
        answer = requests.get(f"{serve.url}/readyz", timeout=5)
        return answer.status_code, answer.text

    failing = wait_until(lambda: (r := readiness())[0] == 503 and r, timeout=10, step=0.05)
    assert failing, "/readyz stayed ready after the worker died mid-run"
    assert "评估进程意外退出" in failing[1], failing[1]
    # The next run's worker is a new one; it may be spawned a moment after the failed run
    # is recorded, so it is waited for.
    assert wait_until(lambda: runs(postgres_engine) > killed_at, timeout=90), serve.log()[-3000:]
    replaced = wait_until(lambda: (w := worker_of(serve)) not in (None, worker) and w, timeout=60)
    assert replaced, serve.log()[-3000:]
    assert wait_until(lambda: readiness()[0] == 200, timeout=30), readiness()
    assert "evaluation process ended during the evaluation" in serve.log()
    assert serve.terminate() == 0


def test_a_service_killed_outright_takes_its_worker_with_it(
    tmp_path: Path, busy_env: dict[str, str], processes: list[Serve]
) -> None:
    serve = Serve(tmp_path, busy_env)
    processes.append(serve.start(timeout=120))
    worker = busy_worker(serve)
    assert worker is not None, serve.log()[-3000:]
    serve.kill()
    assert ended(worker, timeout=5), "the worker outlived its service"
