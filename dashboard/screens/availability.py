"""可用率: per class, pool or resource — target line, error budget, burn rates, coverage gaps
(the availability report, cut to what the viewer may see)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.charts import availability_chart, daily_availability_chart
from dashboard.fmt import duration, percent
from dashboard.i18n import language, status_label, t
from monitor.domain.durations import format_duration
from monitor.domain.resources import rollup_day
from monitor.views.availability_days import availability_days
from monitor.views.measures import availability_for

ctx = state.require_page("availability")
st.title(t("page.availability"))
floor = f"{ctx.contract.availability.coverage_floor:.0%}"
st.caption(f"{ctx.period.label} · {t('availability.coverage_floor', floor=floor)}")

by = st.radio(
    t("availability.by"),
    ["class", "pool", "resource"],
    key="a_by",
    horizontal=True,
    format_func=lambda b: t(f"by.{b}"),
)
report = availability_for(ctx.engine, ctx.contract, ctx.viewer, ctx.period, ctx.at)
figures = {"class": report.by_class, "pool": report.by_pool, "resource": report.resources}[by]
if not figures:
    st.info(t("overview.no_availability"))
    st.stop()

names = {key: klass.name_zh for key, klass in ctx.contract.availability.classes.items()}
windows = ctx.contract.availability.burn_rate_windows


def window_name(window: timedelta) -> str:
    """A burn-rate window as a person says it: 1小时 in Chinese, 1h in English."""
    return format_duration(window) if language() == "en" else duration(window.total_seconds())


def name_of(key: str) -> str:
    return names.get(key, key) if by == "class" else key


frame = pd.DataFrame(
    {
        "name": name_of(f.key),
        "availability": None if f.availability is None else round(f.availability * 100, 4),
        "target": f.target,
        "coverage": round(f.coverage * 100, 1),
    }
    for f in figures
)
st.altair_chart(availability_chart(frame), width="stretch")
rows = []
for f in figures:
    remaining = f.remaining_budget_seconds
    row = {
        t("col.name"): name_of(f.key),
        t("col.resources"): f.resources,
        t("col.availability"): percent(f.availability, 4),
        t("col.target_pct"): "—" if f.target is None else f"{f.target:g}%",
        t("col.coverage"): percent(f.coverage, 1),
        t("col.budget_left"): "—" if remaining is None else f"{remaining / 60:.1f}",
    }
    for window in windows:
        rate = f.burn_rate(window)
        row[t("availability.burn", window=window_name(window))] = (
            "—" if rate is None else f"{rate:.2f}"
        )
    row[t("col.status")] = status_label(f.status.value if f.status else None)
    row[t("col.findings")] = t("list.sep").join(t(f"finding.{x}") for x in f.findings) or "—"
    rows.append(row)
st.dataframe(pd.DataFrame(rows), hide_index=True)

st.subheader(t("availability.daily"))
days = availability_days(ctx.engine, ctx.viewer, ctx.period)
if not days:
    st.info(t("chart.no_data"))
else:
    # Every rollup day of the period on the axis: one without samples is a gap in its line.
    found = {(d.pool, d.day): d for d in days}
    first = rollup_day(ctx.period.start)
    count = (rollup_day(ctx.period.end - timedelta(microseconds=1)) - first).days + 1
    daily = pd.DataFrame(
        {
            "day": pd.Timestamp(first + timedelta(days=offset)),
            "pool": pool,
            "availability": None if day is None else round(day.availability * 100, 3),
            "coverage": None if day is None else round(day.coverage * 100, 1),
        }
        for pool in sorted({d.pool for d in days})
        for offset in range(count)
        for day in [found.get((pool, first + timedelta(days=offset)))]
    )
    st.altair_chart(daily_availability_chart(daily), width="stretch")
    st.caption(t("availability.daily_note"))

st.subheader(t("availability.gaps"))
gaps = [f for f in report.resources if f.findings]
if not gaps:
    st.success(t("availability.no_gaps"))
else:
    st.table(
        pd.DataFrame(
            {
                t("col.name"): f.key,
                t("col.pool"): f.pool or "—",
                t("col.coverage"): percent(f.coverage, 1),
                t("col.findings"): t("list.sep").join(t(f"finding.{x}") for x in f.findings),
            }
            for f in gaps
        ),
        hide_index=True,
    )
