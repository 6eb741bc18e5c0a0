"""Records other than tickets as the measures see them: inspection lines and survey replies."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class InspectionResult(StrEnum):
    NORMAL = "normal"
    ABNORMAL = "abnormal"


RESULT_LABELS_ZH = {InspectionResult.NORMAL: "正常", InspectionResult.ABNORMAL: "异常"}


@dataclass(frozen=True, slots=True)
class InspectionRecord:
    """One line of an inspection sheet; `record_key` is unique within its source."""

    record_key: str
    inspected_at: datetime
    item: str
    result: InspectionResult
    source: str = "file"
    pool: str | None = None
    inspector: str | None = None
    finding: str | None = None
    measure: str | None = None
    resolved_at: datetime | None = None
    resolution_record: str | None = None
    evidence_ref: str | None = None
    ticket_id: str | None = None


@dataclass(frozen=True, slots=True)
class SurveyReply:
    """One unit's reply to one survey; `answers` maps a question to its rating key."""

    unit: str
    replied_at: datetime
    rating: str
    survey: str = ""
    source: str = "file"
    pool: str | None = None
    respondent: str | None = None
    answers: Mapping[str, str] = field(default_factory=dict)
