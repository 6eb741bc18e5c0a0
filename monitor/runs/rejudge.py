"""Rejudging: closed tickets re-evaluated under the contracts in force, openly.

A closed ticket keeps the verdict of the contract version that judged it (monitor.runs.pins).
A rejudging plans what judging those tickets by the contracts in force would change — each
verdict, and each period's score — and, when applied, keeps the replaced results under a
rejudging row with who did it and why, writes the new ones and an audit entry, and plans no
alert: the stages it changes are past.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine

from monitor.contract.contract_set import ContractSet
from monitor.domain.periods import Period, parse_period
from monitor.domain.tickets import TargetResult, Ticket
from monitor.runs.evaluate import run_evaluation
from monitor.runs.pins import unpinned_from, with_stored_pins
from monitor.runs.scorecard import period_scorecard
from monitor.storage import audit
from monitor.storage.rejudges import record_rejudge, supersede
from monitor.storage.results import JudgedBy, closed_tickets_judged_otherwise


@dataclass(frozen=True, slots=True)
class VerdictChange:
    """One result whose verdict differs under the contracts in force (None: no result)."""

    ticket: Ticket
    target_id: str
    before: TargetResult | None
    after: TargetResult | None


@dataclass(frozen=True, slots=True)
class ScoreChange:
    period: Period
    before: float
    after: float
    grade_before: str
    grade_after: str


@dataclass(frozen=True)
class RejudgePlan:
    at: datetime
    reported_from: datetime | None
    tickets: list[JudgedBy]  # the closed tickets judged by an earlier version, to rejudge
    changes: list[VerdictChange]
    scores: list[ScoreChange]
    before: ContractSet  # the judging as it stands (closed tickets pinned)
    after: ContractSet  # the judging once rejudged

    @property
    def ticket_pks(self) -> list[int]:
        return sorted({row.ticket_pk for row in self.tickets})


def plan_rejudge(
    engine: Engine, contracts: ContractSet, at: datetime, reported_from: datetime | None = None
) -> RejudgePlan:
    """What rejudging the closed tickets reported from `reported_from` (all: None) by
    `contracts` as of `at` would change. Nothing is written."""
    before = with_stored_pins(engine, contracts)
    versions = {judging.ref.version for judging in contracts}
    chosen = [
        row
        for row in closed_tickets_judged_otherwise(engine, versions)
        if reported_from is None or row.reported_at >= reported_from
    ]
    after = unpinned_from(before, chosen)
    pks = sorted({row.ticket_pk for row in chosen})
    if not pks:
        return RejudgePlan(at, reported_from, [], [], [], before, after)
    old = run_evaluation(engine, before, at, store=False, ticket_pks=pks)
    new = run_evaluation(engine, after, at, store=False, ticket_pks=pks)
    changes = _verdict_changes(old.tickets, old.results, new.results)
    zone = contracts.deployment.zone
    periods = sorted(
        {
            label
            for change in changes
            for label in _period_labels(change.ticket.reported_at.astimezone(zone))
        }
    )
    scores = []
    for label in periods:
        period = parse_period(label, zone)
        was = period_scorecard(engine, before, period, at).scorecard
        will = period_scorecard(engine, after, period, at).scorecard
        scores.append(ScoreChange(period, was.total, will.total, was.grade, will.grade))
    return RejudgePlan(at, reported_from, chosen, changes, scores, before, after)


def _period_labels(local: datetime) -> tuple[str, str]:
    return local.strftime("%Y"), local.strftime("%Y-%m")


def _verdict_changes(
    tickets: Sequence[Ticket], old: Sequence[TargetResult], new: Sequence[TargetResult]
) -> list[VerdictChange]:
    by_key = {(ticket.source, ticket.ticket_id): ticket for ticket in tickets}
    before = {(r.source, r.ticket_id, r.target_id): r for r in old}
    after = {(r.source, r.ticket_id, r.target_id): r for r in new}
    changes = []
    for key in sorted({*before, *after}):
        was, will = before.get(key), after.get(key)
        if _verdict(was) != _verdict(will):
            changes.append(VerdictChange(by_key[key[:2]], key[2], was, will))
    return changes


def _verdict(result: TargetResult | None) -> tuple[object, ...] | None:
    if result is None:
        return None
    return (result.status, result.deadline, result.stop, result.overdue_seconds)


def apply_rejudge(
    engine: Engine, plan: RejudgePlan, *, actor: str, reason: str, now: datetime
) -> int | None:
    """Store the plan: the replaced results kept under a new rejudging (its id returned), the
    new results written, an audit entry; no alert. None when there is nothing to rejudge."""
    pks = plan.ticket_pks
    if not pks:
        return None
    made: list[int] = []

    def keep_replaced(connection: Connection) -> None:
        names = ", ".join(f"{j.contract.name}@{j.ref.short_version}" for j in plan.after)
        rejudge_id = record_rejudge(
            connection,
            ran_at=now,
            evaluated_at=plan.at,
            actor=actor[:200],
            reason=reason,
            reported_from=plan.reported_from,
            contracts=names,
            tickets=len(pks),
            changed=len(plan.changes),
        )
        supersede(connection, rejudge_id, pks)
        audit.record(
            connection,
            at=now,
            actor=actor,
            action="rejudge",
            subject=f"rejudge/{rejudge_id}",
            reason=reason,
            tickets=len(pks),
            changed=len(plan.changes),
            contracts=names,
            reported_from=plan.reported_from,
        )
        made.append(rejudge_id)

    run_evaluation(engine, plan.after, plan.at, ticket_pks=pks, before_store=keep_replaced)
    return made[0]
