"""The points of one indicator of the evaluation table and what they rest on."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class IndicatorScore:
    """One indicator of the evaluation table: its points and what they rest on."""

    id: str
    name_zh: str
    points: float
    max_points: float
    rule_zh: str
    # The measured value the rule was applied to, e.g. 58.6 (%) or 1 (late ticket).
    measured: float | None
    # What the points rest on: ticket ids, resources, findings — shown next to the score.
    evidence: tuple[str, ...]
    # Indicator-specific figures, carried into JSON output as they are.
    details: dict[str, object] = field(default_factory=dict)
    # The name and rule in English; the evidence in English where it holds words (None: the
    # evidence is ids and figures, the same in both languages).
    name_en: str = ""
    rule_en: str = ""
    evidence_en: tuple[str, ...] | None = None
