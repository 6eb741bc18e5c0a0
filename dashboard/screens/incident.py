"""工单详情: the ticket, a timeline of every event, each target's clock drawn against its
deadline, the contract's wording and the evidence behind every verdict."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import state, waiver_forms
from dashboard.charts import clocks_chart
from dashboard.fmt import countdown, duration, target_name, vocabulary, when
from dashboard.i18n import language, status_label, t
from dashboard.timeline_text import history_text
from monitor.domain.bounds import evaluation_error_reason
from monitor.domain.tickets import Status, missing_evidence_reason
from monitor.rules.calendar_gaps import unknown_reason
from monitor.views.incident import (
    TargetClock,
    TimelineEntry,
    event_label,
    find_ticket,
    incident_detail,
)
from monitor.views.timeline import TIMELINE_KINDS, as_it_happened

BADGE_COLOURS = {
    "met": "green",
    "pending": "blue",
    "at_risk": "orange",
    "breached": "red",
    "missing_evidence": "violet",
    "not_started": "gray",
    "calendar_unknown": "gray",
    "evaluation_error": "gray",
}

# Timeline entries of waiver requests and appeals, named by their target's name.
REQUEST_ENTRIES = {"request", "appeal", "approved", "rejected", "overturned", "upheld"}


def running(status: str, stop: object, at_risk_from: object) -> bool:
    """A clock still counting: open and not standing still in a pause (those keep no at-risk
    moment while their deadline moves on)."""
    if stop is not None or status not in ("pending", "at_risk", "breached"):
        return False
    return status == "breached" or at_risk_from is not None


ctx = state.require_page("incident")
st.title(t("page.incident"))

typed = st.text_input(t("incident.pick"), key="detail_ticket_id").strip()
ticket_pk = st.session_state.get("ticket_pk")
# A shared or alert link: ?ticket=GZ-2022-0102&source=api (source optional).
linked = st.query_params.get("ticket", "")
linked_source = None if typed else st.query_params.get("source")
if typed or (ticket_pk is None and linked):
    ticket_pk = find_ticket(ctx.engine, ctx.viewer, typed or linked, linked_source)
    if ticket_pk is None:
        st.error(t("incident.not_found"))
        st.stop()
if ticket_pk is None:
    st.info(t("incident.choose"))
    st.stop()
detail = incident_detail(ctx.engine, ctx.viewer, ctx.contract, int(ticket_pk), ctx.at)
if detail is None:  # gone, or outside the viewer's scope: the query said no
    st.error(t("incident.not_found"))
    st.stop()
# The timeline as it happened: flips dated when they took effect, pauses and severity changes.
happened = as_it_happened(ctx.engine, detail)
detail = happened.detail

f = detail.fields
zone = ctx.zone
st.header(f"{f['ticket_id']} · {f.get('title') or ''}")
st.query_params.from_dict({"ticket": f["ticket_id"], "source": f["source"]})
st.table(
    pd.DataFrame(
        [
            [t("col.kind"), vocabulary(ctx.contract.kinds, f["kind"])],  # type: ignore[arg-type]
            [t("col.severity"), vocabulary(ctx.contract.severities, f.get("severity"))],  # type: ignore[arg-type]
            [t("col.pool"), f.get("pool") or "—"],
            [t("col.operator"), f.get("operator") or "—"],
            [t("col.user_unit"), f.get("user_unit") or "—"],
            [t("col.system"), f.get("system") or "—"],
            [t("col.source"), f["source"]],
        ],
        columns=["", " "],
    ),
    hide_index=True,
    hide_header=True,
)


def pausing(clocks: list[TargetClock]) -> dict[str, tuple[str, ...]]:
    """The waiting reasons that pause each target's clock: its own, else the contract's."""
    found = {}
    for clock in clocks:
        try:
            own = ctx.contract.target(clock.target_id).pause_reasons
        except KeyError:  # since removed from the contract: the contract's reasons
            own = None
        found[clock.target_id] = own or ctx.contract.clocks.pause_reasons
    return found


st.subheader(t("incident.clocks"))
chart = clocks_chart(detail.clocks, ctx.at, zone, happened.pauses, pausing(detail.clocks))
if chart is None:
    st.info(t("incident.no_results"))
else:
    st.altair_chart(chart, width="stretch")

st.subheader(t("incident.targets"))
if not detail.clocks:
    st.info(t("incident.no_results"))
for clock in detail.clocks:
    name = clock.name_zh if language() == "zh" else clock.name_en
    colour = BADGE_COLOURS.get(clock.status, "gray")
    badge = f":{colour}-badge[{status_label(clock.status)}]"
    if clock.waiver is not None:
        badge += f" :gray-badge[{t('col.waived')}]"
    with st.container(border=True):
        st.markdown(f"**{name}** {badge}")
        if clock.rule_zh:
            st.markdown(f"> {clock.rule_zh}")
        if clock.judged_by:
            st.caption(
                t("incident.judged_by", contract=clock.judged_by, version=clock.judged_version)
            )
        overdue = clock.overdue_seconds
        late = f" · {t('col.overdue')} {duration(overdue)}" if overdue else ""
        if running(clock.status, clock.stop, clock.at_risk_from):
            # A running clock counts down from the page's moment, the one its status is as of.
            late = f" · {countdown(clock.deadline, ctx.at)}"
        st.markdown(
            f"{t('col.start')} {when(clock.start, zone)} · {t('col.deadline')} "
            f"{when(clock.deadline, zone)} · {t('col.stop')} {when(clock.stop, zone)}" + late
        )
        st.caption(
            t(
                "incident.evidence",
                start=event_label(clock.start_event, language()),
                start_at=when(f.get(clock.start_event), zone) if clock.start_event else "—",
                stop=event_label(clock.stop_event, language()),
                stop_at=when(f.get(clock.stop_event), zone) if clock.stop_event else "—",
                source=f["source"],
            )
        )
        reason = missing_evidence_reason(clock.status, clock.start, clock.deadline, clock.stop)
        if clock.status == Status.CALENDAR_UNKNOWN:
            reason = unknown_reason(clock.start, ctx.calendar, zone)
        if clock.status == Status.EVALUATION_ERROR:
            reason = evaluation_error_reason(f)  # the stored value outside the bounds
        if reason:
            st.caption(reason)
        if clock.waiver is not None:
            w = clock.waiver
            st.warning(
                t(
                    "incident.waived",
                    reason=w.reason,
                    by=w.waived_by,
                    at=when(w.waived_at, zone),
                    ref=w.attachment_ref or "—",
                )
            )
        for request in clock.requests:  # waiver requests and appeals, each with its ruling
            st.info(waiver_forms.request_text(ctx, request))


def timeline_detail(entry: TimelineEntry) -> str:
    if entry.kind in TIMELINE_KINDS:
        return history_text(entry, ctx.contract)
    if entry.kind == "event":
        return event_label(entry.what, language())
    if entry.kind in REQUEST_ENTRIES:
        return t("detail.of", what=target_name(ctx.contract, entry.what), detail=entry.detail)
    return t("detail.of", what=entry.what, detail=entry.detail)


st.subheader(t("incident.events"))
st.table(
    pd.DataFrame(
        {
            t("col.time"): when(entry.at, zone),
            t("col.event"): t(f"timeline.{entry.kind}"),
            t("col.detail"): timeline_detail(entry),
            t("col.by"): entry.by or "—",
        }
        for entry in detail.timeline
    ),
    hide_index=True,
)
