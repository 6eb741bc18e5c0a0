"""Planning alerts inside the evaluation's storing transaction (run_evaluation's on_stored).

The flips store_results has just written become alert rows and outbox rows in the same
transaction: a crash either keeps both or neither, and nothing is announced twice.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection

from monitor.alerting.config import AlertingConfig
from monitor.alerting.message import alert_facts
from monitor.alerting.planner import Key, plan_stages
from monitor.contract.model import Contract
from monitor.domain.tickets import Status, TargetResult
from monitor.runs.evaluate import StoredHook
from monitor.storage.alerts import NewAlert, add_alerts, announced
from monitor.storage.results import StoreCounts
from monitor.storage.tickets import StoredTickets


def alert_hook(contract: Contract, config: AlertingConfig, at: datetime) -> StoredHook:
    """An on_stored hook for one evaluation as of `at`."""

    def plan(
        connection: Connection,
        loaded: StoredTickets,
        results: list[TargetResult],
        counts: StoreCounts,
    ) -> None:
        flips = counts.flips
        if not flips:
            return
        wanted = {(flip.ticket_pk, flip.target_id) for flip in flips}
        keys = loaded.primary_keys
        by_key: dict[Key, TargetResult] = {}
        for result in results:
            key = (keys[(result.source, result.ticket_id)], result.target_id)
            if key in wanted:
                by_key[key] = result
        late_stops = [
            (flip.ticket_pk, flip.target_id)
            for flip in flips
            if flip.stop_arrived and flip.from_status == Status.BREACHED
        ]
        planned = plan_stages(
            (
                (
                    (flip.ticket_pk, flip.target_id),
                    flip.from_status,
                    flip.to_status,
                    flip.stop_arrived,
                )
                for flip in flips
            ),
            by_key,
            announced(connection, late_stops, "breached") if late_stops else set(),
            at,
            config.max_age,
        )
        if not planned:
            return
        tickets = {keys[(t.source, t.ticket_id)]: t for t in loaded.tickets}
        alerts = []
        for (ticket_pk, target_id), stage in planned:
            facts = alert_facts(
                tickets[ticket_pk], by_key[(ticket_pk, target_id)], contract, stage, at
            )
            channels = tuple(config.channels_for(facts))
            alerts.append(NewAlert(ticket_pk, target_id, stage, at, facts, channels))
        add_alerts(connection, alerts, at)

    return plan
