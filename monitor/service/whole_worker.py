"""Whole evaluations in a process of their own, at a lower CPU priority (PostgreSQL).

A whole evaluation is seconds to minutes of Python work. In the service's process it holds the
interpreter lock most of that time, and every request thread waits for the lock again after
each of its round trips to the database: with 50 clients posting batches, answers took 0.73 s
at p99 during whole evaluations against 0.54 without; with the worker, 0.54–0.67 s
(bench/bench_ingest.py, BENCHMARKS.md). In a process of its own it runs on the other core, and
niced, on what the service leaves of the machine.

The evaluation lock is PostgreSQL's advisory lock, held across processes (monitor.service.locks),
so the worker's chunks and the service's ingest and timer evaluations still take turns. On
SQLite the lock is a thread lock, and whole evaluations stay in the service's process.

The worker is spawned, not forked (a fork of a process with threads would inherit locks those
threads hold), once, and kept for the next runs. It ignores SIGINT and SIGTERM: a stop reaches
it as the service's, through an event it reads between chunks, and it ends when the service's
process does, whatever way that ends, its chunk under way rolled back with its connection.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.service.live import LiveEvaluator, WholeRun
from monitor.service.locks import Locks
from monitor.service.logs import configure_logging

NICENESS = 10  # added to the service's: the API and its database work come first
_POLL_SECONDS = 0.1  # how often a waiting service looks at its stop and the worker at its parent

log = logging.getLogger(__name__)


class WholeEvaluationFailed(RuntimeError):
    """The worker's evaluation failed with an error that cannot be passed back whole, or the
    worker ended during it."""


class ProcessWorker:
    """`run(stopping)` is LiveEvaluator.whole in the worker process, started at the first
    run (and again after a worker that ended); `close()` ends it."""

    def __init__(
        self,
        database_url: str,
        contracts: ContractSet,
        alerting: AlertingConfig,
        log_level: str,
    ) -> None:
        self._args = (database_url, contracts, alerting, log_level)
        self._context = multiprocessing.get_context("spawn")
        self._stop = self._context.Event()
        self._lock = threading.Lock()
        self._process: Any = None
        self._pipe: Connection | None = None

    def run(self, stopping: Callable[[], bool]) -> WholeRun | None:
        with self._lock:
            pipe = self._started()
            pipe.send("whole")
            while not pipe.poll(_POLL_SECONDS):
                if stopping():
                    self._stop.set()
                if not self._process.is_alive():
                    raise self._ended()
            try:
                outcome, value = pipe.recv()
            except (EOFError, OSError):  # it died between its last word and its answer
                raise self._ended() from None
        if outcome == "failed":
            raise value
        result: WholeRun | None = value
        return result

    def close(self, timeout: float = 5.0) -> None:
        """Tell the worker to stop after its chunk under way, and end it within `timeout`:
        a run that does not end by then (its database silent) has its worker killed."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        process = self._process
        if self._lock.acquire(timeout=timeout):  # a run under way ends after its chunk
            try:
                process = self._process
                self._discard(join=max(0.0, deadline - time.monotonic()))
            finally:
                self._lock.release()
        if process is not None and process.is_alive():
            process.kill()

    def _started(self) -> Connection:
        if self._process is not None and self._process.is_alive() and self._pipe is not None:
            return self._pipe
        self._discard()
        ours, theirs = self._context.Pipe()
        process = self._context.Process(
            target=_work,
            args=(theirs, self._stop, os.getpid(), *self._args),
            name="slamon-whole-evaluation",
            daemon=True,
        )
        process.start()
        theirs.close()
        self._process, self._pipe = process, ours
        return ours

    def _ended(self) -> WholeEvaluationFailed:
        """The worker ended during a run (killed, or out of memory): the failure to report,
        with its exit code, once it is discarded."""
        self._process.join(1.0)
        code = self._process.exitcode
        self._discard()
        return WholeEvaluationFailed(
            f"评估进程意外退出（退出码 {code}） the evaluation process ended "
            f"during the evaluation (exit code {code})"
        )

    def _discard(self, join: float = 0.0) -> None:
        if self._pipe is not None:
            self._pipe.close()  # the worker's next read ends it
        if self._process is not None and join:
            self._process.join(join)
        self._process = self._pipe = None


def _work(
    pipe: Connection,
    stop: Any,
    parent: int,
    database_url: str,
    contracts: ContractSet,
    alerting: AlertingConfig,
    log_level: str,
) -> None:
    """The worker process: each request on `pipe` a whole evaluation, answered with
    ("done", WholeRun | None) or ("failed", the error)."""
    for stop_signal in (signal.SIGINT, signal.SIGTERM):
        signal.signal(stop_signal, signal.SIG_IGN)
    _end_with(parent)
    os.nice(NICENESS)
    configure_logging(log_level)
    from monitor.storage.db import make_engine  # after the niceness: the imports take a second

    engine = make_engine(database_url)
    live = LiveEvaluator(engine, contracts, alerting, Locks(engine))
    while True:
        try:
            pipe.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[str, Any] = ("done", live.whole(stop.is_set))
        except Exception as error:
            log.exception("whole evaluation failed")
            answer = ("failed", _passable(error))
        try:
            pipe.send(answer)
        except (BrokenPipeError, OSError):
            return


def _passable(error: Exception) -> Exception:
    """`error` if it survives pickling (the service reads a lost connection or a full disk
    from its type), else its words."""
    try:
        pickle.loads(pickle.dumps(error))
    except Exception:
        return WholeEvaluationFailed(f"{type(error).__name__}: {error}")
    return error


def _end_with(parent: int) -> None:
    """Exit as soon as the process `parent` is gone (a SIGKILL, the stop's watchdog)."""

    def watch() -> None:
        while os.getppid() == parent:
            threading.Event().wait(_POLL_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
