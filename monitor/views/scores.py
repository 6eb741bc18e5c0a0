"""评分 for the dashboard: the period scorecard, with the points each indicator lost."""

from __future__ import annotations

from dataclasses import dataclass

from monitor.domain.viewer import Viewer
from monitor.runs.scorecard import PeriodScorecard
from monitor.scorecard.table import ScorecardLine


@dataclass(frozen=True, slots=True)
class ScoreCard:
    id: str
    name_zh: str
    section: str
    points: float | None  # None: no data
    max_points: float
    lost: float | None
    origin: str
    rule_zh: str
    evidence: tuple[str, ...]
    note: str | None


def _card(line: ScorecardLine) -> ScoreCard:
    lost = None if line.points is None else round(line.max_points - line.points, 2)
    return ScoreCard(
        line.id,
        line.name_zh,
        line.section,
        line.points,
        line.max_points,
        lost,
        line.origin.value,
        line.rule_zh,
        line.evidence,
        line.note,
    )


def scorecard_pools(viewer: Viewer) -> frozenset[str] | None:
    """The pools a viewer's scorecard covers: an operator's own; None: the whole cloud."""
    return None if viewer.sees_everything else frozenset(viewer.pools)


def score_cards(card: PeriodScorecard, *, computed_only: bool = True) -> list[ScoreCard]:
    """One card per indicator; by default only those slamon computes (not hand entries)."""
    lines = card.scorecard.lines
    if computed_only:
        lines = [line for line in lines if line.origin.value != "manual"]
    return [_card(line) for line in lines]
