"""Signing in: local users (scrypt-hashed passwords, `slamon users add`) and, when
[auth] is configured in .streamlit/secrets.toml, OIDC single sign-on through st.login; a wall
display by its key in the address (?wall=1&key=…), or a wall account's screen by the pass its
sign-in put in the address (?wall=1&user=…&pass=…)."""

from __future__ import annotations

import hmac

import streamlit as st
from sqlalchemy import Engine

from dashboard.i18n import t
from monitor.domain.viewer import Role, Viewer
from monitor.storage.users import (
    authenticate,
    find_user,
    users_exist,
    wall_screen_pass,
    wall_screen_viewer,
)
from monitor.views.settings import DashboardSettings

VIEWER_KEY = "viewer"
WALL_VIEWER = Viewer("大屏", Role.WALL)


def oidc_configured() -> bool:
    """Whether secrets.toml has an [auth] section (Streamlit's OIDC settings)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering False
        return False


def _sso_viewer(engine: Engine) -> Viewer | None:
    """The registered user behind the OIDC login, or None (with an error) when unknown."""
    if not oidc_configured() or not st.user.is_logged_in:
        return None
    email = str(st.user.get("email") or "")
    stored = find_user(engine, email) if email else None
    if stored is None:
        st.error(t("login.sso_unknown", email=email or "?"))
        if st.button(t("logout"), key="sso_logout"):
            st.logout()
        st.stop()
    return stored.viewer


def wall_viewer(key: str | None) -> Viewer | None:
    """The read-only wall viewer when the address is ?wall=1&key=KEY with the configured key:
    a wall screen signs in by its address, so a reload comes back by itself."""
    given = st.query_params.get("key", "")
    if not key or st.query_params.get("wall") != "1" or not given:
        return None
    return WALL_VIEWER if hmac.compare_digest(given.encode(), key.encode()) else None


def screen_viewer(engine: Engine) -> Viewer | None:
    """The wall account of ?wall=1&user=NAME&pass=…, the pass its form sign-in put in the
    address, so a reload of that screen comes back signed in."""
    name, given = st.query_params.get("user", ""), st.query_params.get("pass", "")
    if st.query_params.get("wall") != "1" or not name or not given:
        return None
    return wall_screen_viewer(engine, name, given)


def keep_wall_signed_in(engine: Engine, viewer: Viewer) -> None:
    """After a wall account's form sign-in on ?wall=1: its pass into the address."""
    if st.query_params.get("wall") != "1":
        return
    given = wall_screen_pass(engine, viewer.name)
    if given is not None:
        st.query_params["user"] = viewer.name
        st.query_params["pass"] = given


def current_viewer(engine: Engine) -> Viewer | None:
    viewer = st.session_state.get(VIEWER_KEY)
    if isinstance(viewer, Viewer):
        return viewer
    viewer = (
        wall_viewer(DashboardSettings().wall_key) or screen_viewer(engine) or _sso_viewer(engine)
    )
    if viewer is not None:
        st.session_state[VIEWER_KEY] = viewer
    return viewer


def login_page(engine: Engine) -> None:
    """The sign-in form; a successful login reruns the app as the user."""
    st.title(t("app.title"))
    st.subheader(t("login.title"))
    if oidc_configured() and st.button(t("login.sso"), key="sso_login"):
        st.login()
    with st.form("login", clear_on_submit=False):
        name = st.text_input(t("login.name"), key="login_name")
        password = st.text_input(t("login.password"), type="password", key="login_password")
        submitted = st.form_submit_button(t("login.submit"))
    if submitted:
        viewer = authenticate(engine, name, password)
        if viewer is None:
            st.error(t("login.failed"))
        else:
            st.session_state[VIEWER_KEY] = viewer
            st.session_state.pop("login_password", None)
            keep_wall_signed_in(engine, viewer)
            st.rerun()
    if not users_exist(engine):
        st.info(t("login.no_users"))


def logout() -> None:
    st.session_state.pop(VIEWER_KEY, None)
    # A wall screen's pass would sign the address straight back in.
    st.query_params.pop("user", None)
    st.query_params.pop("pass", None)
    if oidc_configured() and st.user.is_logged_in:
        st.logout()
    st.rerun()
