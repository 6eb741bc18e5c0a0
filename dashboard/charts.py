"""Altair charts (Streamlit ships Altair): clocks against deadlines, counts, availability."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import altair as alt
import pandas as pd

from dashboard.fmt import local
from dashboard.i18n import language, status_label, t

STATUS_COLOURS = {
    "met": "#2e7d32",
    "pending": "#1565c0",
    "at_risk": "#ef6c00",
    "breached": "#c62828",
    "missing_evidence": "#6a1b9a",
    "not_started": "#9e9e9e",
    "calendar_unknown": "#546e7a",
}


def _status_scale() -> alt.Scale:
    return alt.Scale(
        domain=[status_label(s) for s in STATUS_COLOURS], range=list(STATUS_COLOURS.values())
    )


def clocks_chart(
    clocks: Sequence[Any], at: datetime, zone: ZoneInfo
) -> alt.LayerChart | alt.FacetChart | None:
    """One bar per target from its start to its stop (or to `at` while running), the deadline
    drawn as a black tick on the same line: a bar past its tick is a breach."""
    rows = []
    for clock in clocks:
        if clock.start is None:
            continue
        end = clock.stop or at
        rows.append(
            {
                "target": clock.name_zh if language() == "zh" else clock.name_en,
                "start": local(clock.start, zone),
                "end": local(end, zone),
                "deadline": local(clock.deadline, zone),
                "status": status_label(clock.status),
            }
        )
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    base = alt.Chart(frame).encode(y=alt.Y("target:N", title=None, sort=None))
    bars = base.mark_bar(height=14).encode(
        x=alt.X("start:T", title=None, axis=alt.Axis(format="%m-%d %H:%M")),
        x2="end:T",
        color=alt.Color("status:N", scale=_status_scale(), title=t("col.status")),
        tooltip=["target", "start", "end", "deadline", "status"],
    )
    ticks = (
        base.transform_filter("datum.deadline != null")
        .mark_tick(color="black", thickness=3, size=24)
        .encode(x="deadline:T", tooltip=["target", "deadline"])
    )
    return alt.layer(bars, ticks).properties(height=40 * len(rows) + 40)


def counts_chart(frame: pd.DataFrame, x: str, y: str, colour: str | None = None) -> alt.Chart:
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:N", title=None, sort=None),
        "y": alt.Y(f"{y}:Q", title=None),
        "tooltip": list(frame.columns),
    }
    if colour is not None:
        encoding["color"] = alt.Color(f"{colour}:N", title=None)
    chart: alt.Chart = alt.Chart(frame).mark_bar().encode(**encoding).properties(height=220)
    return chart


def availability_chart(frame: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Availability (%) per row with the target as a red tick; y starts near the lowest value."""
    low = min([*frame["availability"].dropna(), *frame["target"].dropna(), 99.0])
    scale = alt.Scale(domain=[max(0.0, low - 0.5), 100], clamp=True)
    base = alt.Chart(frame).encode(x=alt.X("name:N", title=None, sort=None))
    bars = base.mark_bar().encode(
        y=alt.Y("availability:Q", title="%", scale=scale), tooltip=list(frame.columns)
    )
    target = (
        base.transform_filter("datum.target != null")
        .mark_tick(color="#c62828", thickness=3, size=40)
        .encode(y=alt.Y("target:Q", scale=scale))
    )
    return alt.layer(bars, target).properties(height=240)
