"""The service's clockwork on APScheduler: exact timers, whole evaluations, the outbox, collectors.

Timers: one "wake" job at the earliest at-risk moment or deadline of any running clock, re-planned
after every evaluation and ingest and every `replan_interval` from the database. Nothing about a
timer lives only in memory: after a restart (even SIGKILL) the first whole evaluation catches
up with what passed meanwhile, and the plan is read back from the stored results.

On PostgreSQL a "partitions" job keeps the monthly partitions (monitor.service.partition_upkeep)
every SLAMON_PARTITION_UPKEEP_INTERVAL, the first at start.

/metrics' snapshot of the stored aggregates is asked to refresh after every evaluation and
ingest that stored something (and refreshes every SLAMON_METRICS_REFRESH on its own, for
another process's writes).

A stop (SIGTERM) sets `stopping` at once: no job starts or plans a timer from then on, a whole
evaluation ends after the chunk under way, the outbox after the send under way; `shutdown`
waits for the jobs still running up to SLAMON_STOP_TIMEOUT after the stop was asked for.
Every chunk, delivery and collection stores in its own transaction, so a job cut short by the
process ending leaves nothing half written; the next start catches up.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from monitor import clock
from monitor.alerting.outbox import Dispatcher
from monitor.runs.evaluate import Evaluation
from monitor.service.collector_jobs import CollectorJob, CollectorOutcome
from monitor.service.grouped import GroupedRuns
from monitor.service.live import CHUNK, LiveEvaluator
from monitor.service.locks import Locks
from monitor.service.metrics_refresh import MetricsRefresher
from monitor.service.partition_upkeep import PartitionUpkeep
from monitor.service.running import RunningJobs, wind_down_time
from monitor.settings import ServiceSettings
from monitor.storage.collector_state import record_collector_run
from monitor.storage.live import next_moment, ticket_pks_for

log = logging.getLogger(__name__)
# A deadline is breached strictly after it: wake just past the stored moment.
_PAST = timedelta(milliseconds=1)
# A failed timer or whole evaluation (the database is down …) is tried again this soon,
# doubling per failure up to the cap.
RETRY_FIRST = timedelta(seconds=1)
RETRY_CAP = timedelta(seconds=10)
_JOB_DEFAULTS = {"coalesce": True, "max_instances": 1, "misfire_grace_time": None}


class ServiceScheduler:
    def __init__(
        self,
        live: LiveEvaluator,
        dispatcher: Dispatcher,
        collectors: Sequence[CollectorJob],
        locks: Locks,
        settings: ServiceSettings,
        now: Callable[[], datetime] = clock.now,
        metrics: MetricsRefresher | None = None,
        stopping: threading.Event | None = None,
        partitions: PartitionUpkeep | None = None,
    ) -> None:
        self.live = live
        self.partitions = partitions
        self.metrics = metrics
        self.dispatcher = dispatcher
        self.collectors = {job.name: job for job in collectors}
        self.locks = locks
        self.settings = settings
        self.now = now
        self.failures: dict[str, int] = {}  # collectors' failed runs in a row
        self.retries: dict[str, int] = {}  # failed "wake" / "evaluate" runs in a row
        # Each _succeeded job's error while it keeps failing (/readyz says why).
        self.last_errors: dict[str, BaseException] = {}
        self.next_wake: datetime | None = None
        self.caught_up = threading.Event()  # the start-up evaluation has run
        self._plan_lock = threading.Lock()
        self.stopping = stopping or threading.Event()  # shared with the dispatcher
        self.jobs = RunningJobs()
        # Concurrent API batches share one evaluation (monitor.service.grouped).
        self.ingests = GroupedRuns(self.after_ingest)
        self._stop_asked: float | None = None  # time.monotonic() of the stop request
        self.scheduler = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(4 + len(self.collectors))},
            job_defaults=_JOB_DEFAULTS,
        )

    @property
    def running(self) -> bool:
        return bool(self.scheduler.running)

    def start(self) -> None:
        every = self.settings
        upkeep = self.partitions is not None and self.live.engine.dialect.name == "postgresql"
        if upkeep:
            # Before any writer starts: a month's partition attached while a statement is
            # routing rows to the DEFAULT partition fails that statement (PostgreSQL checks
            # the row against the DEFAULT's new bounds), so the current month and those
            # ahead exist before the first evaluation writes its changes.
            self.keep_partitions()
        now = self.now()
        self.scheduler.add_job(
            self._job("evaluate", self.evaluate_all), "interval", id="evaluate",
            next_run_time=now, seconds=every.evaluation_interval.total_seconds(),
        )  # fmt: skip
        self.scheduler.add_job(
            self._job("replan", self.replan), "interval", id="replan",
            seconds=every.replan_interval.total_seconds(),
        )  # fmt: skip
        self.scheduler.add_job(
            self._job("outbox", self.send_alerts), "interval", id="outbox", next_run_time=now,
            seconds=every.outbox_interval.total_seconds(),
        )  # fmt: skip
        if upkeep:
            self.scheduler.add_job(
                self._job("partitions", self.keep_partitions), "interval", id="partitions",
                seconds=every.partition_upkeep_interval.total_seconds(),
            )  # fmt: skip
        for job in self.collectors.values():
            name = f"collector:{job.name}"
            self.scheduler.add_job(
                self._job(name, self.collect), "interval", args=[job.name], id=name,
                next_run_time=now, seconds=job.interval.total_seconds(),
            )  # fmt: skip
        self.scheduler.start()
        if self.metrics is not None:
            self.metrics.start()
            self.metrics.request()  # the first snapshot before the first scrape asks for it

    def request_stop(self) -> None:
        """A stop was asked for: what runs winds down, nothing new starts or is planned."""
        if self._stop_asked is None:
            self._stop_asked = time.monotonic()
        self.stopping.set()

    def shutdown(self) -> list[str]:
        """Stop, waiting for running jobs until SLAMON_STOP_TIMEOUT (less the time to exit)
        after the stop was asked for; the jobs still running then, which the process abandons."""
        self.request_stop()
        assert self._stop_asked is not None
        until = self._stop_asked + wind_down_time(self.settings.stop_timeout).total_seconds()
        if self.scheduler.running:
            # Not wait=True: APScheduler waits holding its job-store lock, which a running job
            # that re-plans or retries would wait for in turn, forever.
            self.scheduler.shutdown(wait=False)
        unfinished = self.jobs.wait(until)
        self.live.close(timeout=max(0.0, until - time.monotonic()))
        if self.metrics is not None:
            self.metrics.shutdown(timeout=max(0.0, until - time.monotonic()))
        if unfinished:
            log.warning("stopping without waiting longer for: %s", ", ".join(unfinished))
        return unfinished

    def _job(self, name: str, work: Callable[..., Any]) -> Callable[..., Any]:
        return self.jobs.tracked(name, work, self.stopping.is_set)

    def _planning(self) -> bool:
        """Whether timers and job runs may still be (re)scheduled: not once stopping."""
        return self.scheduler.running and not self.stopping.is_set()

    def refresh_metrics(self) -> None:
        """Something was stored: /metrics' snapshot should show it."""
        if self.metrics is not None:
            self.metrics.request()

    # --- evaluation and timers -------------------------------------------------------------

    def evaluate_all(self) -> None:
        def whole() -> None:
            self.live.evaluate_all(stopping=self.stopping.is_set)
            if not self.stopping.is_set():
                self.live.evaluate_obligations()

        if self._succeeded("whole evaluation", whole):
            self.retries.pop("evaluate", None)
        else:
            self._retry_soon("evaluate", "whole evaluation")
        self.caught_up.set()
        self.refresh_metrics()  # a whole evaluation records its run even if nothing changed
        self.replan()
        self.kick_outbox()

    def wake(self) -> None:
        def evaluate_due() -> None:
            if stored_anything(self.live.evaluate_due()):
                self.refresh_metrics()

        if not self._succeeded("timer evaluation", evaluate_due):
            # The database may be down: try again in a second or so, not at the next re-plan,
            # so that an alert is late by about the outage and no more.
            self._retry_soon("wake", "timer evaluation")
            return
        self.retries.pop("wake", None)
        self.replan()
        self.kick_outbox()

    def after_ingest(self, ticket_pks: Sequence[int]) -> Any:
        """New or changed tickets: evaluate them now, re-plan, send what that raised."""
        try:
            evaluation = self.live.evaluate_tickets(ticket_pks)
        finally:  # the tickets are stored whether or not their evaluation was
            if ticket_pks:
                self.refresh_metrics()
        self.replan()
        self.kick_outbox()
        return evaluation

    def evaluate_soon(self, ticket_pks: Sequence[int]) -> None:
        """`after_ingest` on a thread of its own, for a batch answered once stored: it joins
        the next grouped run; a stop skips it once asked for and waits for it like any job."""

        def evaluate() -> None:
            self._guarded("ingest evaluation", lambda: self.ingests.run(ticket_pks))

        job = self._job("ingest evaluation", evaluate)
        threading.Thread(target=job, name="ingest-evaluation", daemon=True).start()

    def replan(self) -> None:
        """Put the wake timer at the earliest moment a running clock turns."""
        if not self._planning():
            return
        with self._plan_lock:
            try:
                moment = next_moment(self.live.engine)
            except Exception:
                log.exception("re-planning failed")
                return  # keep the wake timer (or its retry) as it is
            self.next_wake = moment
            if not self._planning():
                return
            if moment is None:
                with contextlib.suppress(JobLookupError):  # it may have just fired
                    self.scheduler.remove_job("wake")
                return
            self.scheduler.add_job(
                self._job("wake", self.wake), "date", id="wake", replace_existing=True,
                run_date=max(moment + _PAST, self.now()),
            )  # fmt: skip

    def _retry_soon(self, job_id: str, what: str) -> None:
        """Run the failed job again after RETRY_FIRST, doubled per failure up to RETRY_CAP."""
        failures = self.retries[job_id] = self.retries.get(job_id, 0) + 1
        delay = min(RETRY_CAP, RETRY_FIRST * (1 << min(failures - 1, 30)))
        log.warning("%s failed (%d in a row); retrying in %g s", what, failures,
                    delay.total_seconds())  # fmt: skip
        if not self._planning():
            return
        run_date = self.now() + delay
        if job_id == "wake":
            with self._plan_lock:
                self.scheduler.add_job(
                    self._job("wake", self.wake), "date", id="wake", replace_existing=True,
                    run_date=run_date,
                )  # fmt: skip
        else:
            self.scheduler.modify_job(job_id, next_run_time=run_date)

    # --- the outbox ----------------------------------------------------------------------------

    def send_alerts(self) -> None:
        self._guarded("alert delivery", self.dispatcher.run_until_idle)

    def kick_outbox(self) -> None:
        if self._planning() and self.scheduler.get_job("outbox"):
            self.scheduler.modify_job("outbox", next_run_time=self.now())

    # --- partitions ----------------------------------------------------------------------------

    def keep_partitions(self) -> None:
        """Make the months ahead, split the DEFAULT partition, drop months past retention."""
        upkeep = self.partitions
        if upkeep is not None:
            self._guarded("partition upkeep", lambda: upkeep.run(self.now()))

    # --- collectors ----------------------------------------------------------------------------

    def collect(self, name: str) -> None:
        """Run one collector unless another process is running it; back off after failures."""
        job = self.collectors[name]
        named = f"collector:{name}"
        lock = contextlib.nullcontext(True) if job.leased else self.locks.attempt(named)
        with lock as held:
            if not held:
                return  # another `slamon serve` is collecting it right now
            now = self.now()
            try:
                outcome = job.run(now)
            except Exception as failure:  # a broken collector must not stop the others
                log.exception("collector %s failed", name)
                outcome = CollectorOutcome(f"{type(failure).__name__}: {failure}")
                self._record_crash(name, now, outcome.error or "")
        # Stored even by a run that failed later: evaluate them now (or soon, as a whole).
        if outcome.tickets and not self._succeeded(
            f"evaluating tickets from {name}", lambda: self.ingested(outcome)
        ):
            self._retry_soon("evaluate", "whole evaluation")
        if outcome.error is None:
            self.failures[name] = 0
            return
        failures = self.failures[name] = self.failures.get(name, 0) + 1
        if self._planning():
            retry = self.now() + job.retry_after(failures)
            self.scheduler.modify_job(f"collector:{name}", next_run_time=retry)

    def ingested(self, outcome: CollectorOutcome) -> None:
        """Like an API ingest, in chunks: a first sync of a large desk is not one locked run."""
        keys = outcome.tickets
        try:
            for offset in range(0, len(keys), CHUNK):
                if self.stopping.is_set():
                    break  # stored: the next start's whole evaluation catches up
                chunk = keys[offset : offset + CHUNK]
                self.live.evaluate_tickets(ticket_pks_for(self.live.engine, chunk))
        finally:  # the collector stored them whether or not their evaluation was
            if keys:
                self.refresh_metrics()
        self.replan()
        self.kick_outbox()

    def _record_crash(self, name: str, now: datetime, error: str) -> None:
        def record() -> None:
            with self.live.engine.begin() as connection:
                record_collector_run(
                    connection, name=name, started_at=now, range_from=now, samples=0, error=error
                )

        self._guarded("recording a collector failure", record)

    def _succeeded(self, what: str, work: Callable[[], Any]) -> bool:
        try:
            work()
        except Exception as error:
            log.exception("%s failed", what)
            self.last_errors[what] = error
            return False
        self.last_errors.pop(what, None)
        return True

    def _guarded(self, what: str, work: Callable[[], Any]) -> Any:
        """Jobs log their failures and carry on; the next run (or timer) tries again."""
        try:
            return work()
        except Exception:
            log.exception("%s failed", what)
            return None


def stored_anything(evaluation: Evaluation | None) -> bool:
    stored = evaluation.stored if evaluation is not None else None
    return stored is not None and bool(stored.inserted or stored.updated or stored.removed)
