"""Evaluations the service runs: whole, for the tickets due at a timer, or for new tickets.

One at a time (across processes on PostgreSQL), each reading the clock once, after it holds
the lock, so that a later run never stores an older view. Alerts are planned in the run's
storing transaction (monitor.alerting.hook). A whole evaluation whose results need a year the
working-day calendar does not know, or that runs within WARN_DAYS_BEFORE of the calendar's end,
logs one warning, at most once a day.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import Engine

from monitor import clock
from monitor.alerting.config import AlertingConfig
from monitor.alerting.hook import alert_hook
from monitor.alerting.obligation_hook import obligation_alert_hook
from monitor.contract.contract_set import ContractSet
from monitor.rules.calendar_gaps import calendar_ending_warning, calendar_warning, years_needed
from monitor.runs.evaluate import Evaluation, run_evaluation
from monitor.runs.obligations import evaluate_obligations
from monitor.service.locks import Locks
from monitor.storage.live import all_ticket_pks, due_ticket_pks
from monitor.storage.results import record_run

EVALUATION_LOCK = "evaluation"
CHUNK = 5000  # tickets per locked step of a whole evaluation
CALENDAR_WARNING_EVERY = timedelta(days=1)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WholeRun:
    """A whole evaluation done: when it began, and the calendar years its results needed
    that the calendar lacks (year → results)."""

    started: datetime
    unknown_years: dict[int, int]


class WholeWorker(Protocol):
    def run(self, stopping: Callable[[], bool]) -> WholeRun | None: ...

    def close(self, timeout: float) -> None: ...


def chunked(keys: list[int], size: int) -> Iterator[list[int]]:
    for offset in range(0, len(keys), size):
        yield keys[offset : offset + size]


class LiveEvaluator:
    def __init__(
        self,
        engine: Engine,
        contracts: ContractSet,
        alerting: AlertingConfig,
        locks: Locks,
        now: Callable[[], datetime] = clock.now,
        lang: str = "zh",
    ) -> None:
        self.engine = engine
        self.lang = lang  # of the warnings it logs: the language `slamon serve` was started in
        self.contracts = contracts
        self.contract = contracts.deployment
        self.calendar = contracts.primary.calendar
        self.alerting = alerting
        self.locks = locks
        self.now = now
        self.last_full: datetime | None = None
        self.worker: WholeWorker | None = None  # whole evaluations in a process of their own
        self._calendar_warned_at: datetime | None = None

    def _run(self, at: datetime, ticket_pks: Collection[int] | None) -> Evaluation:
        return run_evaluation(
            self.engine,
            self.contracts,
            at,
            ticket_pks=ticket_pks,
            on_stored=alert_hook(self.contract, self.alerting, at),
        )

    def evaluate_all(self, stopping: Callable[[], bool] = lambda: False) -> None:
        """Every ticket, in chunks (`whole`), in the worker process when there is one; then the
        calendar warning the results call for. Once `stopping()`, the chunks left are not
        evaluated and no run is recorded."""
        run = self.worker.run(stopping) if self.worker is not None else self.whole(stopping)
        if run is not None:
            self.last_full = run.started
            self._warn_about_calendar(run.unknown_years, run.started)

    def close(self, timeout: float) -> None:
        """End the worker process, if any, within `timeout` seconds."""
        if self.worker is not None:
            self.worker.close(timeout)

    def whole(self, stopping: Callable[[], bool] = lambda: False) -> WholeRun | None:
        """Every ticket, in chunks: the lock is free between them, so a timer due meanwhile
        waits for one chunk (a fraction of a second), not for the whole evaluation; None once
        `stopping()`, before the chunks left and the run's record."""
        started = self.now()
        tickets = results = violations = changes = uncovered = 0
        unknown_years: Counter[int] = Counter()
        for chunk in chunked(all_ticket_pks(self.engine), CHUNK):
            if stopping():
                return None
            with self.locks.hold(EVALUATION_LOCK):
                evaluation = self._run(self.now(), chunk)
            tickets += len(evaluation.tickets)
            results += len(evaluation.results)
            violations += sum(result.status.is_violation for result in evaluation.results)
            changes += evaluation.stored.changes if evaluation.stored else 0
            uncovered += len(evaluation.uncovered)
            unknown_years.update(
                years_needed(evaluation.results, self.calendar, self.contract.zone)
            )
        with self.engine.begin() as connection:
            record_run(
                connection,
                evaluated_at=started,
                ran_at=self.now(),
                contract=", ".join(j.contract.name for j in self.contracts)[:200],
                tickets=tickets,
                results=results,
                violations=violations,
                changes=changes,
                uncovered=uncovered,
            )
        return WholeRun(started, dict(sorted(unknown_years.items())))

    def evaluate_obligations(self) -> int:
        """Every obligation period (履约事项) as of now, stored for /metrics and the API, its
        at-risk and missed alerts planned in the same transaction: they are few, so each whole
        evaluation recomputes them all. The number stored.

        Under the evaluation lock: two processes replacing the stored periods at once would
        insert the same rows twice.
        """
        with self.locks.hold(EVALUATION_LOCK):
            at = self.now()
            hook = obligation_alert_hook(self.contract, self.alerting, at)
            clocks = evaluate_obligations(self.engine, self.contract, self.calendar, at, hook)
            return len(clocks)

    def _warn_about_calendar(self, unknown_years: dict[int, int], at: datetime) -> None:
        """Log that results need a year the calendar lacks, or that it ends soon; once a day."""
        warnings = [
            calendar_warning(unknown_years),
            calendar_ending_warning(self.calendar, at, self.contract.zone),
        ]
        found = [warning for warning in warnings if warning is not None]
        if not found:
            return
        last = self._calendar_warned_at
        if last is not None and at - last < CALENDAR_WARNING_EVERY:
            return
        self._calendar_warned_at = at
        for warning in found:
            log.warning("%s", warning.in_language(self.lang))

    def evaluate_tickets(self, ticket_pks: Collection[int]) -> Evaluation | None:
        if not ticket_pks:
            return None
        with self.locks.hold(EVALUATION_LOCK):
            return self._run(self.now(), ticket_pks)

    def evaluate_due(self) -> Evaluation | None:
        """The tickets whose at-risk moment or deadline has come (a timer fired)."""
        with self.locks.hold(EVALUATION_LOCK):
            at = self.now()
            due = due_ticket_pks(self.engine, at)
            return self._run(at, due) if due else None
