"""Altair charts (Streamlit ships Altair): clocks against deadlines, counts, availability."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import altair as alt
import pandas as pd

from dashboard.fmt import local
from dashboard.i18n import language, status_label, t
from monitor.contract.clocks import PAUSE_REASONS
from monitor.domain.tickets import Pause

STATUS_COLOURS = {
    "met": "#2e7d32",
    "pending": "#1565c0",
    "at_risk": "#ef6c00",
    "breached": "#c62828",
    "missing_evidence": "#6a1b9a",
    "not_started": "#9e9e9e",
    "calendar_unknown": "#546e7a",
    "evaluation_error": "#8d6e63",
}


def _status_scale() -> alt.Scale:
    return alt.Scale(
        domain=[status_label(s) for s in STATUS_COLOURS], range=list(STATUS_COLOURS.values())
    )


# Dates carry their year: a ticket's events and its verdicts can be years apart.
TIME_FORMAT = "%Y-%m-%d %H:%M"
PAUSE_COLOUR = "#bdbdbd"


def clocks_chart(
    clocks: Sequence[Any],
    at: datetime,
    zone: ZoneInfo,
    pauses: Sequence[Pause] = (),
    pausing: Mapping[str, Collection[str]] | None = None,
) -> alt.LayerChart | alt.FacetChart | None:
    """One bar per target from its start to its stop (or to `at` while running), the deadline
    drawn as a black tick on the same line: a bar past its tick is a breach. The ticket's
    paused stretches are drawn over each bar they cut, in grey, with their reason — on a
    target only for the reasons that pause it (`pausing`: target id → reasons; None: all)."""
    rows = []
    for clock in clocks:
        if clock.start is None:
            continue
        end = clock.stop or at
        rows.append(
            {
                "target_id": clock.target_id,
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
    axis = alt.Axis(format=TIME_FORMAT, labelAngle=-30)
    base = alt.Chart(frame).encode(y=alt.Y("target:N", title=None, sort=None))
    bars = base.mark_bar(height=14).encode(
        x=alt.X("start:T", title=None, axis=axis),
        x2="end:T",
        color=alt.Color("status:N", scale=_status_scale(), title=t("col.status")),
        tooltip=[
            "target",
            alt.Tooltip("start:T", format=TIME_FORMAT),
            alt.Tooltip("end:T", format=TIME_FORMAT),
            alt.Tooltip("deadline:T", format=TIME_FORMAT),
            "status",
        ],
    )
    ticks = (
        base.transform_filter("datum.deadline != null")
        .mark_tick(color="black", thickness=3, size=24)
        .encode(x="deadline:T", tooltip=["target", alt.Tooltip("deadline:T", format=TIME_FORMAT)])
    )
    layers: list[Any] = [bars, ticks]
    paused = _pause_rows(rows, pauses, at, zone, pausing)
    if paused:
        layers.append(
            alt.Chart(pd.DataFrame(paused))
            .mark_bar(height=8, color=PAUSE_COLOUR, opacity=0.9)
            .encode(
                y=alt.Y("target:N", sort=None),
                x="start:T",
                x2="end:T",
                tooltip=[
                    alt.Tooltip("reason:N", title=t("chart.paused")),
                    alt.Tooltip("start:T", format=TIME_FORMAT),
                    alt.Tooltip("end:T", format=TIME_FORMAT),
                ],
            )
        )
    return alt.layer(*layers).properties(height=40 * len(rows) + 60)


def _pause_rows(
    rows: list[dict[str, Any]],
    pauses: Sequence[Pause],
    at: datetime,
    zone: ZoneInfo,
    pausing: Mapping[str, Collection[str]] | None,
) -> list[dict[str, Any]]:
    """Each pause cut to each target bar it overlaps and pauses (one still open runs to `at`)."""
    cut = []
    for pause in pauses:
        start = pause.start.astimezone(zone).replace(tzinfo=None)
        end = (pause.end or at).astimezone(zone).replace(tzinfo=None)
        for row in rows:
            if pausing is not None and pause.reason not in pausing.get(row["target_id"], ()):
                continue  # waiting the contract does not count for this target: the clock ran
            low, high = max(start, row["start"]), min(end, row["end"])
            if low < high:
                reason = PAUSE_REASONS.get(pause.reason, pause.reason)
                label = reason if language() == "zh" else pause.reason.replace("_", " ")
                cut.append({"target": row["target"], "start": low, "end": high, "reason": label})
    return cut


# Severity colours by the contract's keys, most severe first; a severity the contract adds
# beyond these takes the next of EXTRA_COLOURS, in the contract's order, in both languages.
SEVERITY_COLOURS = {"major": "#b71c1c", "significant": "#ef6c00", "general": "#fbc02d"}
EXTRA_COLOURS = ("#6d4c41", "#5e35b1", "#00838f", "#9e9e9e")
# The violations trend: counted violations red, waived ones grey.
COUNTED_COLOUR, WAIVED_COLOUR = STATUS_COLOURS["breached"], "#9e9e9e"


def severity_scale(severities: dict[str, Any]) -> alt.Scale:
    """The severities' names in the session's language, each in its fixed colour."""
    spare = iter(EXTRA_COLOURS * 4)
    colours = [SEVERITY_COLOURS.get(key) or next(spare) for key in severities]
    names = [
        getattr(v, "name_zh" if language() == "zh" else "name_en", key)
        for key, v in severities.items()
    ]
    # "—": a ticket with no severity recorded (fmt.vocabulary's word for none).
    return alt.Scale(domain=[*names, "—"], range=[*colours, "#bdbdbd"])


def violations_scale() -> alt.Scale:
    return alt.Scale(
        domain=[t("col.violations"), t("col.waived")], range=[COUNTED_COLOUR, WAIVED_COLOUR]
    )


def lost_points_chart(cards: Sequence[Any]) -> alt.Chart | None:
    """The points each indicator lost, largest first, red; None when nothing was lost."""
    rows = [
        {"indicator": c.name, "lost": c.lost, "points": f"{c.points:g} / {c.max_points:g}"}
        for c in cards
        if c.lost
    ]
    if not rows:
        return None
    frame = pd.DataFrame(rows).sort_values("lost", ascending=False)
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar(color=STATUS_COLOURS["breached"])
        .encode(
            y=alt.Y("indicator:N", title=None, sort="-x"),
            x=alt.X("lost:Q", title=t("col.lost")),
            tooltip=[
                alt.Tooltip("indicator:N", title=t("col.indicator")),
                alt.Tooltip("lost:Q", title=t("col.lost")),
                alt.Tooltip("points:N", title=t("col.points")),
            ],
        )
        .properties(height=32 * len(rows) + 40)
    )
    return chart


def side_by_side_chart(frame: pd.DataFrame) -> alt.Chart:
    """One group of bars per figure, one bar per pool in a fixed colour (columns: figure,
    pool, value)."""
    pools = sorted(frame["pool"].unique())
    palette = ["#1565c0", "#00897b", "#8e24aa", "#6d4c41", "#546e7a"]
    scale = alt.Scale(domain=pools, range=[palette[i % len(palette)] for i in range(len(pools))])
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X("figure:N", title=None, sort=None),
            xOffset="pool:N",
            y=alt.Y("value:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1)),
            color=alt.Color("pool:N", scale=scale, title=t("col.pool")),
            tooltip=["figure", "pool", "value"],
        )
        .properties(height=260)
    )
    return chart


def counts_chart(
    frame: pd.DataFrame,
    x: str,
    y: str,
    colour: str | None = None,
    scale: alt.Scale | None = None,
) -> alt.Chart:
    encoding: dict[str, Any] = {
        "x": alt.X(f"{x}:N", title=None, sort=None),
        # Counts are whole: without a format a column of zeros reads "0.000000".
        "y": alt.Y(f"{y}:Q", title=None, axis=alt.Axis(format="d", tickMinStep=1)),
        "tooltip": list(frame.columns),
    }
    if colour is not None:
        encoding["color"] = alt.Color(
            f"{colour}:N", title=None, scale=scale if scale is not None else alt.Undefined
        )
    chart: alt.Chart = alt.Chart(frame).mark_bar().encode(**encoding).properties(height=220)
    return chart


def availability_chart(frame: pd.DataFrame) -> alt.LayerChart | alt.FacetChart:
    """Availability (%) per row against its target (a red tick), with the coverage of its
    monitoring written under each bar; a row with no samples is an empty place that says
    无监测数据, never a bar of zero. y starts near the lowest value."""
    frame = frame.copy()
    if "coverage" not in frame:
        frame["coverage"] = None
    low = min([*frame["availability"].dropna(), *frame["target"].dropna(), 99.0])
    floor = max(0.0, low - 0.5)
    scale = alt.Scale(domain=[floor, 100], clamp=True)
    frame["series"] = t("chart.availability")
    frame["target_series"] = t("chart.target")
    frame["floor"] = floor
    frame["note"] = [
        t("chart.no_data")
        if pd.isna(a)
        else (t("chart.coverage", coverage=f"{c:.1f}%") if pd.notna(c) else "")
        for a, c in zip(frame["availability"], frame["coverage"], strict=True)
    ]
    legend = alt.Scale(
        domain=[t("chart.availability"), t("chart.target")], range=["#1565c0", "#c62828"]
    )
    base = alt.Chart(frame).encode(x=alt.X("name:N", title=None, sort=None))
    bars = (
        base.transform_filter("datum.availability != null")
        .mark_bar()
        .encode(
            y=alt.Y("availability:Q", title="%", scale=scale),
            color=alt.Color("series:N", scale=legend, title=None),
            tooltip=["name", "availability", "target", "coverage"],
        )
    )
    target = (
        base.transform_filter("datum.target != null")
        .mark_tick(thickness=3, size=40)
        .encode(
            y=alt.Y("target:Q", scale=scale),
            color=alt.Color("target_series:N", scale=legend, title=None),
        )
    )
    notes = base.mark_text(dy=-8, color="#424242").encode(
        y=alt.Y("floor:Q", scale=scale), text="note:N"
    )
    return alt.layer(bars, target, notes).properties(height=240)


def trend_lines_chart(frame: pd.DataFrame, title: str, scale: alt.Scale | None = None) -> alt.Chart:
    """One line per group over the months (columns: month, group, value); a month without a
    value is a gap in its line, not a zero."""
    chart: alt.Chart = (
        alt.Chart(frame)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:N", title=None, sort=None),
            y=alt.Y("value:Q", title=title),
            color=alt.Color(
                "group:N", title=None, scale=scale if scale is not None else alt.Undefined
            ),
            tooltip=["month", "group", alt.Tooltip("value:Q", format=".1f", title=title)],
        )
        .properties(height=240)
    )
    return chart


def daily_availability_chart(frame: pd.DataFrame) -> alt.VConcatChart:
    """Each pool's availability per day, a line broken where a day has no samples (a gap, not
    downtime), over the coverage of each day (columns: day, pool, availability, coverage —
    percentages, None without samples)."""
    low = min([*frame["availability"].dropna(), 99.0])
    base = alt.Chart(frame).encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%Y-%m-%d")),
        color=alt.Color("pool:N", title=t("col.pool")),
    )
    lines = base.mark_line(point=True).encode(
        y=alt.Y(
            "availability:Q",
            title=t("chart.availability") + " %",
            scale=alt.Scale(domain=[max(0.0, low - 0.5), 100], clamp=True),
        ),
        tooltip=[alt.Tooltip("day:T", format="%Y-%m-%d"), "pool", "availability", "coverage"],
    )
    coverage = base.mark_bar(opacity=0.6).encode(
        y=alt.Y("coverage:Q", title=t("col.coverage") + " %", scale=alt.Scale(domain=[0, 100])),
        xOffset="pool:N",
    )
    return alt.vconcat(lines.properties(height=200), coverage.properties(height=90))
