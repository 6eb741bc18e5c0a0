"""A period's indicator inputs from the database: the source behind monitor.scorecard.inputs.

Each part is read when an indicator first asks for it: tickets and their results, waivers,
availability, utilisation, idle resources, the inventory, inspections, surveys, the service
catalogue, the period's statement lines, outage records and duty roster shifts.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.billing import CatalogueItem, StatementLine
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.obligations import ObligationClock
from monitor.domain.periods import Period
from monitor.domain.records import InspectionResult
from monitor.domain.resources import Outage, Resource
from monitor.domain.roster import DutyShift
from monitor.measures.availability import AvailabilityFigure, aggregate
from monitor.measures.idle import IdleFinding
from monitor.measures.inspections import check_findings, missed_days, unknown_ticket_refs
from monitor.measures.satisfaction import SatisfactionSummary, summarise
from monitor.measures.utilisation import PoolUtilisation
from monitor.rules.judging import judge_tickets
from monitor.runs.obligations import clocks_as_of
from monitor.runs.period_measures import availability_report, idle_report, utilisation_report
from monitor.scorecard.inputs import IndicatorInputs, PeriodTickets, WaiverKey
from monitor.scorecard.inspection_review import InspectionReview
from monitor.scorecard.manual import ManualScores
from monitor.storage.billing import load_catalogue, load_statement
from monitor.storage.inspections import known_ticket_ids, load_inspections
from monitor.storage.resources import load_outages, load_resources
from monitor.storage.roster import load_shifts
from monitor.storage.surveys import load_survey_replies, units_in_inventory
from monitor.storage.tickets import load_tickets
from monitor.storage.waivers import active_waiver_keys


def stored_inputs(
    engine: Engine,
    contracts: ContractSet,
    period: Period,
    at: datetime,
    manual: ManualScores | None = None,
    pools: frozenset[str] | None = None,
) -> IndicatorInputs:
    """The inputs of every indicator of a period as of `at`, read from the database on use;
    with `pools`, only what belongs to those pools (an operator's scorecard)."""
    source = StoredSource(engine, contracts, period, at, pools)
    return IndicatorInputs(period, at, source.contract, source.calendar, source, manual)


@dataclass(frozen=True, slots=True)
class StoredSource:
    """Reads one period's inputs as of `at` from the database (an IndicatorSource): tickets
    judged each by its own contract, the rest by the deployment's."""

    engine: Engine
    contracts: ContractSet
    period: Period
    at: datetime
    # Only these pools' tickets, resources, inspections and replies; None: the whole cloud.
    pools: frozenset[str] | None = None

    @property
    def contract(self) -> Contract:
        return self.contracts.deployment

    @property
    def calendar(self) -> BusinessCalendar:
        return self.contracts.primary.calendar

    def tickets(self, kinds: tuple[str, ...]) -> PeriodTickets:
        period = self.period
        loaded = load_tickets(
            self.engine, kinds=kinds, reported_from=period.start, reported_before=period.end
        )
        # A ticket reported after `at` did not exist yet as of `at`.
        tickets = [
            ticket
            for ticket in loaded.tickets
            if ticket.reported_at <= self.at and self._mine(ticket.pool)
        ]
        return PeriodTickets(tickets, judge_tickets(tickets, self.contracts, self.at).results)

    def waivers(self) -> frozenset[WaiverKey]:
        return frozenset(active_waiver_keys(self.engine))

    def _mine(self, pool: str | None) -> bool:
        return self.pools is None or pool in self.pools

    def availability_by_class(self) -> Mapping[str, AvailabilityFigure]:
        report = availability_report(self.engine, self.contract, self.period, self.at)
        if self.pools is None:
            return {figure.key: figure for figure in report.by_class}
        mine = [figure for figure in report.resources if self._mine(figure.pool)]
        classes = aggregate(mine, "class", self.contract, self.period, self.at)
        return {figure.key: figure for figure in classes}

    def utilisation(self) -> Sequence[PoolUtilisation]:
        found = utilisation_report(self.engine, self.contract, self.calendar, self.period, self.at)
        return [figure for figure in found if self._mine(figure.pool)]

    def idle_findings(self) -> Sequence[IdleFinding]:
        found = idle_report(self.engine, self.contract, self.period, self.at)
        if self.pools is None:
            return found
        pool_of = {r.resource_id: r.pool for r in load_resources(self.engine)}
        return [finding for finding in found if self._mine(pool_of.get(finding.resource_id))]

    def inventory_size(self) -> int:
        return sum(self._mine(r.pool) for r in load_resources(self.engine))

    def inspections(self) -> InspectionReview:
        return inspection_review(
            self.engine, self.contract, self.calendar, self.period, self.at, self.pools
        )

    def satisfaction(self) -> SatisfactionSummary:
        return satisfaction_review(self.engine, self.contract, self.period, self.at, self.pools)

    def obligation_clocks(self) -> Sequence[ObligationClock]:
        first_day = self.period.start.astimezone(self.contract.zone).date()
        clocks = clocks_as_of(self.engine, self.contract, self.calendar, self.at, first_day)
        return [clock for clock in clocks if self.pools is None or clock.pool in self.pools]

    def catalogue(self) -> Sequence[CatalogueItem]:
        return load_catalogue(self.engine)

    def statement_lines(self) -> Sequence[StatementLine]:
        lines: list[StatementLine] = []
        for month in period_months(self.period):
            lines.extend(
                line for line in load_statement(self.engine, month) if self._mine(line.pool)
            )
        return lines

    def resources(self) -> Sequence[Resource]:
        return [r for r in load_resources(self.engine) if self._mine(r.pool)]

    def outages(self) -> Sequence[Outage]:
        return load_outages(self.engine, self.period.start, min(self.period.end, self.at))

    def duty_shifts(self) -> Sequence[DutyShift]:
        # The whole period: the day of the evaluation counts by the shifts planned to its end.
        shifts = load_shifts(self.engine, self.period.start, self.period.end)
        return [shift for shift in shifts if self._mine(shift.pool)]


def period_months(period: Period) -> list[str]:
    """The YYYY-MM labels of the months a period spans (a year's twelve, or the month)."""
    year, _, month = period.label.partition("-")
    return [period.label] if month else [f"{year}-{number:02d}" for number in range(1, 13)]


def inspection_review(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    period: Period,
    at: datetime,
    pools: frozenset[str] | None = None,
) -> InspectionReview:
    """Findings, missed scheduled days (only days that have ended by `at`, and on the
    working-day schedule only days the calendar knows) and unknown tickets; with `pools`,
    those pools' alone."""
    end = min(period.end, at)
    records = [
        r
        for r in load_inspections(engine, since=period.start, before=end)
        if pools is None or r.pool in pools
    ]
    in_period = [r for r in records if period.start <= r.inspected_at]
    zone = contract.zone
    rules = contract.inspections
    if pools is not None:
        rules = rules.model_copy(update={"pools": tuple(p for p in rules.pools if p in pools)})
    # A day the calendar does not know is not due: neither inspected on schedule nor missed.
    known_working = calendar.is_known_working_day
    due = known_working if rules.schedule == "working_days" else (lambda _day: True)
    last = end.astimezone(zone).date()
    missed = (
        missed_days(in_period, period.start.astimezone(zone).date(), last, rules.pools, due, zone)
        if end > period.start
        else []
    )
    named = {r.ticket_id for r in in_period if r.ticket_id is not None}
    return InspectionReview(
        records=len(in_period),
        abnormal=sum(r.result is InspectionResult.ABNORMAL for r in in_period),
        checks=check_findings(records, contract, at),
        missed=missed,
        unknown_refs=unknown_ticket_refs(in_period, known_ticket_ids(engine, named)),
    )


def satisfaction_review(
    engine: Engine,
    contract: Contract,
    period: Period,
    at: datetime,
    pools: frozenset[str] | None = None,
) -> SatisfactionSummary:
    """The survey replies given in the period by `at`, summarised by the contract's weights;
    with `pools`, those pools' replies over the units their resources serve."""
    rule = contract.scoring.satisfaction
    replies = load_survey_replies(engine, since=period.start, before=min(period.end, at))
    if pools is not None:
        replies = [reply for reply in replies if reply.pool in pools]
        served = {r.user_unit for r in load_resources(engine) if r.pool in pools and r.user_unit}
        units_served = len(served) or None
    else:
        units_served = rule.units_served or units_in_inventory(engine)
    return summarise(replies, rule, units_served)
