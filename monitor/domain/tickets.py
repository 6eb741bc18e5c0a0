"""The domain model: tickets, their events, and the closed vocabulary of target statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from monitor.domain.message import Message

# The timestamps a ticket can carry, in the order they usually happen. Targets name their
# start and stop events from this list.
EVENT_FIELDS: tuple[str, ...] = (
    "reported_at",
    "responded_at",
    "arrived_at",
    "user_notified_at",
    "restored_at",
    "confirmed_at",
    "report_submitted_at",
    "closed_at",
    # When the operator reported a security incident to the regulator (监管报告时间).
    "regulator_reported_at",
)
# Ticket attributes that are histories derived from a status log, not database columns.
HISTORY_FIELDS: tuple[str, ...] = ("pauses", "severity_changes", "reopens")


@dataclass(frozen=True, slots=True)
class Pause:
    """A stretch in a waiting status (e.g. awaiting the user); end None: still waiting."""

    start: datetime
    end: datetime | None
    reason: str


@dataclass(frozen=True, slots=True)
class SeverityChange:
    """The ticket's severity became `severity` at `at` (from its status history).

    A ticket's list starts with the severity it was reported with (dated at or before the
    report); before the first entry of a list without one, the severity is not known.
    """

    at: datetime
    severity: str | None


@dataclass(frozen=True, slots=True)
class Ticket:
    """One incident or service ticket as the operator recorded it; all times are aware."""

    ticket_id: str
    kind: str
    reported_at: datetime
    severity: str | None = None
    source: str = "file"
    pool: str | None = None
    operator: str | None = None
    user_unit: str | None = None
    system: str | None = None
    title: str | None = None
    responded_at: datetime | None = None
    arrived_at: datetime | None = None
    user_notified_at: datetime | None = None
    restored_at: datetime | None = None
    confirmed_at: datetime | None = None
    report_submitted_at: datetime | None = None
    closed_at: datetime | None = None
    restore_size_gb: float | None = None
    regulator_reported_at: datetime | None = None
    # Histories from an event log (monitor.rules.pauses, monitor.rules.status); empty for a plain
    # snapshot.
    pauses: tuple[Pause, ...] = ()
    severity_changes: tuple[SeverityChange, ...] = ()
    reopens: tuple[datetime, ...] = ()  # when a resolved or closed ticket was reopened

    def event(self, name: str) -> datetime | None:
        """The time of the named event, or None if it was never recorded."""
        value: datetime | None = getattr(self, name)
        return value


class Status(StrEnum):
    """What a target's clock says about one ticket; decided only in monitor.rules.status."""

    MET = "met"
    BREACHED = "breached"
    AT_RISK = "at_risk"
    PENDING = "pending"
    NOT_STARTED = "not_started"
    MISSING_EVIDENCE = "missing_evidence"
    # The deadline needs working days of a year no calendar source knows yet: no verdict.
    CALENDAR_UNKNOWN = "calendar_unknown"
    # The ticket holds a value its clock cannot be computed from (monitor.domain.bounds): no
    # verdict, a finding on that ticket. New statuses go last: stored status codes are places
    # in this enum.
    EVALUATION_ERROR = "evaluation_error"

    @property
    def label_zh(self) -> str:
        return STATUS_LABELS_ZH[self]

    def label(self, lang: str) -> str:
        """The status's name for people in `lang` ("zh" or "en")."""
        return STATUS_LABELS_ZH[self] if lang == "zh" else STATUS_LABELS_EN[self]

    @property
    def is_violation(self) -> bool:
        """Counts against the operator: the report treats missing evidence as failing (an
        unknown calendar and an evaluation error are no verdict, so they do not count)."""
        return self in (Status.BREACHED, Status.MISSING_EVIDENCE)


STATUS_LABELS_ZH: dict[Status, str] = {
    Status.MET: "达标",
    Status.BREACHED: "超时违约",
    Status.AT_RISK: "临近超时",
    Status.PENDING: "计时中",
    Status.NOT_STARTED: "未起算",
    Status.MISSING_EVIDENCE: "缺少证据",
    Status.CALENDAR_UNKNOWN: "日历未知",
    Status.EVALUATION_ERROR: "评估错误",
}
STATUS_LABELS_EN: dict[Status, str] = {
    Status.MET: "met",
    Status.BREACHED: "breached",
    Status.AT_RISK: "at risk",
    Status.PENDING: "running",
    Status.NOT_STARTED: "not started",
    Status.MISSING_EVIDENCE: "missing evidence",
    Status.CALENDAR_UNKNOWN: "calendar unknown",
    Status.EVALUATION_ERROR: "evaluation error",
}


@dataclass(frozen=True, slots=True)
class ContractRef:
    """Which contract judged a result: its name and version (the SHA-256 of its file)."""

    name: str
    version: str

    @property
    def short_version(self) -> str:
        return self.version[:12]


@dataclass(frozen=True, slots=True)
class TargetResult:
    """The verdict of one target on one ticket at one evaluation time."""

    source: str
    ticket_id: str
    target_id: str
    status: Status
    start: datetime | None
    deadline: datetime | None
    stop: datetime | None
    # Seconds past the deadline: the stop's lateness, or how long an open clock has been
    # overdue. 0 when not late, None when no deadline could be set.
    overdue_seconds: int | None
    # The instant an open clock turns at_risk; None once stopped or when unknown.
    at_risk_from: datetime | None = None
    # The contract that judged it; None where a caller evaluated by one contract directly.
    contract: ContractRef | None = None

    @property
    def explanation_zh(self) -> str | None:
        """Why a result lacks evidence, read from its own fields (nothing more is stored)."""
        return missing_evidence_reason(self.status, self.start, self.deadline, self.stop)


def missing_evidence_reason(
    status: Status | str, start: datetime | None, deadline: datetime | None, stop: datetime | None
) -> str | None:
    """Why a missing_evidence verdict lacks evidence, from the result's own fields; None for
    any other status. Shared by fresh results and stored ones (the dashboard's detail page)."""
    if Status(status) is not Status.MISSING_EVIDENCE:
        return None
    if start is not None and stop is not None and stop < start:
        return STOP_BEFORE_START
    if start is None:
        return "已关闭但未记录开始时间 (closed without its start event)"
    if deadline is None:
        return "已关闭但无法计算时限 (closed; no deadline could be set)"
    return "已关闭但未记录结束时间 (closed without its stop event)"


# A stop recorded before its start is a data error: never met, always missing evidence.
STOP_BEFORE_START = "结束时间早于开始时间 (stop before start)"


def calendar_unknown_message(year: int | None) -> Message:
    """Why a calendar_unknown result has no deadline: the year whose working days it needs
    (monitor.domain.calendar.BusinessCalendar.first_unknown_day_after); None: not known."""
    if year is None:
        return Message("需要尚未知的工作日历", "working-day calendar unknown")
    return Message(f"需要 {year} 年的工作日历", f"calendar for {year} unknown")


def calendar_unknown_reason(year: int | None) -> str:
    """calendar_unknown_message as it is stored: 中文 (English)."""
    message = calendar_unknown_message(year)
    return f"{message.zh} ({message.en})"
