"""The overview's violations per month and target: one stacked bar per month of the trend,
each target by its name in the session's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import pandas as pd
import streamlit as st

from dashboard.charts import counts_chart
from dashboard.i18n import language, t
from dashboard.state import Context
from monitor.domain.periods import Period
from monitor.views.violation_trend import violations_by_target


def target_name(ctx: Context, target_id: str) -> str:
    try:
        target = ctx.contract.target(target_id)
    except KeyError:  # since removed from the contract: its id is all there is
        return target_id
    return target.name_zh if language() == "zh" else target.name_en


def target_trend_section(ctx: Context, months: Sequence[Period], at: datetime) -> None:
    found = violations_by_target(ctx.engine, ctx.viewer, months, at)
    if not found:
        return
    st.caption(t("overview.by_target"))
    counts = {(f.period, f.target_id): f.violations for f in found}
    targets = sorted({f.target_id for f in found})
    # Every month of the trend on the axis, a month without violations as an empty place.
    frame = pd.DataFrame(
        {
            "month": m.label,
            "target": target_name(ctx, target),
            "count": counts.get((m.label, target), 0),
        }
        for m in months
        for target in targets
    )
    st.altair_chart(counts_chart(frame, "month", "count", "target"), width="stretch")
