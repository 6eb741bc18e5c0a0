"""What the indicators of one period read as of one instant: each part is read on first use, once.

The parts come from an IndicatorSource (monitor.runs.period_inputs reads them from the
database); an indicator that never asks for a part costs nothing to leave out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Protocol

from monitor.contract.model import Contract
from monitor.domain.billing import CatalogueItem, StatementLine
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.obligations import ObligationClock
from monitor.domain.periods import Period
from monitor.domain.resources import Outage, Resource
from monitor.domain.roster import DutyShift
from monitor.domain.tickets import TargetResult, Ticket
from monitor.measures.availability import AvailabilityFigure
from monitor.measures.idle import IdleFinding
from monitor.measures.satisfaction import SatisfactionSummary
from monitor.measures.utilisation import PoolUtilisation
from monitor.scorecard.inspection_review import InspectionReview

WaiverKey = tuple[str, str, str]  # (source, ticket_id, target_id) of a waived violation


@dataclass(frozen=True, slots=True)
class PeriodTickets:
    """Tickets of some kinds reported in the period by the evaluation time, and their results."""

    tickets: Sequence[Ticket]
    results: Sequence[TargetResult]


class HandEntries(Protocol):
    """What indicators read of the hand-entered file (monitor.scorecard.manual.ManualScores)."""

    @property
    def sla_assessment_score(self) -> float | None: ...

    @property
    def entered_by(self) -> str | None: ...


class IndicatorSource(Protocol):
    """Reads the parts of one period's inputs as of one instant."""

    def tickets(self, kinds: tuple[str, ...]) -> PeriodTickets: ...

    def waivers(self) -> frozenset[WaiverKey]: ...

    def availability_by_class(self) -> Mapping[str, AvailabilityFigure]: ...

    def utilisation(self) -> Sequence[PoolUtilisation]: ...

    def idle_findings(self) -> Sequence[IdleFinding]: ...

    def inventory_size(self) -> int: ...

    def inspections(self) -> InspectionReview: ...

    def satisfaction(self) -> SatisfactionSummary: ...

    def obligation_clocks(self) -> Sequence[ObligationClock]: ...

    def catalogue(self) -> Sequence[CatalogueItem]: ...

    def statement_lines(self) -> Sequence[StatementLine]: ...

    def resources(self) -> Sequence[Resource]: ...

    def outages(self) -> Sequence[Outage]: ...

    def duty_shifts(self) -> Sequence[DutyShift]: ...


@dataclass(frozen=True)
class IndicatorInputs:
    """The one input every indicator function takes: the period, the evaluation time, the
    contract and calendar, the hand entries, and the data, read from `source` when first used."""

    period: Period
    at: datetime
    contract: Contract
    calendar: BusinessCalendar
    source: IndicatorSource = field(repr=False, compare=False)
    manual: HandEntries | None = None
    _tickets: dict[tuple[str, ...], PeriodTickets] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def tickets(self, kinds: Iterable[str]) -> PeriodTickets:
        """The period's tickets of these kinds and their results; each set of kinds read once."""
        key = tuple(sorted(set(kinds)))
        if not key:
            return PeriodTickets((), ())
        if key not in self._tickets:
            self._tickets[key] = self.source.tickets(key)
        return self._tickets[key]

    def results_read(self) -> list[TargetResult]:
        """Every result the indicators have read so far, once each (kinds may overlap)."""
        found: dict[tuple[str, str, str], TargetResult] = {}
        for part in self._tickets.values():
            for result in part.results:
                found.setdefault((result.source, result.ticket_id, result.target_id), result)
        return list(found.values())

    @cached_property
    def waivers(self) -> frozenset[WaiverKey]:
        """Violations waived by a supervisor: they do not count against the score."""
        return self.source.waivers()

    @cached_property
    def availability_by_class(self) -> Mapping[str, AvailabilityFigure]:
        """Each resource class's availability in the period so far, by class key."""
        return self.source.availability_by_class()

    @cached_property
    def utilisation(self) -> Sequence[PoolUtilisation]:
        """CPU, memory and storage utilisation per pool over the period's service hours."""
        return self.source.utilisation()

    @cached_property
    def idle_findings(self) -> Sequence[IdleFinding]:
        """Idle hosts and storage whose reclaim deadline could fall in the period."""
        return self.source.idle_findings()

    @cached_property
    def inventory_size(self) -> int:
        """Resources in the inventory; zero: nothing could be checked for idleness."""
        return self.source.inventory_size()

    @cached_property
    def inspections(self) -> InspectionReview:
        """What the period's inspection sheets show."""
        return self.source.inspections()

    @cached_property
    def satisfaction(self) -> SatisfactionSummary:
        """The period's satisfaction survey replies, summarised by the contract's weights."""
        return self.source.satisfaction()

    @cached_property
    def obligation_clocks(self) -> Sequence[ObligationClock]:
        """The contract's obligation periods as of the evaluation time (履约事项)."""
        return self.source.obligation_clocks()

    @cached_property
    def catalogue(self) -> Sequence[CatalogueItem]:
        """Every price of the service catalogue, of any time."""
        return self.source.catalogue()

    @cached_property
    def statement_lines(self) -> Sequence[StatementLine]:
        """The statement lines billed for the period's months."""
        return self.source.statement_lines()

    @cached_property
    def resources(self) -> Sequence[Resource]:
        """The resource inventory."""
        return self.source.resources()

    @cached_property
    def outages(self) -> Sequence[Outage]:
        """The outage records overlapping the period."""
        return self.source.outages()

    @cached_property
    def duty_shifts(self) -> Sequence[DutyShift]:
        """The duty roster's shifts overlapping the period."""
        return self.source.duty_shifts()
