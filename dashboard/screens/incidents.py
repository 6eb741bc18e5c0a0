"""工单: instant search over any field, filters, pagination; a click on a row opens its detail."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from dashboard import state
from dashboard.drill import open_clicked, ticket_column, ticket_link
from dashboard.fmt import vocabulary, when
from dashboard.i18n import t
from monitor.domain.viewer import Viewer
from monitor.views.search import SEARCH_FIELDS, STATES, TicketQuery, filter_choices, search_tickets

ctx = state.require_page("incidents")
st.title(t("page.incidents"))


@st.cache_data(ttl=300, show_spinner=False)
def choices(_engine: Engine, database: str, viewer: Viewer) -> dict[str, list[str]]:
    """Pools and operators for the filters; cached, they change rarely."""
    return filter_choices(_engine, viewer)


text = st.text_input(t("search.box"), key="q", placeholder="GZ-2022-0102 / 社保 / 市人社局 …")
fields = ["any", *SEARCH_FIELDS]
top = st.columns([2, 2, 2, 2, 2])
field = top[0].selectbox(
    t("search.field"),
    fields,
    key="q_field",
    format_func=lambda f: t("search.any") if f == "any" else t(f"col.{f}"),
)
found = choices(ctx.engine, str(ctx.engine.url), ctx.viewer)
pools = top[1].multiselect(t("col.pool"), found["pool"], key="q_pools", placeholder=t("choose"))
operators = top[2].multiselect(
    t("col.operator"), found["operator"], key="q_operators", placeholder=t("choose")
)
severities = top[3].multiselect(
    t("col.severity"),
    list(ctx.contract.severities),
    key="q_severities",
    placeholder=t("choose"),
    format_func=lambda s: vocabulary(ctx.contract.severities, s),  # type: ignore[arg-type]
)
kinds = top[4].multiselect(
    t("col.kind"),
    list(ctx.contract.kinds),
    key="q_kinds",
    placeholder=t("choose"),
    format_func=lambda k: vocabulary(ctx.contract.kinds, k),  # type: ignore[arg-type]
)
row = st.columns([3, 2, 1])
state_choice = row[0].radio(
    t("search.state"), STATES, key="q_state", horizontal=True, format_func=lambda s: t(f"state.{s}")
)
in_period = row[1].toggle(t("search.whole_period") + f" {ctx.period.label}", key="q_in_period")
page_size = ctx.runtime.settings.page_size
page = int(row[2].number_input(t("search.page"), min_value=1, value=1, step=1, key="q_page"))

query = TicketQuery(
    text=text,
    field=field,
    pools=tuple(pools),
    operators=tuple(operators),
    kinds=tuple(kinds),
    severities=tuple(severities),
    state=state_choice,
    reported_from=ctx.period.start if in_period else None,
    reported_before=ctx.period.end if in_period else None,
    page=page,
    page_size=page_size,
)
result = search_tickets(ctx.engine, ctx.viewer, query, ctx.at)
if result.total == 0:
    st.info(t("search.none"))
    st.stop()
st.caption(t("search.found", total=result.total, page=result.page, pages=result.pages))
st.caption(t("drill.click_row"))
table = pd.DataFrame(
    {
        t("col.ticket_id"): ticket_link(line.ticket_id, line.source),
        t("col.kind"): vocabulary(ctx.contract.kinds, line.kind),  # type: ignore[arg-type]
        t("col.severity"): vocabulary(ctx.contract.severities, line.severity),  # type: ignore[arg-type]
        t("col.pool"): line.pool or "—",
        t("col.user_unit"): line.user_unit or "—",
        t("col.system"): line.system or "—",
        t("col.title"): line.title or "—",
        t("col.reported_at"): when(line.reported_at, ctx.zone),
        t("col.closed_at"): when(line.closed_at, ctx.zone),
        t("col.violations"): line.violations,
        t("col.waived"): line.waived,
    }
    for line in result.rows
)
event = st.dataframe(
    table,
    hide_index=True,
    column_config={t("col.ticket_id"): ticket_column(t("col.ticket_id"))},
    on_select="rerun",
    selection_mode="single-row",
    key="q_table",
)
open_clicked(event, [(line.ticket_id, line.source) for line in result.rows])
