"""What a period's inspection sheets show as of an instant: findings, missed days, bad refs."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.domain.records import InspectionRecord
from monitor.measures.inspections import FindingCheck, MissedDay


@dataclass(frozen=True, slots=True)
class InspectionReview:
    """What the inspection sheets of a period show as of `at`."""

    records: int  # inspected in the period
    abnormal: int
    checks: list[FindingCheck]  # abnormal findings: the period's, and older ones still open
    missed: list[MissedDay]
    unknown_refs: list[InspectionRecord]

    @property
    def unclosed(self) -> list[FindingCheck]:
        return [check for check in self.checks if check.state.is_unclosed]
