"""评分 for the dashboard: the period scorecard, with the points each indicator lost."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.contract.scorecard import ScorecardConfig
from monitor.domain.viewer import Viewer
from monitor.runs.scorecard import PeriodScorecard
from monitor.scorecard.table import ScorecardLine


@dataclass(frozen=True, slots=True)
class ScoreCard:
    """One indicator as a page shows it, its words in the page's language."""

    id: str
    name: str
    section: str
    points: float | None  # None: no data
    max_points: float
    lost: float | None
    origin: str
    rule: str  # the scoring rule, or why there is no data; "" when neither
    evidence: tuple[str, ...]


def _card(line: ScorecardLine, sections: ScorecardConfig, lang: str) -> ScoreCard:
    lost = None if line.points is None else round(line.max_points - line.points, 2)
    return ScoreCard(
        line.id,
        line.name(lang),
        sections.section_name(line.section, lang),
        line.points,
        line.max_points,
        lost,
        line.origin.value,
        line.rule(lang),
        line.evidence_in(lang),
    )


def scorecard_pools(viewer: Viewer) -> frozenset[str] | None:
    """The pools a viewer's scorecard covers: an operator's own; None: the whole cloud."""
    return None if viewer.sees_everything else frozenset(viewer.pools)


def score_cards(
    card: PeriodScorecard, sections: ScorecardConfig, lang: str, *, computed_only: bool = True
) -> list[ScoreCard]:
    """One card per indicator in the language ("zh" or "en"); by default only those slamon
    computes (not hand entries)."""
    lines = card.scorecard.lines
    if computed_only:
        lines = [line for line in lines if line.origin.value != "manual"]
    return [_card(line, sections, lang) for line in lines]
