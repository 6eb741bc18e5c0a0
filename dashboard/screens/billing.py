"""计费核对: the month's statement lines against the inventory, the catalogue and their own
arithmetic — the disputed amount by pool and item, each line with its evidence, filters and
downloads (an operator's own pools' lines only: monitor.views.billing)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.downloads import csv_bytes, workbook_bytes
from dashboard.i18n import language, t
from monitor.billing.check import BillingCheck, Code, LineVerdict, summed
from monitor.report.billing import billing_blocks, evidence_text, money
from monitor.views.billing import billing_for

ctx = state.require_page("billing")
st.title(t("page.billing"))
check = billing_for(ctx.engine, ctx.contract, ctx.viewer, ctx.period, ctx.at)
if check is None:
    st.info(t("billing.month_only", example=ctx.at.astimezone(ctx.zone).strftime("%Y-%m")))
    st.stop()
if not ctx.viewer.sees_everything:
    st.info(t("billing.pools_only", pools=t("list.sep").join(sorted(ctx.viewer.pools)) or "—"))
if not check.verdicts:
    st.info(t("billing.none", period=check.period))
    st.stop()

top = st.columns(2)
pools = top[0].multiselect(
    t("col.pool"), list(check.by_pool), key="b_pools", placeholder=t("choose")
)
codes = top[1].multiselect(
    t("billing.filter_code"),
    [code.value for code in Code if code is not Code.UNBILLED_INVENTORY],
    key="b_codes",
    format_func=lambda code: t(f"billing_code.{code}"),
    placeholder=t("choose"),
)


def _chosen(verdict: LineVerdict) -> bool:
    if pools and (verdict.line.pool or "—") not in pools:
        return False
    return not codes or any(code.value in codes for code in verdict.codes)


shown: BillingCheck = summed(
    check.period,
    [v for v in check.verdicts if _chosen(v)],
    [(r, days) for r, days in check.unbilled if not pools or (r.pool or "—") in pools],
)
st.subheader(
    t(
        "billing.summary",
        billed=money(shown.billed_total),
        disputed=money(shown.disputed_total),
        lines=len(shown.verdicts),
        ok=shown.count(Code.OK),
    )
)

st.subheader(t("billing.by_pool_item"))
disputed: dict[tuple[str, str], float] = {}
for verdict in shown.verdicts:
    if verdict.disputed:
        key = (verdict.line.pool or "—", verdict.line.item_code)
        # The chart's bar heights only; every amount written on the page stays exact.
        disputed[key] = disputed.get(key, 0.0) + float(verdict.disputed)
if not disputed:
    st.success(t("billing.no_dispute"))
else:
    pool_col, item_col, amount_col = t("col.pool"), t("col.item_code"), t("col.disputed")
    frame = pd.DataFrame(
        [{pool_col: p, item_col: i, amount_col: round(a, 2)} for (p, i), a in disputed.items()]
    )
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"{pool_col}:N", title=None),
            y=alt.Y(f"{amount_col}:Q", title=None),
            color=alt.Color(f"{item_col}:N", title=item_col),
            tooltip=list(frame.columns),
        )
        .properties(height=240)
    )
    st.altair_chart(chart, width="stretch")


def _evidence(verdict: LineVerdict) -> str:
    return evidence_text(verdict, language()) or "—"


def _rows(verdicts: list[LineVerdict]) -> list[dict[str, object]]:
    return [
        {
            t("col.line"): v.line.line,
            t("col.source"): v.line.source,
            t("col.pool"): v.line.pool or "—",
            t("col.user_unit"): v.line.user_unit or "—",
            t("col.system"): v.line.system or "—",
            t("col.resource_id"): v.line.resource_id or "—",
            t("col.item_code"): v.line.item_code,
            t("billing.filter_code"): t("list.sep").join(
                t(f"billing_code.{code.value}") for code in v.codes
            ),
            t("col.billed"): money(v.line.amount),
            t("col.allowed"): money(v.allowed),
            t("col.disputed"): money(v.disputed),
            t("col.evidence"): _evidence(v),
        }
        for v in verdicts
    ]


st.subheader(f"{t('billing.lines')}（{len(shown.verdicts)}）")
rows = _rows(shown.verdicts)
if rows:
    st.dataframe(pd.DataFrame(rows), hide_index=True)
else:
    st.info(t("billing.no_lines"))

if shown.unbilled:
    st.subheader(f"{t('billing.unbilled')}（{len(shown.unbilled)}）")
    st.table(
        pd.DataFrame(
            {
                t("col.resource_id"): r.resource_id,
                t("col.resource_class"): r.resource_class,
                t("col.pool"): r.pool or "—",
                t("col.user_unit"): r.user_unit or "—",
                t("col.system"): r.system or "—",
                t("col.in_service_days"): days,
            }
            for r, days in shown.unbilled
        ),
        hide_index=True,
    )


left, right = st.columns(2)
left.download_button(
    t("billing.download_csv"),
    lambda: csv_bytes(rows),
    file_name=f"计费核对_{check.period}.csv",
    mime="text/csv",
    key="billing_csv",
)
# The workbook is made on the click, after the run: the language is read while it runs.
page_language = language()
right.download_button(
    t("billing.download_xlsx"),
    lambda: workbook_bytes(billing_blocks(shown, page_language)),
    file_name=f"计费核对_{check.period}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="billing_xlsx",
)
