"""Debian's Chromium, headless, driven by chromedriver: the real-browser tests' one browser.

No network beyond loopback reaches it, so a page that renders here needs nothing from outside.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from PIL import Image
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
SKIP_WITHOUT_CHROMIUM = pytest.mark.skipif(
    not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
    reason="needs Debian's chromium and chromium-driver (.ci/run installs them)",
)
NEEDS_CHROMIUM = [pytest.mark.slow, SKIP_WITHOUT_CHROMIUM]


@contextmanager
def chromium(profile: Path) -> Iterator[WebDriver]:
    """A headless Chromium with its own profile folder, quit afterwards."""
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in (
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1800", "--lang=zh-CN",
        f"--user-data-dir={profile}",
    ):  # fmt: skip
        options.add_argument(flag)
    driver = webdriver.Chrome(
        options=options, service=webdriver.ChromeService(executable_path=str(CHROMEDRIVER))
    )
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for_text(driver: WebDriver, text: str, seconds: float = 30) -> None:
    """Wait until `text` is on the page; fail with what the page says instead."""
    try:
        WebDriverWait(driver, seconds, poll_frequency=0.25).until(
            lambda d: text in d.find_element(By.TAG_NAME, "body").text
        )
    except TimeoutException:
        body = driver.find_element(By.TAG_NAME, "body").text
        raise AssertionError(f"'{text}' never appeared; the page says:\n{body[:2000]}") from None


# The folder that keeps the screenshots (docs/screenshots, committed): set to write them there,
# e.g. SLAMON_SCREENSHOTS=docs/screenshots; unset, a run leaves the working tree as it was.
SCREENSHOTS_ENV = "SLAMON_SCREENSHOTS"
# A committed screenshot stays small: 256 colours hold a page of text and charts.
MAX_SCREENSHOT_BYTES = 300_000


def screenshot(driver: WebDriver, scratch: Path, name: str) -> Path:
    """The browser's view as a 256-colour PNG `name` in `scratch`, copied to the folder
    SLAMON_SCREENSHOTS names when it is set; the PNG written."""
    shot = scratch / name
    assert driver.save_screenshot(str(shot))
    with Image.open(shot) as taken:
        small = taken.convert("RGB").quantize(colors=256)
    small.save(shot, optimize=True)
    assert shot.stat().st_size < MAX_SCREENSHOT_BYTES, (name, shot.stat().st_size)
    folder = os.environ.get(SCREENSHOTS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / name).write_bytes(shot.read_bytes())
    return shot
