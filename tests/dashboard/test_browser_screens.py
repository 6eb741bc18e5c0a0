"""Every role in a real browser, page by page, each page's picture kept: the supervisor, the
owner, an operator, a user unit and a wall account sign in to headless Chromium and open
every page they may; no page shows a traceback. With SLAMON_SCREENSHOTS=docs/screenshots the
pictures (ROLE_PAGE.png) are written there; the run is skipped without it, since the walks of
test_browser_walk.py and test_scope_walk.py already check what each role sees."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver

from dashboard.i18n import TEXTS
from monitor.domain.viewer import Role, Viewer
from monitor.storage.db import make_engine
from monitor.storage.users import add_user
from tests.chromium import NEEDS_CHROMIUM, SCREENSHOTS_ENV, screenshot, wait_for_text
from tests.dashboard.seed import AT, PASSWORD, PASSWORD_HASH, USERS
from tests.dashboard.test_browser import _click_button, _input, browser, dashboard_url
from tests.dashboard.test_languages import PAGES

pytestmark = [
    *NEEDS_CHROMIUM,
    pytest.mark.skipif(
        not os.environ.get(SCREENSHOTS_ENV), reason=f"{SCREENSHOTS_ENV} names no folder"
    ),
]
__all__ = ["browser", "dashboard_url"]  # the fixtures, used by name

WALL = "大厅大屏"
# Each role's pictures are named by this, and its detail page shows this ticket of its own.
ROLES = {
    "监理": ("supervisor", "GZ-2022-0102"),
    "业主": ("owner", "GZ-2022-0102"),
    "二云运营": ("operator", None),
    "人社局": ("user_unit", None),
    WALL: ("wall", None),
}


def _viewer(name: str) -> Viewer:
    if name == WALL:
        return Viewer(WALL, Role.WALL)
    role, pools, units = USERS[name]
    return Viewer(name, role, pools, units)


def _own_ticket(url: str, viewer: Viewer) -> str:
    """A ticket the viewer may see, for its detail page."""
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT ticket_id, pool, user_unit FROM ticket ORDER BY ticket_id"
        ).all()
    engine.dispose()
    return next(r.ticket_id for r in rows if viewer.sees_record(r.pool, r.user_unit))


def _open(driver: WebDriver, title: str) -> None:
    links = driver.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"] a')
    # A link's text starts with its icon's ligature name (dashboard, search …).
    next(a for a in links if a.text.strip().endswith(title)).click()
    wait_for_text(driver, title)


def test_every_role_opens_each_of_its_pages_and_leaves_its_picture(
    dashboard_url: str, browser: WebDriver, shared_db: str, tmp_path: Path
) -> None:
    engine = make_engine(shared_db)
    add_user(engine, WALL, Role.WALL, password_hash=PASSWORD_HASH, now=AT, replace=True)
    engine.dispose()
    for name, (slug, ticket) in ROLES.items():
        viewer = _viewer(name)
        browser.get(f"{dashboard_url}/?wall=1" if viewer.role is Role.WALL else dashboard_url)
        _input(browser, "用户名").send_keys(name)
        _input(browser, "密码").send_keys(PASSWORD)
        _click_button(browser, "登录")
        wait_for_text(browser, "本月与上月违约")
        for page in (p for p in PAGES if viewer.may_open(p)):
            title = TEXTS[f"page.{page}"][0]
            if viewer.role is not Role.WALL:
                _open(browser, title)
            if page == "incident":
                field = _input(browser, TEXTS["incident.pick"][0])
                field.send_keys(ticket or _own_ticket(shared_db, viewer), Keys.ENTER)
                wait_for_text(browser, "考核项")
            time.sleep(2)  # charts and tables are drawn after the page's text
            body = browser.find_element(By.TAG_NAME, "body").text
            assert "Traceback" not in body, (name, page, body[:2000])
            screenshot(browser, tmp_path, f"{slug}_{page}.png")
