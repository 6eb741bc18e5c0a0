"""Obligation periods as clocks: their evidence, their statuses, decided in one place; pure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum


class ObligationStatus(StrEnum):
    """What an obligation period says at one instant."""

    DUE = "due"  # owed, not done, its at-risk moment not reached
    AT_RISK = "at_risk"  # owed, not done, the due moment near
    MET = "met"  # done before the due moment
    MISSED = "missed"  # the due moment passed and it is not done
    LATE = "late"  # done, after the due moment


STATUS_NAMES_ZH = {
    ObligationStatus.DUE: "待完成",
    ObligationStatus.AT_RISK: "临近期限",
    ObligationStatus.MET: "按期完成",
    ObligationStatus.MISSED: "逾期未完成",
    ObligationStatus.LATE: "逾期完成",
}
STATUS_NAMES_EN = {
    ObligationStatus.DUE: "due",
    ObligationStatus.AT_RISK: "at risk",
    ObligationStatus.MET: "met",
    ObligationStatus.MISSED: "missed",
    ObligationStatus.LATE: "late",
}


@dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """One imported piece of evidence, or a notice that starts an event-triggered duty."""

    obligation_id: str
    done_on: date | None  # None: a notice not yet dealt with
    document_ref: str | None = None
    done_by: str | None = None
    subject: str | None = None  # the system, or the notice number
    pool: str | None = None
    period: str | None = None  # the period it is for; None: found from done_on
    noticed_on: date | None = None


@dataclass(frozen=True, slots=True)
class Completion:
    """Something counted towards a period: a piece of evidence, or a unit's survey reply."""

    at: datetime
    what: str  # the document, or the unit that replied
    by: str | None = None


@dataclass(frozen=True, slots=True)
class ObligationClock:
    """One obligation over one period, for one subject and pool ('' when it has none)."""

    obligation_id: str
    subject: str
    pool: str
    label: str  # 2022, 2022-Q1, 2022-01, 2022-W05, or the notice's number
    start: date
    end: date  # exclusive
    due_at: datetime
    at_risk_at: datetime
    required: int
    completions: tuple[Completion, ...]  # in time order

    @property
    def met_at(self) -> datetime | None:
        """When the required count was reached; None: not yet."""
        if len(self.completions) < self.required:
            return None
        return self.completions[self.required - 1].at

    def done_by(self, at: datetime) -> int:
        """How many completions had happened by `at`."""
        return sum(1 for completion in self.completions if completion.at <= at)

    def status(self, at: datetime) -> ObligationStatus:
        return obligation_status(self.due_at, self.at_risk_at, self.met_at, at)


def obligation_status(
    due_at: datetime, at_risk_at: datetime, met_at: datetime | None, at: datetime
) -> ObligationStatus:
    """The status of a period at `at`, from its due and at-risk moments and when it was met.

    Completion after `at` is not known at `at`: the period is still owed then.
    """
    if met_at is not None and met_at <= at:
        return ObligationStatus.MET if met_at < due_at else ObligationStatus.LATE
    if at >= due_at:
        return ObligationStatus.MISSED
    if at >= at_risk_at:
        return ObligationStatus.AT_RISK
    return ObligationStatus.DUE
