"""总览: score cards with points lost, open incidents, nearest deadlines, violations this month
vs last, availability vs target, collectors' health — auto-refreshing for wall displays — and a
warning when the working-day calendar ends soon or results are calendar_unknown."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from dashboard import state
from dashboard.charts import availability_chart, counts_chart, severity_scale, violations_scale
from dashboard.drill import open_clicked, ticket_column, ticket_link
from dashboard.errors import error_boundary
from dashboard.fmt import countdown, duration, target_name, vocabulary, when
from dashboard.i18n import language, status_label, t
from dashboard.target_trend import target_trend_section
from dashboard.trend import is_year, trend_periods
from dashboard.wall import clocks_section, wall_mode
from monitor.rules.calendar_gaps import WARN_DAYS_BEFORE, known_until_instant, years_of_starts
from monitor.runs.scorecard import period_scorecard
from monitor.scorecard.table import grade_name
from monitor.views.measures import availability_for
from monitor.views.overview import (
    calendar_unknown_starts,
    collectors_health,
    last_evaluation,
    open_clocks,
    open_incidents,
    uncovered_tickets,
    violations_by_period,
)
from monitor.views.scores import score_cards, scorecard_pools

ctx = state.require_page("overview")
st.title(t("page.overview"))
wall = wall_mode()  # ?wall=1: large type, refreshing from the start
refresh = st.toggle(t("overview.auto_refresh"), key="auto_refresh", value=wall)


def score_section(at: object) -> None:
    pools = scorecard_pools(ctx.viewer)
    card = period_scorecard(ctx.engine, ctx.contracts, ctx.period, at, ctx.manual, pools)  # type: ignore[arg-type]
    cards = score_cards(card, ctx.contract.scorecard, language())
    st.subheader(t("overview.scores"))
    scorecard = card.scorecard
    grade = grade_name(scorecard.grade, language())
    line = t("overview.total", total=scorecard.total, max=scorecard.max_total, grade=grade)
    if not scorecard.complete:
        line += t("overview.incomplete", missing=scorecard.missing_points)
    st.caption(f"{ctx.period.label} · {line}")
    for start in range(0, len(cards), 4):
        for column, score in zip(st.columns(4), cards[start : start + 4], strict=False):
            if score.points is None:
                column.metric(
                    score.name,
                    "—",
                    delta=t("overview.no_data"),
                    delta_color="off",
                    delta_arrow="off",
                    border=True,
                    help=score.rule or None,
                )
                continue
            column.metric(
                score.name,
                f"{score.points:g} / {score.max_points:g}",
                delta=-score.lost if score.lost else None,
                delta_color="normal",
                border=True,
                help=score.rule or None,
            )


def incidents_section(at: datetime) -> None:
    left, right = st.columns(2)
    with left:
        st.subheader(t("overview.open"))
        counts = open_incidents(ctx.engine, ctx.viewer)
        if not counts:
            st.success(t("overview.no_open"))
        else:
            frame = pd.DataFrame(
                {
                    t("col.kind"): vocabulary(ctx.contract.kinds, c.kind),  # type: ignore[arg-type]
                    t("col.severity"): vocabulary(ctx.contract.severities, c.severity),  # type: ignore[arg-type]
                    t("col.count"): c.count,
                }
                for c in counts
            )
            st.altair_chart(
                counts_chart(
                    frame,
                    t("col.kind"),
                    t("col.count"),
                    t("col.severity"),
                    severity_scale(ctx.contract.severities),
                ),
                width="stretch",
            )
    with right:
        st.subheader(t("overview.clocks"))
        clocks, by_status = open_clocks(ctx.engine, ctx.viewer, limit=10, now=at)
        if not clocks:
            st.success(t("overview.no_clocks"))
            return
        st.caption(" · ".join(f"{status_label(s)} {n}" for s, n in sorted(by_status.items())))
        event = st.dataframe(
            pd.DataFrame(
                {
                    t("col.ticket_id"): ticket_link(c.ticket_id, c.source),
                    t("col.target"): target_name(ctx.contract, c.target_id),
                    t("col.status"): status_label(c.status),
                    t("col.deadline"): when(c.deadline, ctx.zone),
                    # Read from the fragment's `at`: each auto-refresh ticks it on.
                    t("col.countdown"): "—" if c.paused else countdown(c.deadline, at),
                    t("col.system"): c.system or "—",
                    t("col.pool"): c.pool or "—",
                }
                for c in clocks
            ),
            hide_index=True,
            column_config={t("col.ticket_id"): ticket_column(t("col.ticket_id"))},
            on_select="rerun",
            selection_mode="single-row",
            key="overview_clocks",
        )
        open_clicked(event, [(c.ticket_id, c.source) for c in clocks])


def breaches_section(at: datetime) -> None:
    st.subheader(t("overview.breaches"))
    months, compared = trend_periods(ctx.period, ctx.zone)
    figures = violations_by_period(ctx.engine, ctx.viewer, months, now=at)
    last, this = violations_by_period(ctx.engine, ctx.viewer, compared, now=at)
    unit = "year" if is_year(ctx.period) else "month"
    one, two, three = st.columns(3)
    one.metric(
        t(f"overview.this_{unit}", label=this.label),
        this.results,
        delta=this.results - last.results,
        delta_color="inverse",
        border=True,
    )
    two.metric(t(f"overview.last_{unit}", label=last.label), last.results, border=True)
    three.metric(t("col.waived"), this.waived, border=True)
    st.caption(
        t("overview.trend_year", year=ctx.period.label) if unit == "year" else t("overview.trend")
    )
    frame = pd.DataFrame(
        {"month": f.label, t("col.violations"): f.results - f.waived, t("col.waived"): f.waived}
        for f in figures
    ).melt("month", var_name="kind", value_name="count")
    st.altair_chart(
        counts_chart(frame, "month", "count", "kind", violations_scale()), width="stretch"
    )
    target_trend_section(ctx, months, at)


def availability_section(at: object) -> None:
    st.subheader(t("overview.availability"))
    report = availability_for(ctx.engine, ctx.contract, ctx.viewer, ctx.period, at)  # type: ignore[arg-type]
    if not report.by_class:
        st.info(t("overview.no_availability"))
        return
    names = {key: klass.name_zh for key, klass in ctx.contract.availability.classes.items()}
    frame = pd.DataFrame(
        {
            "name": names.get(f.key, f.key),
            "availability": None if f.availability is None else round(f.availability * 100, 4),
            "target": f.target,
            "coverage": round(f.coverage * 100, 1),
            "status": status_label(f.status.value if f.status else None),
        }
        for f in report.by_class
    )
    st.altair_chart(availability_chart(frame), width="stretch")


def collectors_section(at: object) -> None:
    st.subheader(t("overview.collectors"))
    health = collectors_health(ctx.engine, at)  # type: ignore[arg-type]
    if not health:
        st.info(t("overview.no_collectors"))
        return
    stale = ctx.runtime.settings.stale_after_minutes * 60
    rows = []
    for h in health:
        verdict = t("ok")
        if h.last_error is not None:
            verdict = t("failing")
        elif h.lag_seconds is None or h.lag_seconds > stale:
            verdict = t("stale")
        rows.append(
            {
                t("col.name"): h.name,
                t("col.health"): verdict,
                t("col.watermark"): when(h.watermark, ctx.zone),
                t("col.lag"): duration(h.lag_seconds),
                t("col.last_run"): when(h.last_run_at, ctx.zone),
                t("col.failed_runs"): f"{h.failed_runs}/{h.runs}",
                t("col.last_error"): h.last_error or "—",
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def calendar_section(at: datetime) -> None:
    """A warning when the working-day calendar ends within WARN_DAYS_BEFORE of `at`, and one
    when stored results have no verdict because it does not know a year."""
    end = known_until_instant(ctx.calendar, ctx.zone)
    if end is not None and end - at <= timedelta(days=WARN_DAYS_BEFORE):
        last = (end - timedelta(days=1)).date().isoformat()
        st.warning(t("overview.calendar_ending", last=last, days=max(0, (end - at).days)))
    starts = calendar_unknown_starts(ctx.engine, ctx.viewer)
    if starts:
        years = years_of_starts(starts, ctx.calendar, ctx.zone)
        named = "、".join(str(year) for year in years)
        st.warning(t("overview.calendar_unknown", count=len(starts), years=named))


# A fragment's refresh runs without the app around it, so it carries the boundary itself.
@st.fragment(run_every=ctx.runtime.settings.refresh_seconds if refresh else None)
@error_boundary()
def body() -> None:
    at = state.as_of(ctx.runtime)  # a refresh looks at the clock again
    evaluated = last_evaluation(ctx.engine)
    if evaluated is None:
        st.warning(t("overview.never_evaluated"))
    else:
        st.caption(
            t(
                "overview.last_evaluation",
                at=when(evaluated[0], ctx.zone),
                ran=when(evaluated[1], ctx.zone),
            )
        )
    calendar_section(at)
    uncovered = uncovered_tickets(ctx.engine, ctx.viewer)
    if uncovered:
        st.warning(t("overview.uncovered", count=uncovered))
    if wall:
        clocks_section(ctx, at)
    if wall or ctx.viewer.may_open("scorecard"):
        score_section(at)
    incidents_section(at)
    breaches_section(at)
    left, right = st.columns(2)
    with left:
        availability_section(at)
    with right:
        collectors_section(at)


body()
