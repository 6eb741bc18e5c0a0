"""履约事项: the contract's periodic obligations owed during the period — due, done, missed —
with their evidence (an operator sees its own pools')."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.i18n import language, t
from monitor.domain.obligations import ObligationStatus
from monitor.views.obligations import obligations_for

ctx = state.require_page("obligations")
zone = ctx.zone
st.title(t("page.obligations"))
st.caption(ctx.period.label)
if not ctx.contract.obligations:
    st.info(t("obligations.none_in_contract"))
    st.stop()
clocks = obligations_for(ctx.engine, ctx.contract, ctx.calendar, ctx.viewer, ctx.period, ctx.at)
if not ctx.viewer.sees_everything:
    st.caption(t("obligations.pools_only", pools=t("list.sep").join(ctx.viewer.pools)))
if not clocks:
    st.info(t("obligations.none"))
    st.stop()

statuses = [clock.status(ctx.at) for clock in clocks]
counted = {status: statuses.count(status) for status in ObligationStatus}
columns = st.columns(len(ObligationStatus))
for column, status in zip(columns, ObligationStatus, strict=True):
    column.metric(t(f"obligation_status.{status.value}"), counted[status], border=True)

chosen = st.multiselect(
    t("obligations.filter_status"),
    list(ObligationStatus),
    format_func=lambda status: t(f"obligation_status.{status.value}"),
)
names = {
    item.id: item.name_en if language() == "en" else item.name_zh
    for item in ctx.contract.obligations
}
rows = []
for clock, status in zip(clocks, statuses, strict=True):
    if chosen and status not in chosen:
        continue
    done = [c for c in clock.completions if c.at <= ctx.at]
    last_day = (clock.due_at.astimezone(zone) - timedelta(microseconds=1)).date()
    rows.append(
        {
            t("col.obligation"): names.get(clock.obligation_id, clock.obligation_id),
            t("col.period"): clock.label,
            t("col.pool"): clock.pool or "—",
            t("col.subject"): clock.subject if clock.subject != clock.label else "—",
            t("col.due_by"): t("obligations.last_day", day=last_day.isoformat()),
            t("col.required"): clock.required,
            t("col.done"): len(done),
            t("col.status"): t(f"obligation_status.{status.value}"),
            t("col.evidence"): t("list.sep").join(
                f"{c.what} {c.at.astimezone(zone).date().isoformat()}"
                + (f" {c.by}" if c.by else "")
                for c in done
            )
            or "—",
        }
    )
st.subheader(t("obligations.periods") + t("list.count", count=len(rows)))
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True)
else:
    st.info(t("obligations.no_match"))
