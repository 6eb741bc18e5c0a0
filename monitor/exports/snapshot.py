"""The expensive part of /metrics read ahead: the stored aggregates over every result and ticket,
taken at once into an immutable snapshot that a scrape renders.

At a million tickets these aggregates take seconds to read, longer than Prometheus waits for a
scrape. `slamon serve` refreshes the snapshot after every evaluation and ingest and every
SLAMON_METRICS_REFRESH (monitor.service.metrics_refresh); a scrape only reads the latest one and
the small tables (collectors, outbox) and works out the parts that depend on the clock itself:
the running clocks that turned at risk or breached since the snapshot was taken.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType

from sqlalchemy import Engine

from monitor import clock
from monitor.contract.model import Contract
from monitor.domain.periods import Period, parse_period
from monitor.storage import live

# A period of the timeliness score: its first instant and the first instant after it.
PeriodKey = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class MetricsSnapshot:
    """What the stored results, tickets, status history and alerts said at `taken_at`."""

    # Read before the first query: the data is at least this recent, its statuses as of then.
    taken_at: datetime
    result_counts: tuple[live.ResultCount, ...]
    open_tickets: tuple[tuple[str, str, int], ...]  # pool, operator, count
    breach_flips: tuple[tuple[str, str, int], ...]  # target, pool, count
    nearest_deadlines: tuple[tuple[str, datetime], ...]  # pool, earliest running deadline
    last_evaluation: datetime | None
    late_tickets: Mapping[PeriodKey, int]  # for the current month and year as of taken_at
    alert_counts: tuple[tuple[str, int], ...]  # stage, count
    # Tickets the last whole evaluation found no contract for; None before the first.
    uncovered_tickets: int | None = None


def score_periods(contract: Contract, now: datetime) -> dict[str, Period]:
    """The timeliness gauge's periods: the month and the year `now` falls in, locally."""
    local = now.astimezone(contract.zone)
    return {
        "month": parse_period(local.strftime("%Y-%m"), contract.zone),
        "year": parse_period(local.strftime("%Y"), contract.zone),
    }


def late_ticket_count(engine: Engine, contract: Contract, period: Period, now: datetime) -> int:
    rule = contract.scoring.fault_response_timeliness
    return live.late_tickets(engine, rule.kinds, period.start, period.end, now)


def newly_late_count(
    engine: Engine, contract: Contract, period: Period, since: datetime, now: datetime
) -> int:
    rule = contract.scoring.fault_response_timeliness
    return live.newly_late_tickets(engine, rule.kinds, period.start, period.end, since, now)


def take_snapshot(engine: Engine, contract: Contract, now: datetime) -> MetricsSnapshot:
    """Every expensive aggregate /metrics shows, read now (one query each), statuses as of
    `now`."""
    results = tuple(
        live.ResultCount(r.target_id, r.pool, r.operator, r.status, bool(r.open_clock), r.count)
        for r in live.result_counts(engine, now)
    )
    late = {
        (period.start, period.end): late_ticket_count(engine, contract, period, now)
        for period in score_periods(contract, now).values()
    }
    return MetricsSnapshot(
        taken_at=now,
        result_counts=results,
        open_tickets=tuple((r.pool, r.operator, r.count) for r in live.open_tickets(engine)),
        breach_flips=tuple((r.target_id, r.pool, r.count) for r in live.breach_flips(engine)),
        nearest_deadlines=tuple(
            (r.pool, r.deadline) for r in live.nearest_deadlines(engine) if r.deadline is not None
        ),
        last_evaluation=live.last_full_evaluation(engine),
        late_tickets=MappingProxyType(late),
        alert_counts=tuple((r.stage, r.count) for r in live.alert_counts(engine)),
        uncovered_tickets=live.last_run_uncovered(engine),
    )


class MetricsSnapshots:
    """The latest snapshot, replaced whole (one reference assignment) by each refresh.

    Refreshes run one at a time, so a snapshot is never replaced by one read earlier. Before
    the first refresh, the first reader takes one itself.
    """

    def __init__(
        self, engine: Engine, contract: Contract, now: Callable[[], datetime] = clock.now
    ) -> None:
        self.engine = engine
        self.contract = contract
        self.now = now
        self._latest: MetricsSnapshot | None = None
        self._refreshing = threading.Lock()

    def refresh(self) -> MetricsSnapshot:
        with self._refreshing:
            snapshot = take_snapshot(self.engine, self.contract, self.now())
            self._latest = snapshot
            return snapshot

    def latest(self) -> MetricsSnapshot:
        snapshot = self._latest
        if snapshot is not None:
            return snapshot
        with self._refreshing:  # a refresh may be under way: wait for it rather than repeat it
            snapshot = self._latest
            if snapshot is None:
                snapshot = self._latest = take_snapshot(self.engine, self.contract, self.now())
            return snapshot
