"""巡检: unclosed findings with their age and what is missing, and days nobody inspected
(the inspection review, cut to the viewer's pools)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.fmt import duration, when
from dashboard.i18n import t
from monitor.measures.inspections import day_ranges
from monitor.views.measures import inspections_for

ctx = state.require_page("inspections")
zone = ctx.zone
st.title(t("page.inspections"))
review = inspections_for(ctx.engine, ctx.contract, ctx.calendar, ctx.viewer, ctx.period, ctx.at)
if ctx.viewer.sees_everything:
    st.caption(t("inspections.summary", records=review.records, abnormal=review.abnormal))

st.subheader(t("inspections.unclosed") + t("list.count", count=len(review.unclosed)))
if not review.unclosed:
    st.success(t("inspections.none_unclosed"))
else:
    rows = []
    for check in review.unclosed:
        record = check.record
        missing = ["resolved_at"] if record.resolved_at is None else []
        missing += check.missing
        rows.append(
            {
                t("col.record"): record.record_key,
                t("col.inspected_at"): when(record.inspected_at, zone),
                t("col.pool"): record.pool or "—",
                t("col.item"): record.item,
                t("col.finding"): record.finding or "—",
                t("col.status"): t(f"finding_state.{check.state.value}"),
                t("col.age"): duration(check.age_seconds),
                t("col.deadline"): when(check.deadline, zone),
                t("col.missing"): t("list.sep").join(t(f"evidence.{m}") for m in missing) or "—",
                t("col.ticket_id"): record.ticket_id or "—",
            }
        )
    st.table(pd.DataFrame(rows), hide_index=True)

st.subheader(t("inspections.missed") + t("list.count", count=len(review.missed)))
if not review.missed:
    st.success(t("inspections.none_missed"))
else:
    by_pool: dict[str, list[date]] = {}
    for missed in review.missed:
        by_pool.setdefault(missed.pool or "—", []).append(missed.day)
    st.table(
        pd.DataFrame(
            {
                t("col.pool"): pool,
                t("col.day"): t("list.sep").join(
                    first.isoformat()
                    if first == last
                    else t("list.range", first=first.isoformat(), last=last.isoformat())
                    for first, last in day_ranges(days)
                ),
                t("col.count"): len(days),
            }
            for pool, days in sorted(by_pool.items())
        ),
        hide_index=True,
    )
