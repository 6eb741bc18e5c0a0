"""The billing check of a month: the stored statement, inventory and catalogue through
monitor.billing, with the idle rule's findings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from monitor.billing.check import BillingCheck, check_statement
from monitor.contract.model import Contract
from monitor.domain.periods import Period
from monitor.measures.idle import IdleFinding
from monitor.runs.period_measures import idle_report
from monitor.storage.billing import load_catalogue, load_statement
from monitor.storage.resources import load_resources


def billing_check(engine: Engine, contract: Contract, period: Period, at: datetime) -> BillingCheck:
    """Check `period`'s statement lines as of `at` (the idle rule's findings are those known
    then)."""
    return check_statement(
        period.label,
        contract.zone,
        load_statement(engine, period.label),
        load_resources(engine),
        load_catalogue(engine),
        idle=idle_in(idle_report(engine, contract, period, at), period),
    )


def idle_in(findings: list[IdleFinding], period: Period) -> dict[str, IdleFinding]:
    """Per resource, the first finding of the idle rule whose reclaim deadline (detection plus
    the grace period) passed inside the period without a reclaim: idle and still billed."""
    idle: dict[str, IdleFinding] = {}
    for finding in sorted(findings, key=lambda f: f.deadline):
        if finding.is_violation and finding.deadline < period.end:
            idle.setdefault(finding.resource_id, finding)
    return idle
