"""Hand-entered scorecard entries: the qualitative indicators (立项, 预算 …) and the SLA
assessment score, from a YAML file that says who entered them.

```yaml
entered_by: 第三方评价机构 评价组        # default for every entry
entered_on: 2023-09-01
period: 2022                           # optional: the year or month it scores, and only it
sla_assessment_score: 92               # optional: input to 服务水平协议（SLA）考核
indicators:
  - {id: basis, name_zh: 立项依据充分性, section: 决策, points: 2, max_points: 2}
  - {id: self_evaluation, name_zh: 自评工作质量, section: 逆向指标, points: -1, max_points: 10,
     note: 自评报告提交较晚}
```
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Self

from pydantic import Field, field_validator, model_validator

from monitor.contract.model import Contract
from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import YamlFileError, load_yaml_model
from monitor.domain.message import InvalidValue, Message
from monitor.scorecard.table import ManualEntry


class ManualScoresError(YamlFileError):
    """A manual entry file that cannot be used; the message names the file and the entry."""


class _Entry(StrictModel):
    id: str = Field(pattern=r"^[A-Za-z0-9_.\-]+$")
    name_zh: str = Field(min_length=1)
    section: str
    points: float
    max_points: float = Field(ge=0)
    entered_by: str | None = None
    entered_on: date | None = None
    note: str | None = None


class _File(StrictModel):
    entered_by: str | None = None
    entered_on: date | None = None
    period: str | None = Field(default=None, pattern=r"^\d{4}(-\d{2})?$")
    sla_assessment_score: float | None = Field(default=None, ge=0, le=100)
    indicators: tuple[_Entry, ...] = ()

    @field_validator("period", mode="before")
    @classmethod
    def _year_as_text(cls, value: Any) -> Any:
        return str(value) if isinstance(value, int) and not isinstance(value, bool) else value

    @model_validator(mode="after")
    def _someone_entered_each(self) -> Self:
        ids: set[str] = set()
        for entry in self.indicators:
            if entry.id in ids:
                raise InvalidValue(
                    Message(
                        f"指标 '{entry.id}' 重复列出", f"indicator id '{entry.id}' is listed twice"
                    )
                )
            ids.add(entry.id)
            if not (entry.entered_by or self.entered_by):
                raise InvalidValue(
                    Message(
                        f"{entry.id}：请写明录入人（entered_by）",
                        f"{entry.id}: say who entered it (entered_by)",
                    )
                )
        if self.sla_assessment_score is not None and not self.entered_by:
            raise InvalidValue(
                Message(
                    "sla_assessment_score：请在文件顶层写明录入人（entered_by）",
                    "sla_assessment_score: say who entered it (top-level entered_by)",
                )
            )
        return self


@dataclass(frozen=True, slots=True)
class ManualScores:
    entries: tuple[ManualEntry, ...]
    sla_assessment_score: float | None
    entered_by: str | None
    path: Path
    period: str | None = None  # the period label it scores (2022, 2022-08); None: any

    def scores(self, period_label: str) -> bool:
        """Whether the entries belong to the period labelled so."""
        return self.period is None or self.period == period_label


def load_manual_scores(path: Path, contract: Contract) -> ManualScores:
    """Read and validate a manual entry file against the contract's scorecard sections."""
    parsed = load_yaml_model(path, _File, "the manual scores file", ManualScoresError)
    config = contract.scorecard
    entries = []
    for entry in parsed.indicators:
        if entry.section not in config.sections:
            raise ManualScoresError(
                path,
                f"{entry.id}: unknown section '{entry.section}'; "
                f"use one of {', '.join(config.sections)}",
            )
        deducts = entry.section in config.deduction_sections
        low, high = (-entry.max_points, 0.0) if deducts else (0.0, entry.max_points)
        if not low <= entry.points <= high:
            raise ManualScoresError(
                path, f"{entry.id}: points {entry.points:g} outside {low:g}…{high:g}"
            )
        entered_by = entry.entered_by or parsed.entered_by
        assert entered_by is not None  # validated above
        entries.append(
            ManualEntry(
                id=entry.id,
                name_zh=entry.name_zh,
                section=entry.section,
                points=entry.points,
                max_points=entry.max_points,
                entered_by=entered_by,
                entered_on=entry.entered_on or parsed.entered_on,
                note=entry.note,
            )
        )
    return ManualScores(
        tuple(entries), parsed.sla_assessment_score, parsed.entered_by, path, parsed.period
    )
