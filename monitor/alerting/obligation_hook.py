"""Planning obligation alerts inside the transaction that stores the obligation periods
(evaluate_obligations' on_stored).

Each period at risk or missed as of the evaluation becomes an alert row and its outbox rows in
the same transaction that stores it: a crash keeps both or neither, and the alert's unique key
(period, stage) lets a later evaluation — another process, after a restart — add nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Connection

from monitor.alerting.config import AlertingConfig
from monitor.alerting.message import obligation_alert_facts
from monitor.alerting.planner import obligation_stage
from monitor.contract.model import Contract
from monitor.domain.obligations import ObligationClock
from monitor.runs.obligations import PeriodsHook
from monitor.storage.alerts import NewObligationAlert, add_obligation_alerts


def period_key(clock: ObligationClock) -> str:
    """The period's natural key, as the stored period is unique by it."""
    return f"{clock.obligation_id}|{clock.subject}|{clock.pool}|{clock.start.isoformat()}"


def obligation_alert_hook(contract: Contract, config: AlertingConfig, at: datetime) -> PeriodsHook:
    """An on_stored hook for one evaluation of the obligations as of `at`."""
    names = {obligation.id: obligation.name_zh for obligation in contract.obligations}

    def plan(connection: Connection, clocks: Sequence[ObligationClock]) -> None:
        alerts = []
        for clock in clocks:
            stage = obligation_stage(clock, at)
            if stage is None:
                continue
            name = names.get(clock.obligation_id, clock.obligation_id)
            facts = obligation_alert_facts(clock, name, stage, at)
            channels = tuple(config.channels_for(facts))
            alerts.append(
                NewObligationAlert(
                    period_key(clock), clock.obligation_id, stage, at, facts, channels
                )
            )
        add_obligation_alerts(connection, alerts, at)

    return plan
