"""The wall display through Streamlit's AppTest: ?wall=1 with the wall key signs in read-only
without a form (a reload comes back by itself), starts refreshing, and shows the clocks
overdue and at risk with their countdowns, the period's score and the collectors' health."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard.seed import AT, ROOT

APP = str(ROOT / "dashboard" / "app.py")
KEY = "wall-key-0123456789abcdef"


@pytest.fixture
def wall_env(shared_db: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLAMON_DATABASE_URL", shared_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.setenv("SLAMON_DASHBOARD_WALL_KEY", KEY)
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)


def open_wall(key: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["wall"] = "1"
    app.query_params["key"] = key
    return app.run()


def test_the_wall_signs_in_by_its_key_and_refreshes_from_the_start(wall_env: None) -> None:
    app = open_wall(KEY)
    assert not app.exception, app.exception
    assert app.toggle(key="auto_refresh").value is True
    metrics = {m.label: m.value for m in app.metric}
    # At 2022-12-20 12:00: GZ-2022-0171 overdue, GZ-2022-0170 at risk, JK-2022-0601 running.
    assert (metrics["超时违约"], metrics["临近超时"], metrics["计时中"]) == ("1", "1", "1")
    frame = app.dataframe[0].value
    assert frame["倒计时"].tolist() == ["已超时 2小时", "剩余 5分"]
    page = " ".join(str(s.value) for s in app.subheader)
    assert "评分" in page or "得分" in page
    assert "采集" in page
    assert "大屏（只读）" in " ".join(str(c.value) for c in app.sidebar.caption)
    # A reload is a new session: the key in the address signs it in again.
    again = open_wall(KEY)
    assert not again.exception and again.toggle(key="auto_refresh").value is True


def test_a_wrong_wall_key_gets_the_sign_in_form(wall_env: None) -> None:
    app = open_wall("not-the-key-0123456789")
    assert app.text_input(key="login_name") is not None
    assert not app.metric
