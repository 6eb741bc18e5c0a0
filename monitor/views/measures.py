"""可用率 and 巡检 for a viewer: the availability report and the inspection review,
cut down to the pools or systems the viewer may see before anything is aggregated."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import Period
from monitor.domain.viewer import Viewer
from monitor.measures.availability import aggregate
from monitor.runs.period_inputs import inspection_review
from monitor.runs.period_measures import AvailabilityReport, availability_report
from monitor.scorecard.inspection_review import InspectionReview
from monitor.storage.resources import load_resources


def availability_for(
    engine: Engine, contract: Contract, viewer: Viewer, period: Period, at: datetime
) -> AvailabilityReport:
    """The availability report over the resources the viewer may see, re-aggregated."""
    report = availability_report(engine, contract, period, at)
    if viewer.sees_everything:
        return report
    units = {r.resource_id: r.user_unit for r in load_resources(engine)}
    mine = [f for f in report.resources if viewer.sees_record(f.pool, units.get(f.key))]
    return AvailabilityReport(
        period,
        at,
        mine,
        aggregate(mine, "class", contract, period, at),
        aggregate(mine, "pool", contract, period, at),
    )


def inspections_for(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    viewer: Viewer,
    period: Period,
    at: datetime,
) -> InspectionReview:
    """The inspection review of the viewer's pools (user units see no inspection sheets)."""
    review = inspection_review(engine, contract, calendar, period, at)
    if viewer.sees_everything:
        return review
    checks = [c for c in review.checks if viewer.sees_pool(c.record.pool)]
    missed = [m for m in review.missed if m.pool is None or viewer.sees_pool(m.pool)]
    refs = [r for r in review.unknown_refs if viewer.sees_pool(r.pool)]
    return replace(review, checks=checks, missed=missed, unknown_refs=refs)
