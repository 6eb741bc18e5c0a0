"""The billing check of a month: the stored statement, inventory (with its specs) and
catalogue through monitor.billing, with the idle rule's findings."""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine

from monitor.billing.check import BillingCheck, check_statement
from monitor.contract.model import Contract
from monitor.domain.periods import Period, parse_period
from monitor.domain.resources import CAPACITY_METRICS
from monitor.measures.idle import IdleFinding
from monitor.runs.period_measures import idle_report
from monitor.storage.billing import load_catalogue, load_statement
from monitor.storage.resources import load_resources_with_specs
from monitor.storage.rollups import rollup_peaks

MILLIONTH = Decimal("0.000001")


def billing_check(engine: Engine, contract: Contract, period: Period, at: datetime) -> BillingCheck:
    """Check `period`'s statement lines as of `at` (the idle rule's findings are those known
    then)."""
    idle = idle_in(idle_report(engine, contract, period, at), period)
    return _checked(engine, contract, period.label, idle)


def disputes_check(engine: Engine, contract: Contract, month: str) -> BillingCheck:
    """The month's check without the idle rule: every dispute and every total, no idle_billed
    finding (which disputes nothing), from the stored rows alone whatever the time."""
    return _checked(engine, contract, month, {})


def _checked(
    engine: Engine, contract: Contract, month: str, idle: dict[str, IdleFinding]
) -> BillingCheck:
    resources, specs = load_resources_with_specs(engine)
    return check_statement(
        month,
        contract.zone,
        load_statement(engine, month),
        resources,
        load_catalogue(engine),
        idle=idle,
        specs=specs,
        measured=measured_capacity(engine, parse_period(month, contract.zone)),
    )


def measured_capacity(engine: Engine, month: Period) -> dict[str, dict[str, Decimal]]:
    """Per resource, each collected capacity metric's peak over the month (vcpu, memory_gb,
    storage_gb as the catalogue's measures name them), exact to the millionth."""
    measured: dict[str, dict[str, Decimal]] = {}
    for metric in CAPACITY_METRICS:
        for resource_id, peak in rollup_peaks(engine, metric, month.start, month.end).items():
            if math.isfinite(peak):
                value = Decimal(repr(peak)).quantize(MILLIONTH).normalize()
                measured.setdefault(resource_id, {})[metric] = value
    return measured


def idle_in(findings: list[IdleFinding], period: Period) -> dict[str, IdleFinding]:
    """Per resource, the first finding of the idle rule whose reclaim deadline (detection plus
    the grace period) passed inside the period without a reclaim: idle and still billed."""
    idle: dict[str, IdleFinding] = {}
    for finding in sorted(findings, key=lambda f: f.deadline):
        if finding.is_violation and finding.deadline < period.end:
            idle.setdefault(finding.resource_id, finding)
    return idle
