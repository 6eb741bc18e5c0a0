"""The evaluation scorecard (绩效评价指标评分表): computed and hand-entered indicators, the
section subtotals, the total and the grade from the contract's bands.

An indicator slamon has no data for is listed as such, never given invented points; the total
then says how many points it covers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from monitor.contract.model import Contract
from monitor.domain.scores import IndicatorScore
from monitor.scorecard.registry import english_name, expected_indicators

UNSECTIONED = "其他"


class Origin(StrEnum):
    COMPUTED = "computed"
    MANUAL = "manual"
    NO_DATA = "no_data"

    @property
    def label_zh(self) -> str:
        return {"computed": "系统计算", "manual": "手工录入", "no_data": "无数据"}[self.value]

    def label(self, lang: str) -> str:
        """Where the points come from, for people in `lang` ("zh" or "en")."""
        if lang == "zh":
            return self.label_zh
        return {"computed": "computed", "manual": "entered by hand", "no_data": "no data"}[
            self.value
        ]


# The default grade bands' names in English; a contract's own grade names stay as written.
GRADE_NAMES_EN = {"优": "Excellent", "良": "Good", "中": "Fair", "差": "Poor"}


def grade_name(grade: str, lang: str) -> str:
    """A grade for people in `lang` ("zh" or "en")."""
    return GRADE_NAMES_EN.get(grade, grade) if lang == "en" else grade


@dataclass(frozen=True, slots=True)
class ManualEntry:
    """An indicator scored by hand (立项, 预算 …), carried into the total with who entered it."""

    id: str
    name_zh: str
    section: str
    points: float
    max_points: float
    entered_by: str
    entered_on: date | None = None
    note: str | None = None


@dataclass(frozen=True, slots=True)
class ScorecardLine:
    id: str
    name_zh: str
    section: str
    origin: Origin
    points: float | None  # None: no data
    max_points: float
    rule_zh: str = ""
    measured: float | None = None
    evidence: tuple[str, ...] = ()
    details: dict[str, object] = field(default_factory=dict)
    entered_by: str | None = None
    note: str | None = None  # a manual entry's remark, or why there is no data
    # The same in English; empty or None where the line has no English of its own (a manual
    # entry's name and remark are the evaluators' words; ids and figures need none).
    name_en: str = ""
    rule_en: str = ""
    evidence_en: tuple[str, ...] | None = None
    note_en: str | None = None

    def name(self, lang: str) -> str:
        """The indicator's name in the language ("zh" or "en")."""
        return (self.name_en or self.name_zh) if lang == "en" else self.name_zh

    def rule(self, lang: str) -> str:
        """The scoring rule in the language, or why there is no data, or "" (none)."""
        if lang == "en":
            return self.rule_en or self.note_en or self.note or ""
        return self.rule_zh or self.note or ""

    def evidence_in(self, lang: str) -> tuple[str, ...]:
        """What the points rest on, in the language."""
        return self.evidence_en if lang == "en" and self.evidence_en is not None else self.evidence


@dataclass(frozen=True, slots=True)
class SectionTotal:
    name: str
    points: float
    max_points: float
    deducts: bool


@dataclass(frozen=True, slots=True)
class Scorecard:
    lines: list[ScorecardLine]
    sections: list[SectionTotal]
    total: float
    max_total: float  # the full marks of the non-deducting sections
    grade: str
    # Points of indicators without data: when non-zero the total is incomplete.
    missing_points: float
    # Manual entries for indicators slamon computed itself: the computed value was kept.
    ignored_manual: list[ManualEntry]

    @property
    def complete(self) -> bool:
        return self.missing_points == 0


def build_scorecard(
    computed: Sequence[IndicatorScore],
    manual: Iterable[ManualEntry],
    contract: Contract,
    no_data_reasons: Mapping[str, str] | None = None,
    no_data_reasons_en: Mapping[str, str] | None = None,
) -> Scorecard:
    """Computed indicators, then hand entries for the rest, then what has no data; totals."""
    config = contract.scorecard
    sections_of = config.indicator_sections
    lines = [_computed_line(score, sections_of.get(score.id, UNSECTIONED)) for score in computed]
    have = {line.id for line in lines}
    ignored: list[ManualEntry] = []
    for entry in manual:
        if entry.id in have:
            ignored.append(entry)
            continue
        have.add(entry.id)
        lines.append(_manual_line(entry))
    for key, (name, max_points) in expected_indicators(contract).items():
        if key not in have:
            reason = (no_data_reasons or {}).get(key, "slamon 没有本期数据，且未手工录入")
            reason_en = (no_data_reasons_en or {}).get(
                key, "slamon has no data for this period, and no score was entered by hand"
            )
            section = sections_of.get(key, UNSECTIONED)
            lines.append(
                ScorecardLine(
                    key,
                    name,
                    section,
                    Origin.NO_DATA,
                    None,
                    max_points,
                    note=reason,
                    name_en=english_name(contract, key),
                    note_en=reason_en,
                )
            )
    order = {name: index for index, name in enumerate(config.sections)}
    lines.sort(key=lambda line: order.get(line.section, len(order)))
    sections = _section_totals(lines, [*config.sections, UNSECTIONED], config.deduction_sections)
    total = round(sum(section.points for section in sections), 2)
    return Scorecard(
        lines=lines,
        sections=sections,
        total=total,
        max_total=round(sum(s.max_points for s in sections if not s.deducts), 2),
        grade=contract.grade_for(total),
        missing_points=sum(line.max_points for line in lines if line.points is None),
        ignored_manual=ignored,
    )


def _computed_line(score: IndicatorScore, section: str) -> ScorecardLine:
    return ScorecardLine(
        id=score.id,
        name_zh=score.name_zh,
        section=section,
        origin=Origin.COMPUTED,
        points=score.points,
        max_points=score.max_points,
        rule_zh=score.rule_zh,
        measured=score.measured,
        evidence=score.evidence,
        details=dict(score.details),
        name_en=score.name_en,
        rule_en=score.rule_en,
        evidence_en=score.evidence_en,
    )


def _manual_line(entry: ManualEntry) -> ScorecardLine:
    return ScorecardLine(
        id=entry.id,
        name_zh=entry.name_zh,
        section=entry.section,
        origin=Origin.MANUAL,
        points=entry.points,
        max_points=entry.max_points,
        rule_zh="评价组评分",
        rule_en="scored by the evaluation group",
        entered_by=entry.entered_by,
        note=entry.note,
    )


def _section_totals(
    lines: Sequence[ScorecardLine], names: Sequence[str], deducting: Sequence[str]
) -> list[SectionTotal]:
    totals: list[SectionTotal] = []
    for name in names:
        members = [line for line in lines if line.section == name]
        if not members:
            continue
        totals.append(
            SectionTotal(
                name=name,
                points=round(sum(line.points or 0.0 for line in members), 2),
                max_points=round(sum(line.max_points for line in members), 2),
                deducts=name in deducting,
            )
        )
    return totals
