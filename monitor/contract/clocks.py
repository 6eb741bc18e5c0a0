"""Contract terms for clocks fed by a status history: pauses, reopens, severity changes.

Also the operator class the national security-incident reporting rules (in force since
2025-11-01) tier their reporting limits by. Every section has defaults, so older contract
files load unchanged.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import field_validator

from monitor.contract.strict import StrictModel
from monitor.domain.message import InvalidValue, Message

# Why a ticket waits; a status-history import names one of these for every waiting status.
PAUSE_REASONS: dict[str, str] = {
    "awaiting_user": "等待用户",
    "awaiting_vendor": "等待厂商",
    "awaiting_problem": "等待问题处理",
    "awaiting_change": "等待变更",
    "awaiting_evidence": "等待证据",
    # The stretch between a resolution and the reopen that showed it premature.
    "resolved": "已解决后重开",
}


class ReopenPolicy(StrEnum):
    # The restore clock runs on from the report to the final restoration; the stretch the
    # ticket sat resolved before the reopen counts unless `resolved` is a pause reason.
    CONTINUE = "continue"
    # The restore clock starts again at the last reopen; only that episode is judged.
    RESTART = "restart"


class SeverityChangePolicy(StrEnum):
    """When the new severity's targets count. Under either, a target of the old severity keeps
    the verdict it had reached at the change (a breach already made stays; one still running
    is no longer due): monitor.rules.status.history_verdict."""

    # A target of the new severity counts from the moment the severity changed.
    FROM_CHANGE = "from_change"
    # A target of the new severity counts from the report, as if it had always been so.
    FROM_REPORT = "from_report"


class OperatorClass(StrEnum):
    CII = "cii"  # 关键信息基础设施运营者
    STATE_ORGAN = "state_organ"  # 中央和国家机关
    OTHER = "other"  # 其他网络运营者


def check_pause_reasons(value: tuple[str, ...] | None) -> tuple[str, ...] | None:
    for reason in value or ():
        if reason not in PAUSE_REASONS:
            known = ", ".join(PAUSE_REASONS)
            raise InvalidValue(
                Message(
                    f"'{reason}' 不是可暂停计时的等待原因，可选：{known}",
                    f"'{reason}' is not a pause reason; use one of {known}",
                )
            )
    return value


class ClockRules(StrictModel):
    """How a status history moves the clocks (contract key `clocks`)."""

    # Waiting for the user pauses every target; waiting for the operator's own vendor does not.
    # A target may list its own (`pause_reasons` on the target).
    pause_reasons: tuple[str, ...] = ("awaiting_user",)
    reopen: ReopenPolicy = ReopenPolicy.CONTINUE
    severity_change: SeverityChangePolicy = SeverityChangePolicy.FROM_CHANGE

    @field_validator("pause_reasons")
    @classmethod
    def _known(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        check_pause_reasons(value)
        return value
