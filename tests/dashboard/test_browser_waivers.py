"""Waivers in a real browser (Debian's Chromium against `streamlit run`): an operator finds a
violation that is not on the first page, requests its waiver, and sees the form empty again
(nothing left to click a second time); a second account, a supervisor, approves it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from tests.chromium import NEEDS_CHROMIUM, chromium, screenshot, wait_for_text
from tests.dashboard.seed import PASSWORD
from tests.dashboard.test_browser import browser, dashboard_url  # noqa: F401
from tests.dashboard.test_waiver_pages import PAGE_SIZE, crowded_database

pytestmark = NEEDS_CHROMIUM


@pytest.fixture(scope="module")
def shared_db(
    tmp_path_factory: pytest.TempPathFactory, contract: Contract, calendar: BusinessCalendar
) -> str:
    """The database dashboard_url serves: the seed plus enough violations for two pages."""
    return crowded_database(tmp_path_factory.mktemp("waivers") / "slamon.db", contract, calendar)


@pytest.fixture(autouse=True)
def small_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLAMON_DASHBOARD_PAGE_SIZE", str(PAGE_SIZE))


def by_label(driver: WebDriver, tag: str, label: str) -> WebElement:
    element: WebElement = WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'{tag}[aria-label="{label}"]')
    )
    return element


def click(driver: WebDriver, text: str) -> None:
    button: WebElement = WebDriverWait(driver, 30).until(
        lambda d: next(
            (b for b in d.find_elements(By.TAG_NAME, "button") if b.text.strip() == text), None
        )
    )
    button.click()


def sign_in(driver: WebDriver, url: str, name: str) -> None:
    driver.get(f"{url}/violations")
    by_label(driver, "input", "用户名").send_keys(name)
    by_label(driver, "input", "密码").send_keys(PASSWORD)
    click(driver, "登录")
    wait_for_text(driver, "其中已豁免")


def choose(driver: WebDriver, label: str, option: str) -> None:
    """Open a selectbox by its label and pick the option that starts with `option`."""
    box = WebDriverWait(driver, 30).until(
        lambda d: next(
            (
                b
                for b in d.find_elements(By.CSS_SELECTOR, '[data-testid="stSelectbox"]')
                if b.text.startswith(label)
            ),
            None,
        )
    )
    box.find_element(By.CSS_SELECTOR, "input").click()
    item: WebElement = WebDriverWait(driver, 30).until(
        lambda d: next(
            (
                li
                for li in d.find_elements(By.CSS_SELECTOR, '[role="option"]')
                if li.text.startswith(option)
            ),
            None,
        )
    )
    item.click()


def test_an_operator_requests_and_a_second_account_approves_in_the_browser(
    dashboard_url: str,  # noqa: F811
    browser: WebDriver,  # noqa: F811
    tmp_path: Path,
) -> None:
    sign_in(browser, dashboard_url, "二云运营")
    wait_for_text(browser, "第 1 / 2 页")  # GZ-2022-0102 is on the second (test_waiver_pages)
    search = by_label(browser, "input", "查找违约：工单编号或标题（在全部违约中搜索）")
    search.send_keys("GZ-2022-0102", Keys.ENTER)
    wait_for_text(browser, "未豁免且无待审申请的违约共 2 项")
    choose(browser, "违约项", "GZ-2022-0102 · 重大故障解决时限")
    reason = by_label(browser, "textarea", "理由（如不可抗力、计时有误）")
    reason.send_keys("市电中断（不可抗力）")
    by_label(browser, "input", "证据编号/链接").send_keys("供电局停电通知〔2022〕88号")
    click(browser, "提交申请")
    wait_for_text(browser, "已提交豁免申请：GZ-2022-0102 · 重大故障解决时限 · 超时违约")
    time.sleep(1)  # let the rerun settle before reading the widgets' values
    # The browser's own widgets are empty: a second click has nothing to submit.
    assert (
        by_label(browser, "textarea", "理由（如不可抗力、计时有误）").get_attribute("value") == ""
    )
    assert by_label(browser, "input", "证据编号/链接").get_attribute("value") == ""
    screenshot(browser, tmp_path, "waiver_requested.png")
    click(browser, "提交申请")
    wait_for_text(browser, "请先选择一项")

    with chromium(tmp_path / "second-profile") as supervisor:
        sign_in(supervisor, dashboard_url, "监理")
        wait_for_text(supervisor, "审批豁免申请（监理单位）")
        choose(supervisor, "待审批", "#1 · GZ-2022-0102")
        by_label(supervisor, "textarea", "审批意见").send_keys("停电通知属实")
        click(supervisor, "批准豁免")
        wait_for_text(supervisor, "GZ-2022-0102 · 重大故障解决时限 · 超时违约：已批准，不计违约")
        wait_for_text(supervisor, "其中已豁免 1 项")
        wait_for_text(supervisor, "没有待审批的事项")
        screenshot(supervisor, tmp_path, "waiver_approved.png")
