"""评分's "下载 Markdown" gives the 监理报告 in the page's language, named in it: the file is made
on the click, after the page's run, as Streamlit's server makes it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from tests.dashboard.seed import AT, PASSWORD
from tests.dashboard.test_pages import APP, open_page

# The contract's own words that the English report shows as written (monitor/report).
CONTRACT_WORDS = ("政务云运营服务合同（默认）",)
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture
def downloads(shared_db: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, dict[str, Any]]:
    """Each download button's file as Streamlit registers it (its callable and file name),
    by the button's key; registration goes on to Streamlit as usual."""
    seen: dict[str, dict[str, Any]] = {}
    register = MediaFileManager.add_deferred

    def remember(self: MediaFileManager, data_callable: Any, *args: Any, **kwargs: Any) -> str:
        file_id = register(self, data_callable, *args, **kwargs)
        element_id = str(kwargs.get("element_id", ""))
        seen[element_id.rsplit("-", 1)[-1]] = {
            "make": data_callable,
            "name": self._deferred_callables[file_id]["filename"],
        }
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", remember)
    monkeypatch.setenv("SLAMON_DATABASE_URL", shared_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)
    return seen


def markdown_download(lang: str, downloads: dict[str, dict[str, Any]]) -> tuple[AppTest, Any]:
    """The supervisor's 评分 page for 2022-08 in `lang`, and its Markdown download."""
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="login_name").input("监理")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    app.sidebar.radio(key="lang_choice").set_value(lang).run()
    app.session_state["period"] = "2022-08"
    open_page(app, "scorecard")
    return app, downloads["report_md"]


def test_the_english_page_downloads_the_english_report(
    downloads: dict[str, dict[str, Any]],
) -> None:
    app, download = markdown_download("en", downloads)
    # The page's grade in English too: the sample month scores 5 of 29 (差), 7 points no data.
    assert app.subheader[0].value == "2022-08 · Total 5 / 29, grade Poor (7 points without data)"
    assert download["name"] == "supervision_report_2022-08.md"
    text = download["make"]().decode("utf-8")
    assert text.startswith("# Supervision report 2022-08\n")
    assert "## Violations (late or without evidence)" in text
    # The sample's pools (一云, 二云), titles and units are data: the report's own words are
    # the ones left when the table cells holding data are set aside.
    summary = text.split("\n## ")[1]
    assert summary.startswith("Supervision report 2022-08\n")
    for word in CONTRACT_WORDS:
        summary = summary.replace(word, "")
    assert not CJK.search(summary), summary


def test_the_chinese_page_downloads_the_chinese_report(
    downloads: dict[str, dict[str, Any]],
) -> None:
    _app, download = markdown_download("zh", downloads)
    assert download["name"] == "监理报告_2022-08.md"
    text = download["make"]().decode("utf-8")
    assert text.startswith("# 监理报告 2022-08\n") and "## 违约明细（超时及缺少证据）" in text
    assert "Supervision report" not in text and "Violations" not in text
