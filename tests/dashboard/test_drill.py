"""Drill-down through Streamlit's AppTest: a click on a row of the overview's running clocks
opens that ticket's detail; every ticket id is a link to it; and the overview's trend for a
yearly period."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.seed import AT, PASSWORD, ROOT

APP = str(ROOT / "dashboard" / "app.py")
CLICK_FIRST_ROW = {"selection": {"rows": [0], "columns": [], "cells": []}}


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


def test_a_click_on_a_running_clock_opens_its_ticket(signed_in: AppTest) -> None:
    app = signed_in
    first = app.dataframe[0].value["工单编号"].tolist()[0]
    assert first == "incident?ticket=GZ-2022-0171&source=live"  # overdue first, as a link
    app.session_state["overview_clocks"] = CLICK_FIRST_ROW
    app.run()
    assert not app.exception, app.exception
    assert str(app.header[0].value).startswith("GZ-2022-0171 · ")
    assert app.query_params["ticket"] == "GZ-2022-0171"


def test_the_detail_opens_the_linked_ticket_over_one_opened_before(signed_in: AppTest) -> None:
    app = signed_in
    app.switch_page("screens/incidents.py").run()
    app.text_input(key="q").input("GZ-2022-0102").run()
    app.session_state["q_table"] = CLICK_FIRST_ROW
    app.run()
    assert str(app.header[0].value).startswith("GZ-2022-0102 · ")
    app.switch_page("screens/overview.py").run()
    app.session_state["overview_clocks"] = CLICK_FIRST_ROW
    app.run()
    assert str(app.header[0].value).startswith("GZ-2022-0171 · ")


def test_a_click_on_a_violation_opens_its_ticket(signed_in: AppTest) -> None:
    app = signed_in
    app.switch_page("screens/violations.py").run()
    link = app.dataframe[0].value["工单编号"].tolist()[0]
    first = parse_qs(urlsplit(link).query)["ticket"][0]
    app.session_state["violations_table"] = CLICK_FIRST_ROW
    app.run()
    assert not app.exception, app.exception
    assert str(app.header[0].value).startswith(f"{first} · ")


def test_a_yearly_period_compares_the_year_and_charts_its_own_months(signed_in: AppTest) -> None:
    app = signed_in
    app.sidebar.text_input(key="period_choice").input("2022").run()
    assert not app.exception, app.exception
    metrics = {m.label: m.value for m in app.metric}
    assert "本年 2022" in metrics and "上年 2021" in metrics
    assert not any(label.startswith("本月") for label in metrics)
    assert "2022 年各月违约（按报障月份）" in [str(c.value) for c in app.caption]
    specs = [c.proto.spec for c in app.get("vega_lite_chart")]  # type: ignore[attr-defined]
    assert any('"format": "d"' in spec for spec in specs)  # whole counts, not "0.000000"
