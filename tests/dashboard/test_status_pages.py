"""The pages at a moment after the last evaluation: a clock past its deadline shows 超时违约 on
总览, 违约 and its detail page alike, and running clocks count down from the page's moment.

The seed evaluates at 12:00; GZ-2022-0170's major.restore is due 12:05; the pages look at 12:06.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import local
from tests.dashboard.seed import PASSWORD
from tests.dashboard.test_pages import APP, open_page, texts

MOVED = local("2022-12-20 12:06")


@pytest.fixture
def app(shared_db: str, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("SLAMON_DATABASE_URL", shared_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", MOVED.isoformat())
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="login_name").input("监理")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def clock_rows(app: AppTest) -> dict[str, dict[str, str]]:
    """The overview's running clocks by ticket id (its table is the one with a countdown)."""
    (frame,) = [f.value for f in app.dataframe if "倒计时" in f.value.columns]
    rows = frame.to_dict("records")
    return {row["工单编号"].split("ticket=")[1].split("&")[0]: row for row in rows}


def test_the_overview_counts_the_clock_breached_and_counts_down(app: AppTest) -> None:
    metrics = {m.label: m.value for m in app.metric}
    assert metrics["本月 2022-12"] == "3"  # GZ-2022-0171, HF-2022-0014 and now GZ-2022-0170
    rows = clock_rows(app)
    assert (rows["GZ-2022-0170"]["状态"], rows["GZ-2022-0170"]["倒计时"]) == (
        "超时违约",
        "已超时 1分",
    )
    assert rows["JK-2022-0601"]["倒计时"] == "剩余 4小时54分"  # due 17:00
    assert "超时违约 2" in texts(app)  # the counts above the table


def test_the_violation_list_and_the_detail_page_agree(app: AppTest) -> None:
    open_page(app, "violations")
    frame = app.dataframe[0].value
    # The ticket id is a link to its detail page.
    late = frame[frame["工单编号"].str.contains("ticket=GZ-2022-0170&", regex=False)]
    assert late["状态"].tolist() == ["超时违约"]
    assert late["超时"].tolist() == ["1分"] and late["已违约"].tolist() == ["1分"]
    open_page(app, "incident")
    app.text_input(key="detail_ticket_id").input("GZ-2022-0170").run()
    assert not app.exception, app.exception
    page = texts(app)
    assert "超时违约" in page and "已超时 1分" in page


def test_the_countdown_is_english_in_english(app: AppTest) -> None:
    app.sidebar.radio(key="lang_choice").set_value("en").run()
    open_page(app, "overview")
    assert "1m overdue" in texts(app)
