"""Obligation clocks from what is stored: evidence, the inventory, survey replies → the clocks
(monitor.rules.obligations) → the stored periods."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import Connection, Engine

from monitor.contract.model import Contract
from monitor.contract.obligations import Evidence
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.obligations import ObligationClock
from monitor.rules.obligations import ObligationFacts, obligation_clocks
from monitor.storage.obligations import load_evidence, protection_levels, replace_periods
from monitor.storage.resources import load_resources
from monitor.storage.surveys import load_survey_replies

# Called in the transaction that stores the periods, with the clocks stored (the alerts).
PeriodsHook = Callable[[Connection, Sequence[ObligationClock]], None]


def obligation_facts(
    engine: Engine, contract: Contract, since: date, at: datetime
) -> ObligationFacts:
    """The evidence, the inventory and (when a duty is a survey) the replies from `since`."""
    surveys = any(item.evidence is Evidence.SURVEY for item in contract.obligations)
    first = datetime.combine(since, time(0), tzinfo=contract.zone)
    replies = load_survey_replies(engine, since=first, before=at) if surveys else []
    return ObligationFacts(
        evidence=load_evidence(engine),
        resources=load_resources(engine),
        protection_levels=protection_levels(engine),
        survey_replies=replies,
    )


def clocks_as_of(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    at: datetime,
    first_day: date | None = None,
) -> list[ObligationClock]:
    """Every obligation period begun by `at`, computed afresh from what is stored."""
    if not contract.obligations:
        return []
    today = at.astimezone(contract.zone).date()
    since = min(
        item.since or contract.valid_from or first_day or date(today.year - 1, 1, 1)
        for item in contract.obligations
    )
    facts = obligation_facts(engine, contract, since, at)
    return obligation_clocks(contract, calendar, facts, at, first_day)


def evaluate_obligations(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    at: datetime,
    on_stored: PeriodsHook | None = None,
) -> list[ObligationClock]:
    """Compute every obligation's periods as of `at` and store them in place of the old ones."""
    clocks = clocks_as_of(engine, contract, calendar, at)
    with engine.begin() as connection:
        replace_periods(connection, clocks, at)
        if on_stored is not None:
            on_stored(connection, clocks)
    return clocks


def clock_summary(clock: ObligationClock, at: datetime) -> dict[str, Any]:
    """One period as the CLI's JSON and the report list it."""
    return {
        "obligation_id": clock.obligation_id,
        "subject": clock.subject,
        "pool": clock.pool,
        "period": clock.label,
        "due_at": clock.due_at.isoformat(),
        "required": clock.required,
        "done": clock.done_by(at),
        "status": clock.status(at).value,
        "evidence": [
            {"date": done.at.date().isoformat(), "document": done.what, "by": done.by}
            for done in clock.completions
            if done.at <= at
        ],
    }
