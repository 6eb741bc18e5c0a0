"""The 违约 page's waiver steps: request a waiver or appeal (operators, supervisors), decide
(a supervisor other than the requester), revoke, and the audit log.

Each form clears after it succeeds and keeps what was typed when it is refused, so it can be
corrected. A picker starts empty and never moves on by itself: the next action needs a new
choice. Pickers search every violation in the viewer's scope, not the page shown above them.
The rules themselves (roles, scope, four eyes) are the storage functions'; a refusal comes
back as a WaiverError and is worded here.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard.fmt import target_name, when
from dashboard.i18n import TEXTS, status_label, t
from dashboard.state import Context
from monitor import clock
from monitor.storage.audit import recent_entries
from monitor.storage.waiver_requests import (
    DECISIONS,
    WaiverRequest,
    appeal,
    decide,
    pending_requests,
    request_waiver,
)
from monitor.storage.waivers import WaiverError, revoke
from monitor.views.violations import ViolationLine, ViolationQuery, list_violations

PICKS = 20  # violations a search offers; typing more of the id or title narrows them
NOTES = "waiver_notes"
CLEAR = "waiver_clear"
TEXT_KEYS = ("w_search", "w_reason", "w_evidence", "d_comment", "a_comment", "r_search", "r_reason")
PICK_KEYS = ("w_pick", "d_pick", "a_pick", "r_pick")


def show_notes() -> None:
    """What the last action did, once, at the top of the page."""
    for note in st.session_state.pop(NOTES, []):
        st.success(note)


def clear_if_done() -> None:
    """Empty every waiver form after a successful action; called before any of them is drawn.

    Setting the keys (rather than dropping them) is what makes the browser show them empty.
    """
    if st.session_state.pop(CLEAR, False):
        for key in TEXT_KEYS:
            st.session_state[key] = ""
        for key in PICK_KEYS:
            st.session_state[key] = None


def _done(note: str) -> None:
    st.cache_data.clear()  # scores and counts cached elsewhere now differ
    st.session_state[NOTES] = [note]
    st.session_state[CLEAR] = True
    st.rerun()


def error_text(ctx: Context, error: WaiverError) -> str:
    """A refusal in the session's language."""
    params = dict(error.params)
    if "what" in params:
        params["what"] = t(f"waiver.what.{params['what']}")
    if "status" in params:
        params["status"] = status_label(str(params["status"]))
    if "target" in params:
        params["target"] = target_name(ctx.contract, str(params["target"]))
    return t(f"waiver.error.{error.code}", **params)


def violation_label(ctx: Context, line: ViolationLine | WaiverRequest) -> str:
    status = line.status if isinstance(line, ViolationLine) else line.status_at_request
    target = target_name(ctx.contract, line.target_id)
    return f"{line.ticket_id} · {target} · {status_label(status)}"


def request_text(ctx: Context, request: WaiverRequest | None) -> str:
    """A request or appeal in one line: pending with its reason, or decided with the ruling."""
    if request is None:
        return "—"
    text, by, at = request.reason, request.requested_by, request.requested_at
    if not request.pending:
        text = request.decision_comment or ""
        by, at = request.decided_by or "—", request.decided_at or at
    return t(
        "request.line",
        kind=t(f"request.kind.{request.kind}"),
        state=t(f"request.state.{request.state}"),
        text=text,
        by=by,
        at=when(at, ctx.zone),
    )


def request_form(ctx: Context) -> None:
    """Request a waiver (operators, supervisors) or appeal (operators) with evidence."""
    st.subheader(t("waiver.request_title"))
    text = st.text_input(t("waiver.find"), key="w_search", placeholder="GZ-2022-0171 / 机房 …")
    found = list_violations(
        ctx.engine,
        ctx.viewer,
        ViolationQuery(waived="unwaived", without_pending=True, text=text, page_size=PICKS),
        ctx.at,
    )
    if not found.rows:
        st.caption(t("waiver.none_found"))
        return
    st.caption(t("waiver.found", total=found.total, shown=len(found.rows)))
    keyed = {f"{line.ticket_pk}|{line.target_id}": line for line in found.rows}
    kinds = ["waiver", "appeal"] if ctx.viewer.can_appeal else ["waiver"]
    with st.form("w_form"):
        chosen = st.selectbox(
            t("waiver.pick"),
            list(keyed),
            index=None,
            key="w_pick",
            format_func=lambda key: violation_label(ctx, keyed[key]),
            placeholder=t("choose"),
        )
        kind = st.radio(
            t("waiver.kind"),
            kinds,
            key="w_kind",
            horizontal=True,
            format_func=lambda k: t(f"waiver.kind.{k}"),
        )
        reason = st.text_area(t("waiver.reason"), key="w_reason")
        evidence = st.text_input(t("waiver.evidence"), key="w_evidence")
        submitted = st.form_submit_button(
            t("waiver.submit_request"), key="w_submit", type="primary"
        )
    if not submitted:
        return
    if chosen is None:
        st.error(t("waiver.error.pick"))
        return
    line = keyed[chosen]
    ask = appeal if kind == "appeal" else request_waiver
    try:
        ask(
            ctx.engine,
            ctx.viewer,
            line.ticket_pk,
            line.target_id,
            reason=reason,
            evidence_ref=evidence,
            now=clock.now(),
        )
    except WaiverError as error:
        st.error(error_text(ctx, error))
        return
    _done(t("waiver.requested", kind=t(f"request.kind.{kind}"), what=violation_label(ctx, line)))


def decision_forms(ctx: Context) -> None:
    """Waiver requests and appeals awaiting a decision, each decided by another supervisor."""
    left, right = st.columns(2)
    with left:
        _decision_form(ctx, "waiver", "d")
    with right:
        _decision_form(ctx, "appeal", "a")


def _decision_form(ctx: Context, kind: str, prefix: str) -> None:
    st.subheader(t(f"decide.{kind}_title"))
    pending = pending_requests(ctx.engine, ctx.viewer, kind=kind)
    own = sum(1 for r in pending if r.requested_by == ctx.viewer.name)
    if own:
        st.caption(t("decide.own", count=own))
    # Four eyes: one's own requests are not offered; the storage refuses them as well.
    keyed = {r.id: r for r in pending if r.requested_by != ctx.viewer.name}
    if not keyed:
        st.caption(t("decide.none"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                "#": r.id,
                t("waiver.pick"): violation_label(ctx, r),
                t("waiver.reason"): r.reason,
                t("waiver.evidence"): r.evidence_ref or "—",
                t("col.by"): r.requested_by,
                t("col.time"): when(r.requested_at, ctx.zone),
            }
            for r in keyed.values()
        ),
        hide_index=True,
    )
    decisions = list(DECISIONS[kind])
    with st.form(f"{prefix}_form"):
        chosen = st.selectbox(
            t("decide.pick"),
            list(keyed),
            index=None,
            key=f"{prefix}_pick",
            format_func=lambda i: (
                f"#{i} · {violation_label(ctx, keyed[i])} · {keyed[i].requested_by}"
            ),
            placeholder=t("choose"),
        )
        comment = st.text_area(t("decide.comment"), key=f"{prefix}_comment")
        buttons = st.columns(len(decisions))
        pressed = [
            decision
            for decision, column in zip(decisions, buttons, strict=True)
            if column.form_submit_button(t(f"decide.{decision}"), key=f"{prefix}_{decision}")
        ]
    if not pressed:
        return
    if chosen is None:
        st.error(t("waiver.error.pick"))
        return
    try:
        decide(
            ctx.engine,
            ctx.viewer,
            int(chosen),
            decision=pressed[0],
            comment=comment,
            now=clock.now(),
        )
    except WaiverError as error:
        st.error(error_text(ctx, error))
        return
    what = violation_label(ctx, keyed[chosen])
    _done(t("decide.done", what=what, decision=t(f"request.state.{pressed[0]}")))


def revoke_form(ctx: Context) -> None:
    """Withdraw a waiver in force (a supervisor): the violation counts again."""
    st.subheader(t("waiver.revoke_title"))
    text = st.text_input(t("waiver.find"), key="r_search")
    found = list_violations(
        ctx.engine, ctx.viewer, ViolationQuery(waived="waived", text=text, page_size=PICKS), ctx.at
    )
    keyed = {line.waiver_id: line for line in found.rows if line.waiver_id is not None}
    if not keyed:
        st.caption("—")
        return
    with st.form("r_form"):
        chosen = st.selectbox(
            t("waiver.revoke_pick"),
            list(keyed),
            index=None,
            key="r_pick",
            format_func=lambda k: violation_label(ctx, keyed[k]),
            placeholder=t("choose"),
        )
        reason = st.text_input(t("waiver.revoke_reason"), key="r_reason")
        submitted = st.form_submit_button(t("waiver.revoke_submit"), key="r_submit")
    if not submitted:
        return
    if chosen is None:
        st.error(t("waiver.error.pick"))
        return
    try:
        revoke(ctx.engine, ctx.viewer, int(chosen), reason=reason, now=clock.now())
    except WaiverError as error:
        st.error(error_text(ctx, error))
        return
    _done(t("waiver.revoked", what=violation_label(ctx, keyed[chosen])))


def _subject(ctx: Context, subject: str) -> str:
    """source/ticket/target as the ticket and the target's name."""
    parts = subject.split("/")
    if len(parts) != 3:
        return subject
    return f"{parts[1]} · {target_name(ctx.contract, parts[2])}"


def audit_table(ctx: Context) -> None:
    """The newest audit entries, each action in the session's language."""
    with st.expander(t("waiver.audit")):
        entries = recent_entries(ctx.engine, limit=50)
        st.table(
            pd.DataFrame(
                {
                    t("col.time"): when(e.at, ctx.zone),
                    t("col.by"): t(f"actor.{e.actor}") if f"actor.{e.actor}" in TEXTS else e.actor,
                    t("col.event"): t(f"audit.{e.action}")
                    if f"audit.{e.action}" in TEXTS
                    else e.action,
                    t("col.detail"): f"{_subject(ctx, e.subject)} {e.details.get('reason', '')}",
                }
                for e in entries
            )
            if entries
            else pd.DataFrame({t("col.event"): []}),
            hide_index=True,
        )
