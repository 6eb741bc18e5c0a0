"""MTTA and MTTR on 资源池对比: this period per pool, operator or severity, and their trend
over the 12 months the overview's trend shows."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.charts import severity_scale, trend_lines_chart
from dashboard.fmt import duration, vocabulary
from dashboard.i18n import t
from dashboard.state import Context
from dashboard.trend import trend_periods
from monitor.views.response_times import GROUPINGS, ResponseTimes, response_times


def response_times_section(ctx: Context) -> None:
    st.subheader(t("response.title"))
    by = st.radio(
        t("availability.by"),
        GROUPINGS,
        key="response_by",
        horizontal=True,
        format_func=lambda g: t(f"col.{g}"),
    )

    def name(row: ResponseTimes) -> str:
        if by == "severity":
            return vocabulary(ctx.contract.severities, row.group)  # type: ignore[arg-type]
        return row.group or "—"

    now = response_times(ctx.engine, ctx.viewer, [ctx.period], by)
    if not now:
        st.info(t("response.none"))
        return
    st.table(
        pd.DataFrame(
            {
                t(f"col.{by}"): name(r),
                t("response.tickets"): r.tickets,
                t("response.mtta"): duration(r.mtta_seconds),
                t("response.mttr"): duration(r.mttr_seconds),
                t("response.open"): r.tickets - r.restored,
            }
            for r in now
        ),
        hide_index=True,
    )
    months, _ = trend_periods(ctx.period, ctx.zone)
    trend = response_times(ctx.engine, ctx.viewer, months, by)
    scale = severity_scale(ctx.contract.severities) if by == "severity" else None
    left, right = st.columns(2)
    for column, title, pick, unit in (
        (left, t("response.mtta_minutes"), "mtta_seconds", 60),
        (right, t("response.mttr_hours"), "mttr_seconds", 3600),
    ):
        frame = pd.DataFrame(
            {"month": r.period, "group": name(r), "value": getattr(r, pick) / unit}
            for r in trend
            if getattr(r, pick) is not None
        )
        if not frame.empty:
            column.altair_chart(trend_lines_chart(frame, title, scale), width="stretch")
