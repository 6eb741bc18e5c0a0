"""The dashboard in a real browser: Debian's Chromium, headless, against `streamlit run` on a
loopback port — sign in, search a ticket, open its detail, read what is on the screen."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

from monitor.alerting.links import dashboard_link
from tests.chromium import NEEDS_CHROMIUM, chromium, screenshot, wait_for_text
from tests.dashboard.seed import AT, PASSWORD, ROOT
from tests.processes import stop

pytestmark = NEEDS_CHROMIUM


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_healthy(url: str, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read().strip() == b"ok":
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer on {url} within {seconds:.0f} s")


@pytest.fixture
def dashboard_url(shared_db: str, tmp_path: Path) -> Iterator[str]:
    """`streamlit run dashboard/app.py` on a free loopback port, stopped afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "SLAMON_DATABASE_URL": shared_db,
        "SLAMON_DASHBOARD_AT": AT.isoformat(),
        "HOME": str(tmp_path),  # Streamlit keeps its machine id and credentials under ~
    }
    env.pop("SLAMON_CONTRACT", None)
    command = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"),
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
    ]  # fmt: skip
    log = (tmp_path / "streamlit.log").open("wb")
    process = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        stop(process)
        log.close()


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    with chromium(tmp_path / "chromium-profile") as driver:
        yield driver


def _input(driver: WebDriver, label: str) -> object:
    return WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, f'input[aria-label="{label}"]')
    )


def _click_button(driver: WebDriver, text: str) -> None:
    button = WebDriverWait(driver, 30).until(
        lambda d: next(
            (b for b in d.find_elements(By.TAG_NAME, "button") if b.text.strip() == text), None
        )
    )
    button.click()


def _click_first_row(driver: WebDriver) -> None:
    """Click the first row of the page's table: its row marker, left of the first cell (the
    table is drawn on a canvas, so the click goes to a place, not an element)."""
    grid = WebDriverWait(driver, 30).until(
        lambda d: d.find_element(By.CSS_SELECTOR, '[data-testid="stDataFrame"] canvas')
    )
    time.sleep(0.5)  # the canvas is drawn after it is placed
    # Selenium 4 offsets from the element's centre; a header and a row are about 35 px high.
    left, top = -grid.size["width"] // 2, -grid.size["height"] // 2
    ActionChains(driver).move_to_element_with_offset(
        grid, left + 18, top + 35 + 17
    ).click().perform()


def test_a_supervisor_signs_in_finds_a_ticket_and_reads_its_breach(
    dashboard_url: str, browser: WebDriver, tmp_path: Path
) -> None:
    browser.get(dashboard_url)
    _input(browser, "用户名").send_keys("监理")
    _input(browser, "密码").send_keys(PASSWORD)
    _click_button(browser, "登录")
    wait_for_text(browser, "本月与上月违约")  # the overview, in Chinese

    browser.find_element(By.CSS_SELECTOR, 'a[href$="/incidents"]').click()
    search = _input(browser, "搜索：工单编号、业务系统、使用单位、标题、任意字段")
    search.send_keys("GZ-2022-0102", Keys.ENTER)
    wait_for_text(browser, "共 1 条")
    _click_first_row(browser)  # a click on the row opens the ticket

    wait_for_text(browser, "GZ-2022-0102 · 重要业务系统出现异常")
    wait_for_text(browser, "重大故障2小时解决故障")  # the contract's own words
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "超时违约" in body  # restored a week late
    assert "2022-08-10 11:41" in body and "2022-08-17 18:00" in body  # in Asia/Shanghai
    assert "7天4小时19分" in body  # how late, as the evaluators would write it
    time.sleep(1.5)  # let the clock chart finish drawing before the picture is taken
    shot = screenshot(browser, tmp_path, "incident_detail.png")
    assert shot.stat().st_size > 20_000


def test_an_alert_link_opens_its_ticket_through_the_login(
    dashboard_url: str, browser: WebDriver
) -> None:
    link = dashboard_link({"source": "sample", "ticket_id": "GZ-2022-0102"}, dashboard_url)
    assert link is not None
    browser.get(link)
    _input(browser, "用户名")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Traceback" not in body and "Error" not in body
    # The login page offers no pages, neither by title nor by file name.
    assert not browser.find_elements(By.CSS_SELECTOR, '[data-testid="stSidebarNav"]')
    assert "incident" not in body and "总览" not in body

    _input(browser, "用户名").send_keys("监理")
    _input(browser, "密码").send_keys(PASSWORD)
    _click_button(browser, "登录")
    wait_for_text(browser, "GZ-2022-0102 · 重要业务系统出现异常")
    assert "/incident?" in browser.current_url and "ticket=GZ-2022-0102" in browser.current_url
