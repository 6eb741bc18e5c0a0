"""一云 vs 二云: the same figures for each resource pool, side by side."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.charts import side_by_side_chart
from dashboard.fmt import percent
from dashboard.i18n import status_label, t
from dashboard.response_section import response_times_section
from monitor.views.compare import pool_comparison

ctx = state.require_page("compare")
st.title(t("page.compare"))
st.caption(ctx.period.label)
pools = pool_comparison(ctx.engine, ctx.contract, ctx.calendar, ctx.viewer, ctx.period, ctx.at)
if not pools:
    st.info(t("compare.none"))
    st.stop()

for column, figures in zip(st.columns(len(pools)), pools, strict=True):
    with column:
        st.subheader(figures.pool)
        column.metric(t("compare.tickets"), figures.tickets, border=True)
        column.metric(
            t("compare.violations"),
            figures.violations - figures.waived,
            border=True,
            help=f"{t('compare.waived')}: {figures.waived}",
        )
        column.metric(t("compare.availability"), percent(figures.availability, 3), border=True)

counted = {
    t("compare.tickets"): [f.tickets for f in pools],
    t("compare.open"): [f.open for f in pools],
    t("compare.violations"): [f.violations - f.waived for f in pools],
    t("compare.waived"): [f.waived for f in pools],
}
side_by_side = pd.DataFrame(
    {"figure": name, "pool": f.pool, "value": values[i]}
    for name, values in counted.items()
    for i, f in enumerate(pools)
)
st.altair_chart(side_by_side_chart(side_by_side), width="stretch")

rows: dict[str, list[Any]] = {
    t("compare.tickets"): [f.tickets for f in pools],
    t("compare.open"): [f.open for f in pools],
    t("compare.faults"): [f.faults for f in pools],
    t("compare.violations"): [f.violations for f in pools],
    t("compare.violated_tickets"): [f.violated_tickets for f in pools],
    t("compare.waived"): [f.waived for f in pools],
    t("compare.availability"): [percent(f.availability, 3) for f in pools],
    t("col.status"): [status_label(f.availability_status) for f in pools],
    t("col.coverage"): [percent(f.coverage, 1) for f in pools],
    t("compare.utilisation"): [
        "—" if f.utilisation is None else f"{f.utilisation:.1f}%" for f in pools
    ],
    t("compare.unclosed"): [f.unclosed_findings for f in pools],
    t("compare.missed"): [f.missed_days for f in pools],
}
st.table(
    pd.DataFrame(
        {
            "": list(rows),
            **{f.pool: [str(v[i]) for v in rows.values()] for i, f in enumerate(pools)},
        }
    ),
    hide_index=True,
)
response_times_section(ctx)
