"""违约: every violation with its status, age, waiver and newest request or appeal;
operators request waivers and appeal, supervisors decide others' requests and revoke here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state, waiver_forms
from dashboard.drill import open_clicked, ticket_column, ticket_link
from dashboard.fmt import duration, target_name, when
from dashboard.i18n import status_label, t
from monitor.views.search import filter_choices
from monitor.views.violations import (
    VIOLATIONS,
    WAIVER_STATES,
    ViolationLine,
    ViolationQuery,
    list_violations,
    violation_counts,
)

ctx = state.require_page("violations")
zone = ctx.zone
st.title(t("page.violations"))
waiver_forms.show_notes()
waiver_forms.clear_if_done()

text = st.text_input(t("violations.search"), key="v_text")
top = st.columns([2, 2, 2, 1])
statuses = top[0].multiselect(
    t("col.status"), VIOLATIONS, key="v_status", format_func=status_label, placeholder=t("choose")
)
waived = top[1].radio(
    t("violations.waived_filter"),
    WAIVER_STATES,
    key="v_waived",
    horizontal=True,
    format_func=lambda w: t(f"waived.{w}"),
)
pools = top[2].multiselect(
    t("col.pool"),
    filter_choices(ctx.engine, ctx.viewer)["pool"],
    key="v_pools",
    placeholder=t("choose"),
)
page = int(top[3].number_input(t("search.page"), min_value=1, value=1, step=1, key="v_page"))
in_period = st.toggle(t("search.whole_period") + f" {ctx.period.label}", key="v_in_period")

query = ViolationQuery(
    statuses=tuple(statuses),
    waived=waived,
    pools=tuple(pools),
    reported_from=ctx.period.start if in_period else None,
    reported_before=ctx.period.end if in_period else None,
    text=text,
    page=page,
    page_size=ctx.runtime.settings.page_size,
)
counts = violation_counts(ctx.engine, ctx.viewer, query, ctx.at)
st.caption(t("violations.counts", total=counts["total"], waived=counts["waived"]))
result = list_violations(ctx.engine, ctx.viewer, query, ctx.at)


def waiver_text(line: ViolationLine) -> str:
    if line.waiver_id is None:
        return "—"
    return f"{line.waiver_reason}（{line.waived_by}，{when(line.waived_at, zone)}）"


if result.rows:
    st.caption(t("search.found", total=result.total, page=result.page, pages=result.pages))
    event = st.dataframe(
        pd.DataFrame(
            {
                t("col.ticket_id"): ticket_link(line.ticket_id, line.source),
                t("col.target"): target_name(ctx.contract, line.target_id),
                t("col.status"): status_label(line.status),
                t("col.pool"): line.pool or "—",
                t("col.system"): line.system or "—",
                t("col.reported_at"): when(line.reported_at, zone),
                t("col.deadline"): when(line.deadline, zone),
                t("col.stop"): when(line.stop, zone),
                t("col.overdue"): duration(line.overdue_seconds),
                t("col.age"): duration(line.age_seconds(ctx.at)),
                t("col.waiver"): waiver_text(line),
                t("waiver.attachment"): line.attachment_ref or "—",
                t("col.request"): waiver_forms.request_text(ctx, line.request),
            }
            for line in result.rows
        ),
        hide_index=True,
        column_config={t("col.ticket_id"): ticket_column(t("col.ticket_id"))},
        on_select="rerun",
        selection_mode="single-row",
        key="violations_table",
    )
    st.caption(t("drill.click_row"))
    open_clicked(event, [(line.ticket_id, line.source) for line in result.rows])
else:
    st.info(t("search.none"))

if ctx.viewer.can_request_waiver:
    waiver_forms.request_form(ctx)
if ctx.viewer.can_waive:
    waiver_forms.decision_forms(ctx)
    waiver_forms.revoke_form(ctx)
    waiver_forms.audit_table(ctx)
