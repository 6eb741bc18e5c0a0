"""Everything a report shows, read from the database once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Engine

from monitor.billing.check import BillingCheck, within_pools
from monitor.contract.contract_set import ContractSet, JudgingContract
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.obligations import ObligationClock
from monitor.domain.periods import parse_period
from monitor.domain.tickets import Status, TargetResult, Ticket
from monitor.rules.calendar_gaps import year_needed
from monitor.rules.judging import judge_tickets
from monitor.rules.obligations import owed_during
from monitor.runs.billing import billing_check
from monitor.runs.obligations import clocks_as_of
from monitor.runs.pins import with_stored_pins
from monitor.runs.scorecard import PeriodScorecard
from monitor.storage.billing import statement_periods
from monitor.storage.tickets import load_tickets
from monitor.storage.waivers import Waiver, active_waivers


@dataclass(frozen=True, slots=True)
class ReportData:
    contract: Contract
    card: PeriodScorecard
    tickets: list[Ticket]  # reported in the period by the evaluation time
    violations: list[tuple[Ticket, TargetResult]]
    # Waivers in force by (source, ticket_id, target_id): those violations do not count.
    waivers: dict[tuple[str, str, str], Waiver] = field(default_factory=dict)
    # Results without a verdict (their deadline needs a year the calendar does not know), with
    # the year they need (None: not known).
    calendar_unknown: list[tuple[Ticket, TargetResult, int | None]] = field(default_factory=list)
    # The contracts that judged the period's tickets, and the tickets none covers.
    contracts: tuple[JudgingContract, ...] = ()
    uncovered: list[Ticket] = field(default_factory=list)
    # The obligation periods owed during the period (履约事项), the card's pools' when scoped.
    obligations: list[ObligationClock] = field(default_factory=list)
    # The billing check of each month of the period with a statement (the month itself for a
    # monthly report), the card's pools' lines when scoped.
    billing: list[BillingCheck] = field(default_factory=list)


def report_data(engine: Engine, contracts: ContractSet, card: PeriodScorecard) -> ReportData:
    """The period's tickets, every violation among them and every result the calendar cannot
    tell, each ticket judged by its own contract as of the card's time."""
    contract, calendar = contracts.deployment, contracts.primary.calendar
    contracts = with_stored_pins(engine, contracts)
    period, at = card.period, card.at
    loaded = load_tickets(engine, reported_from=period.start, reported_before=period.end)
    # The card's pools only, when it is an operator's: the report shows what its card scored.
    tickets = [
        ticket
        for ticket in loaded.tickets
        if ticket.reported_at <= at and (card.pools is None or ticket.pool in card.pools)
    ]
    by_key = {(ticket.source, ticket.ticket_id): ticket for ticket in tickets}
    judgement = judge_tickets(tickets, contracts, at)
    results = [(by_key[(result.source, result.ticket_id)], result) for result in judgement.results]
    violations = [(ticket, result) for ticket, result in results if result.status.is_violation]
    violations.sort(key=lambda pair: (pair[0].reported_at, pair[1].target_id))
    unknown = [
        (ticket, result, year_needed(result.start, calendar, contract.zone))
        for ticket, result in results
        if result.status is Status.CALENDAR_UNKNOWN
    ]
    return ReportData(
        contract,
        card,
        tickets,
        violations,
        active_waivers(engine),
        unknown,
        contracts.contracts,
        judgement.uncovered,
        _obligations(engine, contract, calendar, card),
        _billing(engine, contract, card),
    )


def _billing(engine: Engine, contract: Contract, card: PeriodScorecard) -> list[BillingCheck]:
    label = card.period.label
    months = [label] if len(label) == 7 else statement_periods(engine, label)
    checks = (
        billing_check(engine, contract, parse_period(month, contract.zone), card.at)
        for month in months
    )
    return [within_pools(check, card.pools) for check in checks]


def _obligations(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, card: PeriodScorecard
) -> list[ObligationClock]:
    # From a year before the period: a period begun earlier may still be owed in it.
    first_day = date(card.period.start.astimezone(contract.zone).year - 1, 1, 1)
    clocks = clocks_as_of(engine, contract, calendar, card.at, first_day)
    mine = [clock for clock in clocks if card.pools is None or clock.pool in card.pools]
    return owed_during(mine, card.period)
