"""The wall display through Streamlit's AppTest: ?wall=1 with the wall key signs in read-only
without a form (a reload comes back by itself), starts refreshing, and shows the clocks
overdue and at risk with their countdowns, the period's score and the collectors' health."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from monitor.domain.viewer import Role
from monitor.storage.db import make_engine
from monitor.storage.users import add_user
from tests.dashboard.seed import AT, PASSWORD, PASSWORD_HASH, ROOT

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


WALL_ACCOUNT = "大厅大屏"


@pytest.fixture
def wall_account(wall_env: None, shared_db: str) -> None:
    engine = make_engine(shared_db)
    add_user(engine, WALL_ACCOUNT, Role.WALL, password_hash=PASSWORD_HASH, now=AT, replace=True)
    engine.dispose()


def sign_in_on_the_wall(name: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["wall"] = "1"
    app = app.run()
    app.text_input(key="login_name").input(name)
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def reload(app: AppTest) -> AppTest:
    """A new session at the address the screen shows now (a browser reload)."""
    again = AppTest.from_file(APP, default_timeout=60)
    for name, value in app.query_params.items():
        again.query_params[name] = value[0] if isinstance(value, list) else value
    return again.run()


def test_a_wall_accounts_form_sign_in_survives_a_reload_with_auto_refresh_on(
    wall_account: None,
) -> None:
    app = sign_in_on_the_wall(WALL_ACCOUNT)
    assert app.toggle(key="auto_refresh").value is True
    again = reload(app)
    assert not again.exception, again.exception
    assert "login_name" not in [w.key for w in again.text_input]  # no sign-in form
    assert again.toggle(key="auto_refresh").value is True
    assert "1" in [m.value for m in again.metric]  # the overdue and at-risk counts
    # A pass that is not the account's gets the form.
    forged = AppTest.from_file(APP, default_timeout=60)
    forged.query_params.update({"wall": "1", "user": WALL_ACCOUNT, "pass": "0" * 64})
    forged = forged.run()
    assert "login_name" in [w.key for w in forged.text_input] and not forged.metric


def test_only_a_wall_account_keeps_its_sign_in_in_the_address(wall_account: None) -> None:
    # A supervisor's pass would hand everything it may see to whoever reads the screen.
    app = sign_in_on_the_wall("监理")
    assert "pass" not in app.query_params
    assert "login_name" in [w.key for w in reload(app).text_input]
