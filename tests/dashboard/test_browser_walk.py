"""Pages walked in a real browser: 二云运营 signs in to headless Chromium and opens every page
from the sidebar; no page shows a 一云 ticket id or system, a traceback or an internal code.
The supervisor then walks every page in English: no Chinese is left but the data's names.
(The AppTest walks in test_scope_walk.py and test_languages.py cover every role and both
languages; tables are drawn on a canvas, so here only the text around them is read.)"""

from __future__ import annotations

import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from dashboard.i18n import TEXTS
from monitor.contract.model import Contract
from monitor.storage.db import make_engine
from tests.chromium import NEEDS_CHROMIUM, wait_for_text
from tests.dashboard.seed import PASSWORD
from tests.dashboard.test_browser import _click_button, _input, browser, dashboard_url
from tests.dashboard.test_languages import PAGES, _chinese_left, _names, codes_on

pytestmark = NEEDS_CHROMIUM
__all__ = ["browser", "dashboard_url"]  # the fixtures, used by name


def _pool_one_names(url: str) -> set[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        rows = connection.exec_driver_sql("SELECT ticket_id, system, pool FROM ticket").all()
    engine.dispose()
    theirs = {n for r in rows if r.pool == "一云" for n in (r.ticket_id, r.system) if n}
    ours = {n for r in rows if r.pool != "一云" for n in (r.ticket_id, r.system) if n}
    return theirs - ours


def test_a_pool_two_operator_walks_every_page_and_sees_nothing_of_pool_one(
    dashboard_url: str, browser: WebDriver, shared_db: str
) -> None:
    _sign_in(browser, dashboard_url, "二云运营")
    foreign = _pool_one_names(shared_db)
    for page in PAGES:
        body = _open(browser, page, "zh")
        shown = sorted(n for n in foreign if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", body))
        assert shown == [], (page, shown)
        assert codes_on(body, "zh") == [], (page, codes_on(body, "zh"))


def test_the_supervisor_walks_every_page_in_english_and_meets_no_chinese_but_names(
    dashboard_url: str, browser: WebDriver, shared_db: str, contract: Contract
) -> None:
    _sign_in(browser, dashboard_url, "监理")
    _when_drawn(browser, '[data-testid="stSidebar"] label', "English").click()
    wait_for_text(browser, TEXTS["page.overview"][1])
    names = _names(shared_db, contract)
    for page in PAGES:
        body = _open(browser, page, "en")
        assert codes_on(body, "en") == [], (page, codes_on(body, "en"))
        assert _chinese_left(body, names) == [], (page, _chinese_left(body, names))


def _open(browser: WebDriver, page: str, lang: str) -> str:
    """Open `page` from the sidebar and give its text once drawn; no page shows a traceback."""
    title = TEXTS[f"page.{page}"][0 if lang == "zh" else 1]
    # A link's text starts with its icon's ligature name (dashboard, search …).
    _when_drawn(browser, '[data-testid="stSidebarNav"] a', title).click()
    wait_for_text(browser, title)
    time.sleep(1.5)  # the page's later parts arrive after its title
    body = str(browser.find_element(By.TAG_NAME, "body").text)
    assert "Traceback" not in body, (page, body[:2000])
    return body


def _when_drawn(browser: WebDriver, selector: str, ending: str) -> WebElement:
    """The element of `selector` whose text ends with `ending`, once the sidebar has drawn it
    (it is drawn again after a sign-in or a change of language)."""

    def found(driver: WebDriver) -> WebElement | None:
        elements = driver.find_elements(By.CSS_SELECTOR, selector)
        return next((e for e in elements if e.text.strip().endswith(ending)), None)

    element: WebElement = WebDriverWait(browser, 30).until(found)
    return element


def _sign_in(browser: WebDriver, dashboard_url: str, name: str) -> None:
    browser.get(dashboard_url)
    _input(browser, "用户名").send_keys(name)
    _input(browser, "密码").send_keys(PASSWORD)
    _click_button(browser, "登录")
    wait_for_text(browser, "本月与上月违约")
