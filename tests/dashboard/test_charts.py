"""The dashboard's charts as Vega-Lite specifications: what each draws and says."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pandas as pd

from dashboard.charts import availability_chart, clocks_chart
from monitor.domain.tickets import Pause

SHANGHAI = ZoneInfo("Asia/Shanghai")


def spec(chart: object) -> str:
    return json.dumps(chart.to_dict(), ensure_ascii=False)  # type: ignore[attr-defined]


def test_availability_without_samples_says_so_and_draws_no_bar() -> None:
    frame = pd.DataFrame(
        [
            {"name": "云主机", "availability": 99.95, "target": 99.9, "coverage": 96.5},
            {"name": "云存储", "availability": None, "target": 99.9, "coverage": 0.0},
        ]
    )
    text = spec(availability_chart(frame))
    assert "无监测数据" in text and "覆盖 96.5%" in text
    assert '"domain": ["可用率", "目标"]' in text  # the legend names bars and target ticks
    assert '"filter": "datum.availability != null"' in text


def test_the_clock_chart_dates_with_the_year_and_draws_pauses() -> None:
    def utc(text: str) -> datetime:
        return datetime.fromisoformat(text).replace(tzinfo=UTC)

    clock = SimpleNamespace(
        target_id="major.restore",
        name_zh="重大故障修复",
        name_en="major restore",
        start=utc("2016-02-29 17:23"),
        stop=utc("2016-03-22 16:47"),
        deadline=utc("2016-03-07 16:58"),
        status="breached",
    )
    pause = Pause(utc("2016-02-29 17:52"), utc("2016-03-07 15:27"), "awaiting_user")
    text = spec(clocks_chart([clock], utc("2026-12-01 09:00"), SHANGHAI, [pause]))
    assert "%Y-%m-%d %H:%M" in text and '"等待用户"' in text
    assert "2016-03-01T01:52:00" in text  # the pause in Asia/Shanghai time

    # Waiting that does not pause this target (awaiting_vendor here) is not drawn on it.
    vendor = Pause(pause.start, pause.end, "awaiting_vendor")
    only_user = {"major.restore": ("awaiting_user",)}
    text = spec(clocks_chart([clock], utc("2026-12-01 09:00"), SHANGHAI, [vendor], only_user))
    assert "等待厂商" not in text and "2016-03-01T01:52:00" not in text
