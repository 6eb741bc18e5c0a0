"""What a deployment (or the demo) sets for the dashboard: the period a session starts on and
the hand-entered scores its scorecard adds, only to the period they belong to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.dashboard.seed import AT, PASSWORD, ROOT

APP = str(ROOT / "dashboard" / "app.py")
MANUAL = ROOT / "samples" / "2022" / "manual_2022.yaml"  # period: 2022


@pytest.fixture
def signed_in(shared_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("SLAMON_DATABASE_URL", shared_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.setenv("SLAMON_DASHBOARD_MANUAL", str(MANUAL))
    monkeypatch.setenv("SLAMON_DASHBOARD_PERIOD", "2022")
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)
    st.cache_resource.clear()  # the runtime holds the settings it was made with
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="login_name").input("监理")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception, app.exception
    yield app
    st.cache_resource.clear()


def captions(app: AppTest) -> str:
    return "\n".join(str(caption.value) for caption in app.caption)


def test_a_session_starts_on_the_set_period_with_the_hand_entered_scores(
    signed_in: AppTest,
) -> None:
    assert signed_in.text_input(key="period_choice").value == "2022"
    assert "2022 · 合计" in captions(signed_in) and "/ 100" in captions(signed_in)
    signed_in.switch_page("screens/scorecard.py").run()
    table = signed_in.table[0].value.to_string()
    assert "立项依据充分性" in table and "自评工作质量" in table


def test_the_hand_entered_scores_stay_with_their_period(signed_in: AppTest) -> None:
    signed_in.text_input(key="period_choice").input("2022-12").run()
    assert "2022-12 · 合计" in captions(signed_in)
    assert "/ 100" not in captions(signed_in)  # only the computed indicators' points
