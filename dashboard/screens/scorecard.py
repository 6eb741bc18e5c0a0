"""评分: every indicator with its rule and evidence, the total and grade, and the supervision
report (monitor/report) to download."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.charts import lost_points_chart
from dashboard.i18n import language, t
from monitor.report.content import Block, report_blocks, report_file_stem
from monitor.report.data import report_data
from monitor.report.markdown import render_markdown
from monitor.runs.scorecard import period_scorecard
from monitor.scorecard.table import grade_name
from monitor.views.scores import score_cards, scorecard_pools

ctx = state.require_page("scorecard")


def evidence_name(item: str) -> str:
    """A resource class among the evidence by its contract name; a ticket id as it is."""
    klass = ctx.contract.availability.classes.get(item)
    return item if klass is None or language() == "en" else klass.name_zh


st.title(t("page.scorecard"))
pools = scorecard_pools(ctx.viewer)
card = period_scorecard(ctx.engine, ctx.contracts, ctx.period, ctx.at, ctx.manual, pools)
if card.pools is not None:
    st.info(t("scorecard.pools_only", pools="、".join(sorted(card.pools)) or "—"))
scorecard = card.scorecard
grade = grade_name(scorecard.grade, language())
line = t("overview.total", total=scorecard.total, max=scorecard.max_total, grade=grade)
if not scorecard.complete:
    line += t("overview.incomplete", missing=scorecard.missing_points)
st.subheader(f"{ctx.period.label} · {line}")

cards = score_cards(card, ctx.contract.scorecard, language(), computed_only=False)
st.table(
    pd.DataFrame(
        {
            t("col.section"): c.section,
            t("col.indicator"): c.name,
            t("col.points"): t("overview.no_data") if c.points is None else f"{c.points:g}",
            t("col.max_points"): f"{c.max_points:g}",
            t("col.lost"): "—" if c.lost is None else f"{c.lost:g}",
            t("col.rule"): c.rule or "—",
            t("col.evidence"): t("list.sep").join(map(evidence_name, c.evidence)) or "—",
        }
        for c in cards
    ),
    hide_index=True,
)
lost = lost_points_chart(cards)
if lost is not None:
    st.subheader(t("scorecard.lost"))
    st.altair_chart(lost, width="stretch")
for line_ in scorecard.lines:
    waived = line_.details.get("waived") if line_.details else None
    if isinstance(waived, list | tuple) and waived:
        names = t("list.sep").join(map(str, waived))
        st.caption(f"{line_.name(language())} — {t('col.waived')}: {names}")


# Read while the page runs: a download's content is made after the run, on its click, where
# the session's language cannot be read.
report_language = language()


def blocks() -> list[Block]:
    """The 监理报告 in the page's language."""
    return report_blocks(report_data(ctx.engine, ctx.contracts, card), report_language)


def markdown_report() -> bytes:
    return render_markdown(blocks()).encode("utf-8")


def xlsx_report() -> bytes:
    from monitor.report.xlsx import render_xlsx

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "report.xlsx"
        render_xlsx(blocks(), target)
        return target.read_bytes()


st.subheader(t("scorecard.report"))
stem = f"{report_file_stem(report_language)}_{ctx.period.label}"
left, right = st.columns(2)
left.download_button(
    t("scorecard.download_md"),
    markdown_report,
    file_name=f"{stem}.md",
    mime="text/markdown",
    key="report_md",
)
right.download_button(
    t("scorecard.download_xlsx"),
    xlsx_report,
    file_name=f"{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="report_xlsx",
)
