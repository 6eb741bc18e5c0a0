"""The wall display (?wall=1): the overview in large type with auto-refresh on from the start —
open breaches, at-risk countdowns, this period's score and collectors' health. With
SLAMON_DASHBOARD_WALL_KEY in the address (&key=…) it signs in read-only without a form
(dashboard.auth), so a reload or a restarted screen comes back by itself; a `--role wall`
account's form sign-in puts its pass in the address (&user=…&pass=…) to the same end."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard.drill import ticket_column, ticket_link
from dashboard.fmt import countdown, when
from dashboard.i18n import status_label, t
from dashboard.state import Context
from monitor.views.overview import open_clocks

# Large type for a screen read from across the room.
_LARGE = """<style>
[data-testid="stMetricValue"] { font-size: 4.5rem; }
[data-testid="stMetricLabel"] p { font-size: 1.6rem; }
/* Whole names and values, wrapped within the card: a wall is read, not hovered. */
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] *,
[data-testid="stMetricValue"], [data-testid="stMetricValue"] * {
  white-space: normal !important; overflow-wrap: anywhere; word-break: break-all;
  text-overflow: clip !important; min-width: 0; max-width: 100%; height: auto;
  line-height: 1.15; }
.stMarkdown p, .stCaption p, [data-testid="stDataFrame"] { font-size: 1.4rem; }
h1 { font-size: 3.2rem; } h2, h3 { font-size: 2.2rem; }
</style>"""


def wall_mode() -> bool:
    """Whether this address asks for the wall display; it sets the large type when so."""
    wall = st.query_params.get("wall") == "1"
    if wall:
        st.html(_LARGE)
    return wall


def clocks_section(ctx: Context, at: datetime) -> None:
    """How many clocks are overdue, at risk and running, and the nearest ones' countdowns."""
    clocks, by_status = open_clocks(ctx.engine, ctx.viewer, limit=12, now=at)
    one, two, three = st.columns(3)
    one.metric(status_label("breached"), by_status.get("breached", 0), border=True)
    two.metric(status_label("at_risk"), by_status.get("at_risk", 0), border=True)
    three.metric(status_label("pending"), by_status.get("pending", 0), border=True)
    urgent = [c for c in clocks if c.status in ("breached", "at_risk")]
    if not urgent:
        st.success(t("wall.none_urgent"))
        return
    st.dataframe(
        pd.DataFrame(
            {
                t("col.ticket_id"): ticket_link(c.ticket_id, c.source),
                t("col.status"): status_label(c.status),
                t("col.countdown"): "—" if c.paused else countdown(c.deadline, at),
                t("col.deadline"): when(c.deadline, ctx.zone),
                t("col.system"): c.system or "—",
                t("col.pool"): c.pool or "—",
            }
            for c in urgent
        ),
        hide_index=True,
        width="stretch",
        column_config={t("col.ticket_id"): ticket_column(t("col.ticket_id"))},
        row_height=56,
    )
