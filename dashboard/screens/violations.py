"""违约: every violation with its status, age and waiver; supervisors waive and revoke here."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.drill import open_clicked
from dashboard.fmt import duration, when
from dashboard.i18n import status_label, t
from monitor import clock
from monitor.storage.audit import recent_entries
from monitor.storage.waivers import WaiverError, revoke, waive
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

for note in st.session_state.pop("waiver_notes", []):
    st.success(note)

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
                t("col.ticket_id"): line.ticket_id,
                t("col.target"): line.target_id,
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
            }
            for line in result.rows
        ),
        hide_index=True,
        on_select="rerun",
        selection_mode="single-row",
        key="violations_table",
    )
    st.caption(t("drill.click_row_only"))
    open_clicked(event, [(line.ticket_id, line.source) for line in result.rows])
else:
    st.info(t("search.none"))


def label(line: ViolationLine) -> str:
    return f"{line.ticket_id} · {line.target_id} · {status_label(line.status)}"


def waive_form(open_lines: list[ViolationLine]) -> None:
    st.subheader(t("waiver.title"))
    if not open_lines:
        st.caption(t("waiver.none_on_page"))
        return
    keyed = {f"{line.ticket_pk}|{line.target_id}": line for line in open_lines}
    chosen = st.selectbox(
        t("waiver.pick"), list(keyed), key="w_pick", format_func=lambda k: label(keyed[k])
    )
    reason = st.text_area(t("waiver.reason"), key="w_reason")
    attachment = st.text_input(t("waiver.attachment"), key="w_attachment")
    if st.button(t("waiver.submit"), key="w_submit", type="primary") and chosen is not None:
        line = keyed[chosen]
        try:
            waive(
                ctx.engine,
                ctx.viewer,
                line.ticket_pk,
                line.target_id,
                reason=reason,
                attachment_ref=attachment,
                now=clock.now(),
            )
        except WaiverError as error:
            st.error(str(error))
            return
        st.cache_data.clear()  # scores and counts cached elsewhere now differ
        st.session_state["waiver_notes"] = [t("waiver.done", what=label(line))]
        for key in ("w_reason", "w_attachment"):
            st.session_state.pop(key, None)
        st.rerun()


def revoke_form(waived_lines: list[ViolationLine]) -> None:
    st.subheader(t("waiver.revoke_title"))
    if not waived_lines:
        st.caption("—")
        return
    keyed = {line.waiver_id: line for line in waived_lines}
    chosen = st.selectbox(
        t("waiver.revoke_pick"), list(keyed), key="r_pick", format_func=lambda k: label(keyed[k])
    )
    reason = st.text_input(t("waiver.revoke_reason"), key="r_reason")
    if st.button(t("waiver.revoke_submit"), key="r_submit") and chosen is not None:
        try:
            revoke(ctx.engine, ctx.viewer, int(chosen), reason=reason, now=clock.now())
        except WaiverError as error:
            st.error(str(error))
            return
        st.cache_data.clear()
        st.session_state["waiver_notes"] = [t("waiver.revoked", what=label(keyed[chosen]))]
        st.session_state.pop("r_reason", None)
        st.rerun()


if ctx.viewer.can_waive:
    left, right = st.columns(2)
    with left:
        waive_form([line for line in result.rows if line.waiver_id is None])
    with right:
        revoke_form([line for line in result.rows if line.waiver_id is not None])
    with st.expander(t("waiver.audit")):
        entries = recent_entries(ctx.engine, limit=50)
        st.table(
            pd.DataFrame(
                {
                    t("col.time"): when(e.at, zone),
                    t("col.by"): e.actor,
                    t("col.event"): e.action,
                    t("col.detail"): f"{e.subject} {e.details.get('reason', '')}".strip(),
                }
                for e in entries
            )
            if entries
            else pd.DataFrame({t("col.event"): []}),
            hide_index=True,
        )
