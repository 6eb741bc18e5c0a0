"""Charts on the pages through Streamlit's AppTest: the scorecard's lost points by indicator,
一云 and 二云 side by side, and fixed colours per severity and for violations vs waivers."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.seed import AT, PASSWORD, ROOT

APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def signed_in(shared_db: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SLAMON_DATABASE_URL", shared_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="login_name").input("监理")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def specs(app: AppTest) -> list[str]:
    """Each chart's Vega-Lite specification, its Chinese written out."""
    charts = app.get("vega_lite_chart")
    return [json.dumps(json.loads(c.proto.spec), ensure_ascii=False) for c in charts]  # type: ignore[attr-defined]


def test_the_overview_colours_severities_and_waivers_the_same_in_both_languages(
    signed_in: AppTest,
) -> None:
    app = signed_in
    chinese = specs(app)
    assert any('"重大"' in s and "#b71c1c" in s for s in chinese)  # major in dark red
    assert any('"已豁免"' in s and "#9e9e9e" in s for s in chinese)  # waived in grey
    app.sidebar.radio(key="lang_choice").set_value("en").run()
    english = specs(app)
    assert any('"major"' in s and "#b71c1c" in s for s in english)


def test_the_scorecard_charts_the_points_lost_by_indicator(signed_in: AppTest) -> None:
    app = signed_in
    app.switch_page("screens/scorecard.py").run()
    assert not app.exception, app.exception
    assert "各指标失分" in [str(s.value) for s in app.subheader]
    assert any('"lost"' in s and '"sort": "-x"' in s for s in specs(app))


def test_the_pools_are_charted_side_by_side(signed_in: AppTest) -> None:
    app = signed_in
    app.switch_page("screens/compare.py").run()
    assert not app.exception, app.exception
    assert any('"xOffset"' in s and '"一云"' in s and '"二云"' in s for s in specs(app))


def test_mtta_and_mttr_per_pool_and_by_severity_with_their_trend(signed_in: AppTest) -> None:
    app = signed_in
    app.switch_page("screens/compare.py").run()
    assert "平均响应与修复时长（MTTA / MTTR，按报障月份）" in [str(s.value) for s in app.subheader]
    table = app.table[-1].value
    assert list(table.columns) == ["资源池", "工单数", "平均响应时长", "平均修复时长", "未恢复"]
    assert set(table["资源池"]) <= {"一云", "二云", "—"}
    assert any('"平均修复（小时）"' in s and '"mark": {"type": "line"' in s for s in specs(app))
    app.radio(key="response_by").set_value("severity").run()
    assert not app.exception, app.exception
    assert set(app.table[-1].value["等级"]) <= {"重大", "较大", "一般", "—"}


def test_the_overview_charts_violations_by_month_and_target(signed_in: AppTest) -> None:
    app = signed_in
    assert "各月违约（按考核目标，不含已豁免）" in [str(c.value) for c in app.caption]
    assert any('"field": "target"' in s for s in specs(app))


def test_availability_per_day_shows_gaps_and_coverage(signed_in: AppTest) -> None:
    app = signed_in
    app.switch_page("screens/availability.py").run()
    assert not app.exception, app.exception
    assert "每日可用率与覆盖率" in [str(s.value) for s in app.subheader]
    daily = next(s for s in specs(app) if '"vconcat"' in s)
    assert '"覆盖率 %"' in daily and '"%Y-%m-%d"' in daily
