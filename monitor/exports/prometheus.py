"""/metrics: a prometheus-client collector over the stored state.

Nothing is counted in memory, so every `slamon serve` process (and a restart) reports the same
numbers. The aggregates over every result and ticket come from a snapshot of the database
(monitor.exports.snapshot) that the service refreshes after every evaluation and ingest and every
SLAMON_METRICS_REFRESH; `slamon_metrics_snapshot_timestamp_seconds` says when it was read. The
small tables (collector runs, the alert outbox) and everything that depends on the clock
(seconds to the nearest deadline, the current month and year, the running clocks that turned
at risk or breached since the snapshot) are read at scrape time: every status is as of the
scrape. The end
of the working-day calendar comes from the contract and the calendar package; results whose
deadline it cannot tell are slamon_target_results{status="calendar_unknown"}.
Without a snapshot source every scrape reads everything itself.

Names follow Prometheus conventions (slamon_ prefix, seconds, yuan, _total counters); labels
are bounded (target, pool, operator, status, channel, collector, obligation, the billing
check's period and code) — never a ticket id, a resource or a system.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from monitor import clock
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.obligations import ObligationStatus
from monitor.exports.billing_figures import LatestBillingFigures
from monitor.exports.snapshot import (
    MetricsSnapshot,
    MetricsSnapshots,
    late_ticket_count,
    newly_late_count,
    score_periods,
    take_snapshot,
)
from monitor.rules.calendar_gaps import known_until_instant
from monitor.storage import live
from monitor.storage.obligations import load_periods


class SlamonCollector(Collector):
    def __init__(
        self,
        engine: Engine,
        contract: Contract,
        now: Callable[[], datetime] = clock.now,
        snapshots: MetricsSnapshots | None = None,
        calendar: BusinessCalendar | None = None,
    ) -> None:
        self.engine = engine
        self.contract = contract
        self.now = now
        self.snapshots = snapshots
        self.calendar = calendar or BusinessCalendar.from_config(contract.calendar)
        self.billing = LatestBillingFigures(engine, contract)

    def collect(self) -> Iterator[Metric]:
        now = self.now()
        if self.snapshots is not None:
            snapshot = self.snapshots.latest()
        else:
            snapshot = take_snapshot(self.engine, self.contract, now)
        yield from self._results(snapshot, now)
        yield from self._tickets_and_breaches(snapshot, now)
        yield from self._scores(snapshot, now)
        yield from self._collectors()
        yield from self._alerts(snapshot)
        yield from self._obligations(now)
        yield from self._billing()
        yield self._calendar()
        taken = GaugeMetricFamily(
            "slamon_metrics_snapshot_timestamp_seconds",
            "When the stored results, tickets and alerts behind these metrics were read "
            "(Unix time); collectors and the outbox are read at scrape time.",
        )
        taken.add_metric([], snapshot.taken_at.timestamp())
        yield taken

    def _results(self, snapshot: MetricsSnapshot, now: datetime) -> Iterator[Metric]:
        results = GaugeMetricFamily(
            "slamon_target_results",
            "Stored target results (one per ticket and target) by status.",
            labels=["target", "pool", "operator", "status"],
        )
        open_breaches = GaugeMetricFamily(
            "slamon_open_breaches",
            "Breached targets whose stop event has not been recorded yet.",
            labels=["target", "pool", "operator"],
        )
        by_labels: dict[tuple[str, str, str, str], int] = {}
        breaches: dict[tuple[str, str, str], int] = {}
        for row in snapshot.result_counts:
            key = (row.target_id, row.pool, row.operator, row.status)
            by_labels[key] = by_labels.get(key, 0) + row.count
            if row.status == "breached" and row.open_clock:
                breaches[key[:3]] = breaches.get(key[:3], 0) + row.count
        # Running clocks (open, never breached before) that turned since the snapshot.
        for turn in self._turned(snapshot, now):
            before = (turn.target_id, turn.pool, turn.operator, turn.before)
            # A result stored after the snapshot is not in it: counts never go below zero.
            left = by_labels.pop(before, 0) - turn.count
            if left > 0:
                by_labels[before] = left
            after = (*before[:3], turn.after)
            by_labels[after] = by_labels.get(after, 0) + turn.count
            if turn.after == "breached":
                breaches[after[:3]] = breaches.get(after[:3], 0) + turn.count
        for key, count in sorted(by_labels.items()):
            results.add_metric(list(key), count)
        for key3, count in sorted(breaches.items()):
            open_breaches.add_metric(list(key3), count)
        yield results
        yield open_breaches

    def _tickets_and_breaches(self, snapshot: MetricsSnapshot, now: datetime) -> Iterator[Metric]:
        tickets = GaugeMetricFamily(
            "slamon_open_tickets", "Tickets not closed yet.", labels=["pool", "operator"]
        )
        for pool, operator, count in snapshot.open_tickets:
            tickets.add_metric([pool, operator], count)
        yield tickets
        flips = CounterMetricFamily(
            "slamon_breaches",
            "Targets that turned breached, ever (from the stored status history).",
            labels=["target", "pool"],
        )
        for target_id, pool, count in snapshot.breach_flips:
            flips.add_metric([target_id, pool], count)
        yield flips
        nearest = GaugeMetricFamily(
            "slamon_nearest_deadline_seconds",
            "Seconds from now to the earliest deadline of a running clock (negative: overdue).",
            labels=["pool"],
        )
        for pool, deadline in snapshot.nearest_deadlines:
            nearest.add_metric([pool], (deadline - now).total_seconds())
        yield nearest
        evaluated = GaugeMetricFamily(
            "slamon_last_evaluation_timestamp_seconds",
            "The instant the last whole evaluation evaluated as of (Unix time).",
        )
        if snapshot.last_evaluation is not None:
            evaluated.add_metric([], snapshot.last_evaluation.timestamp())
        yield evaluated
        uncovered = GaugeMetricFamily(
            "slamon_uncovered_tickets",
            "Tickets the last whole evaluation found no contract for (their pool, operator or "
            "report time is outside every contract's scope and validity): no verdict.",
        )
        if snapshot.uncovered_tickets is not None:
            uncovered.add_metric([], snapshot.uncovered_tickets)
        yield uncovered

    def _scores(self, snapshot: MetricsSnapshot, now: datetime) -> Iterator[Metric]:
        rule = self.contract.scoring.fault_response_timeliness
        points = GaugeMetricFamily(
            "slamon_timeliness_score_points",
            f"{rule.name_zh} ({rule.name_en}) so far in the current month / year.",
            labels=["period"],
        )
        for name, period in score_periods(self.contract, now).items():
            late = snapshot.late_tickets.get((period.start, period.end))
            if late is None:  # a new month or year began since the snapshot: read it now
                late = late_ticket_count(self.engine, self.contract, period, now)
            elif now > snapshot.taken_at:
                late += newly_late_count(self.engine, self.contract, period, snapshot.taken_at, now)
            points.add_metric(
                [name], max(rule.floor, rule.max_points - rule.deduction_per_late * late)
            )
        yield points
        maximum = GaugeMetricFamily("slamon_timeliness_score_max_points", "Full marks.")
        maximum.add_metric([], rule.max_points)
        yield maximum

    def _turned(self, snapshot: MetricsSnapshot, now: datetime) -> list[Any]:
        if now <= snapshot.taken_at:
            return []
        return live.turned_counts(self.engine, snapshot.taken_at, now)

    def _obligations(self, now: datetime) -> Iterator[Metric]:
        """The stored obligation periods (a small table, read at scrape time) by their status
        as of the scrape: owed and not yet due, at risk, and missed."""
        families = {
            ObligationStatus.DUE: GaugeMetricFamily(
                "slamon_obligations_due",
                "Obligation periods (履约事项) owed and not done, before their at-risk moment.",
                labels=["obligation", "pool"],
            ),
            ObligationStatus.AT_RISK: GaugeMetricFamily(
                "slamon_obligations_at_risk",
                "Obligation periods owed and not done whose due moment is near.",
                labels=["obligation", "pool"],
            ),
            ObligationStatus.MISSED: GaugeMetricFamily(
                "slamon_obligations_missed",
                "Obligation periods past their due moment and not done.",
                labels=["obligation", "pool"],
            ),
        }
        counts: dict[tuple[str, str, str], int] = {}
        for row in load_periods(self.engine, now):
            key = (row["status"], row["obligation_id"], row["pool"])
            counts[key] = counts.get(key, 0) + 1
        for (status, obligation, pool), count in sorted(counts.items()):
            family = families.get(ObligationStatus(status))
            if family is not None:
                family.add_metric([obligation, pool], count)
        yield from families.values()

    def _billing(self) -> Iterator[Metric]:
        """The latest month's statement: billed and disputed 元 by pool, disputed by class."""
        billed = GaugeMetricFamily(
            "slamon_billing_billed_yuan",
            "The latest month's statement (结算清单): billed, in yuan, by pool.",
            labels=["period", "pool"],
        )
        disputed = GaugeMetricFamily(
            "slamon_billing_disputed_yuan",
            "The latest month's statement: what the billing check disputes, in yuan, by pool.",
            labels=["period", "pool"],
        )
        by_code = GaugeMetricFamily(
            "slamon_billing_disputed_by_code_yuan",
            "The latest month's disputed yuan by pool and each line's class (its first code).",
            labels=["period", "pool", "code"],
        )
        figures = self.billing.latest()
        if figures is not None:
            for pool, amount in figures.billed:
                billed.add_metric([figures.period, pool], float(amount))
            for pool, amount in figures.disputed:
                disputed.add_metric([figures.period, pool], float(amount))
            for pool, code, amount in figures.disputed_by_code:
                by_code.add_metric([figures.period, pool, code], float(amount))
        yield from (billed, disputed, by_code)

    def _calendar(self) -> Metric:
        known = GaugeMetricFamily(
            "slamon_calendar_known_until_timestamp_seconds",
            "The end of the last day the working-day calendar knows (00:00 of the next day in "
            "the contract's zone, Unix time): later working-day deadlines are calendar_unknown.",
        )
        end = known_until_instant(self.calendar, self.contract.zone)
        if end is not None:
            known.add_metric([], end.timestamp())
        return known

    def _collectors(self) -> Iterator[Metric]:
        success = GaugeMetricFamily(
            "slamon_collector_last_success_timestamp_seconds",
            "When each collector last ran without error (Unix time).",
            labels=["collector"],
        )
        runs = CounterMetricFamily("slamon_collector_runs", "Collector runs.", labels=["collector"])
        errors = CounterMetricFamily(
            "slamon_collector_errors",
            "Collector runs that failed (a data gap).",
            labels=["collector"],
        )
        failing = GaugeMetricFamily(
            "slamon_collector_consecutive_failures",
            "Failed runs since the last success.",
            labels=["collector"],
        )
        for health in live.collector_health(self.engine):
            if health.last_success is not None:
                success.add_metric([health.name], health.last_success.timestamp())
            runs.add_metric([health.name], health.runs)
            errors.add_metric([health.name], health.errors)
            failing.add_metric([health.name], health.consecutive_failures)
        yield from (success, runs, errors, failing)

    def _alerts(self, snapshot: MetricsSnapshot) -> Iterator[Metric]:
        alerts = CounterMetricFamily("slamon_alerts", "Alerts raised, by stage.", labels=["stage"])
        for stage, count in snapshot.alert_counts:
            alerts.add_metric([stage], count)
        yield alerts
        depth = GaugeMetricFamily(
            "slamon_alert_outbox_depth", "Deliveries not acknowledged yet.", labels=["channel"]
        )
        oldest = GaugeMetricFamily(
            "slamon_alert_outbox_oldest_pending_timestamp_seconds",
            "When the oldest delivery still waiting was queued (Unix time).",
            labels=["channel"],
        )
        delivered = CounterMetricFamily(
            "slamon_alert_deliveries", "Deliveries acknowledged.", labels=["channel"]
        )
        failures = CounterMetricFamily(
            "slamon_alert_delivery_failures", "Failed delivery attempts.", labels=["channel"]
        )
        given_up = GaugeMetricFamily(
            "slamon_alert_deliveries_undeliverable",
            "Deliveries refused permanently by their channel (never retried).",
            labels=["channel"],
        )
        for row in live.outbox_stats(self.engine):
            depth.add_metric([row.channel], row.pending)
            if row.oldest_pending is not None:
                oldest.add_metric([row.channel], row.oldest_pending.timestamp())
            delivered.add_metric([row.channel], row.delivered)
            failures.add_metric([row.channel], row.failures)
            given_up.add_metric([row.channel], row.given_up)
        yield from (depth, oldest, delivered, failures, given_up)
