"""/docs and /redoc offline: every asset they load is served by the app itself, and Swagger UI
renders the app's OpenAPI document in a browser that reaches nothing beyond loopback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.api.client import Client
from tests.chromium import SKIP_WITHOUT_CHROMIUM, chromium, wait_for_text


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_the_documentation_pages_load_only_the_apps_own_assets(api: Client, page: str) -> None:
    html = api.get(page).text
    assert "http://" not in html and "https://" not in html  # no CDN, no web fonts
    assets = re.findall(r"""(?:src|href)=["']?([^"' >]+)""", html)
    assert assets and all(url.startswith("/") for url in assets), assets
    for url in assets:
        answer = api.get(url)
        assert answer.status_code == 200 and len(answer.content) > 1000, url


@pytest.mark.slow
@SKIP_WITHOUT_CHROMIUM
def test_swagger_ui_renders_the_api_without_a_network(api: Client, tmp_path: Path) -> None:
    assert api.get("/openapi.json").json()["openapi"].startswith("3.1")  # needs Swagger UI 5
    with chromium(tmp_path / "chromium-profile") as browser:
        browser.get(api.url + "/docs")
        wait_for_text(browser, "/api/v1/violations")
