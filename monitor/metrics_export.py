"""/metrics: a prometheus-client collector that reads the stored state at scrape time.

Nothing is counted in memory, so every `slamon serve` process (and a restart) reports the same
numbers. Names follow Prometheus conventions (slamon_ prefix, seconds, _total counters); labels
are bounded (target, pool, operator, status, channel, collector) — never a ticket id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from monitor import clock
from monitor.contract import Contract
from monitor.scoring import Period, parse_period
from monitor.storage import live


class SlamonCollector(Collector):
    def __init__(
        self, engine: Engine, contract: Contract, now: Callable[[], datetime] = clock.now
    ) -> None:
        self.engine = engine
        self.contract = contract
        self.now = now

    def collect(self) -> Iterator[Metric]:
        now = self.now()
        yield from self._results()
        yield from self._tickets_and_breaches(now)
        yield from self._scores(now)
        yield from self._collectors()
        yield from self._alerts()

    def _results(self) -> Iterator[Metric]:
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
        for row in live.result_counts(self.engine):
            key = (row.target_id, row.pool, row.operator, row.status)
            by_labels[key] = by_labels.get(key, 0) + row.count
            if row.status == "breached" and row.open_clock:
                breaches[key[:3]] = breaches.get(key[:3], 0) + row.count
        for key, count in sorted(by_labels.items()):
            results.add_metric(list(key), count)
        for key3, count in sorted(breaches.items()):
            open_breaches.add_metric(list(key3), count)
        yield results
        yield open_breaches

    def _tickets_and_breaches(self, now: datetime) -> Iterator[Metric]:
        tickets = GaugeMetricFamily(
            "slamon_open_tickets", "Tickets not closed yet.", labels=["pool", "operator"]
        )
        for row in live.open_tickets(self.engine):
            tickets.add_metric([row.pool, row.operator], row.count)
        yield tickets
        flips = CounterMetricFamily(
            "slamon_breaches",
            "Targets that turned breached, ever (from the stored status history).",
            labels=["target", "pool"],
        )
        for row in live.breach_flips(self.engine):
            flips.add_metric([row.target_id, row.pool], row.count)
        yield flips
        nearest = GaugeMetricFamily(
            "slamon_nearest_deadline_seconds",
            "Seconds from now to the earliest deadline of a running clock (negative: overdue).",
            labels=["pool"],
        )
        for row in live.nearest_deadlines(self.engine):
            if row.deadline is not None:
                nearest.add_metric([row.pool], (row.deadline - now).total_seconds())
        yield nearest
        last = live.last_full_evaluation(self.engine)
        evaluated = GaugeMetricFamily(
            "slamon_last_evaluation_timestamp_seconds",
            "The instant the last whole evaluation evaluated as of (Unix time).",
        )
        if last is not None:
            evaluated.add_metric([], last.timestamp())
        yield evaluated

    def _scores(self, now: datetime) -> Iterator[Metric]:
        rule = self.contract.scoring.fault_response_timeliness
        local = now.astimezone(self.contract.zone)
        points = GaugeMetricFamily(
            "slamon_timeliness_score_points",
            f"{rule.name_zh} ({rule.name_en}) so far in the current month / year.",
            labels=["period"],
        )
        periods: dict[str, Period] = {
            "month": parse_period(local.strftime("%Y-%m"), self.contract.zone),
            "year": parse_period(local.strftime("%Y"), self.contract.zone),
        }
        for name, period in periods.items():
            late = live.late_tickets(self.engine, rule.kinds, period.start, period.end)
            points.add_metric(
                [name], max(rule.floor, rule.max_points - rule.deduction_per_late * late)
            )
        yield points
        maximum = GaugeMetricFamily("slamon_timeliness_score_max_points", "Full marks.")
        maximum.add_metric([], rule.max_points)
        yield maximum

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

    def _alerts(self) -> Iterator[Metric]:
        alerts = CounterMetricFamily("slamon_alerts", "Alerts raised, by stage.", labels=["stage"])
        for row in live.alert_counts(self.engine):
            alerts.add_metric([row.stage], row.count)
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
