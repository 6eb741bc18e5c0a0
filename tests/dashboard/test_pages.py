"""Every dashboard page through Streamlit's AppTest, on a database filled by the real importers
and evaluation: sign-in, the search, the role filter, the English switch (waivers:
test_waiver_pages.py)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from streamlit.testing.v1 import AppTest

from collectors.tickets.file_import import import_tickets
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.runs.evaluate import run_evaluation
from monitor.storage.db import make_engine
from tests.conftest import local
from tests.dashboard.seed import AT, PASSWORD, ROOT

APP = str(ROOT / "dashboard" / "app.py")
Login = Callable[..., AppTest]


@pytest.fixture
def login(shared_db: str, monkeypatch: pytest.MonkeyPatch) -> Login:
    """Open the app and sign in through the form, as a person would."""
    monkeypatch.setenv("SLAMON_DATABASE_URL", shared_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)

    def sign_in(name: str = "监理", password: str = PASSWORD) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=60).run()
        app.text_input(key="login_name").input(name)
        app.text_input(key="login_password").input(password)
        app.button[0].click().run()
        assert not app.exception, app.exception
        return app

    return sign_in


def texts(app: AppTest) -> str:
    """Everything written on the page as text (titles, markdown, captions, alerts, tables)."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error"):  # fmt: skip
        parts += [str(element.value) for element in getattr(app, kind)]
    parts += [table.value.to_string() for table in app.table]
    parts += [frame.value.to_string() for frame in app.dataframe]
    return "\n".join(parts)


def open_page(app: AppTest, page: str) -> AppTest:
    app.switch_page(f"screens/{page}.py").run()
    assert not app.exception, app.exception
    return app


# The selection state of a table drawn with on_select="rerun" after a click on its first row.
CLICK_FIRST_ROW = {"selection": {"rows": [0], "columns": [], "cells": []}}


def ids(app: AppTest) -> list[str]:
    """The ticket ids of the first table, read out of their links to the detail page."""
    links = app.dataframe[0].value["工单编号"].tolist()
    assert all(link.startswith("incident?ticket=") for link in links), links
    return [parse_qs(urlsplit(link).query)["ticket"][0] for link in links]


def test_a_wrong_password_signs_nobody_in(login: Login) -> None:
    app = login("监理", "not the password")
    assert [e.value for e in app.error] == ["用户名或密码错误"]
    assert "本月与上月违约" not in texts(app)


def test_the_overview_shows_scores_open_incidents_breaches_and_collectors(login: Login) -> None:
    app = login()
    assert [t.value for t in app.title] == ["总览"]
    metrics = {m.label: m.value for m in app.metric}
    # December 2022: GZ-2022-0171 is late (open past its 4 h), GZ-2022-0170 still in time.
    assert metrics["系统故障响应或维护及时性"] == "2 / 3"
    assert metrics["本月 2022-12"] == "2" and metrics["上月 2022-11"] == "0"
    page = texts(app)
    assert "GZ-2022-0171" in page and "超时违约" in page  # the running clocks, overdue first
    assert "prometheus-vm" in page  # collectors' health
    assert "评估时间: 2022-12-20 12:00 (Asia/Shanghai)" in page
    assert len(app.get("vega_lite_chart")) >= 3  # open by severity, 12 months, availability


def test_the_search_finds_a_ticket_and_opens_its_detail(login: Login) -> None:
    app = open_page(login(), "incidents")
    app.text_input(key="q").input("GZ-2022-0102").run()
    assert "共 1 条，第 1 / 1 页" in texts(app)
    assert ids(app) == ["GZ-2022-0102"]
    app.session_state["q_table"] = CLICK_FIRST_ROW  # a click on the row, as AppTest gives it
    app.run()
    assert not app.exception, app.exception
    page = texts(app)
    assert "GZ-2022-0102 · 重要业务系统出现异常" in page
    assert "重大故障2小时解决故障" in page  # the contract's words next to the verdict
    assert "超时 7天4小时19分" in page
    assert "2022-08-10 11:41" in page  # in Asia/Shanghai
    assert len(app.get("vega_lite_chart")) == 1  # the clocks against their deadlines


def test_search_filters_and_pages(login: Login) -> None:
    app = open_page(login(), "incidents")
    app.radio(key="q_state").set_value("open").run()
    assert ids(app) == [
        "GZ-2022-0170", "JK-2022-0601", "GZ-2022-0171",
    ]  # fmt: skip
    app.radio(key="q_state").set_value("any").run()
    app.multiselect(key="q_pools").set_value(["一云"]).run()
    assert "共 8 条" in texts(app)
    app.text_input(key="q").input("no such thing").run()
    assert "没有符合条件的工单" in texts(app)


def test_an_operator_sees_only_its_pool_and_decides_no_waiver(login: Login) -> None:
    app = open_page(login("二云运营"), "incidents")
    app.text_input(key="q").input("GZ-2022-0031").run()  # a 一云 ticket
    assert "没有符合条件的工单" in texts(app)
    open_page(app, "incident")
    app.text_input(key="detail_ticket_id").input("GZ-2022-0031").run()
    assert [e.value for e in app.error] == ["没有找到该工单（或无权查看）"]
    open_page(app, "violations")
    page = texts(app)
    assert "违约 6 项" in page and "申请豁免 / 申诉" in page
    assert "审批豁免申请（监理单位）" not in page and "裁决申诉（监理单位）" not in page


def test_a_user_unit_sees_its_own_systems_and_not_the_scorecard(login: Login) -> None:
    app = login("人社局")
    assert "GZ-2022-0171" not in texts(app)  # another unit's open ticket
    open_page(app, "incidents")
    assert ids(app) == [
        "GZ-2022-0170", "JK-2022-0412", "GZ-2022-0031",
    ]  # fmt: skip
    for page in ("scorecard", "inspections", "compare"):  # not among its pages at all
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(f"screens/{page}.py")


def test_availability_inspections_scorecard_and_pools_pages(login: Login) -> None:
    app = login()
    app.sidebar.text_input(key="period_choice").set_value("2022-08").run()
    open_page(app, "availability")
    frame = app.dataframe[0].value
    # resources_zh.csv has a vm, a physical host, network, power and backup; August has no
    # samples at all, so every class lacks evidence (never counted as up or down).
    assert sorted(frame["名称"].tolist()) == sorted(
        ["云主机", "物理机", "网络", "电力", "备份服务"]
    )
    assert set(frame["可用率"]) == {"—"} and set(frame["状态"]) == {"缺少证据"}
    open_page(app, "inspections")
    page = texts(app)
    assert "未闭环巡检发现（2）" in page and "XJ-0803" in page
    app.session_state["period"] = "2022"
    open_page(app, "scorecard")
    scores = app.table[0].value
    row = scores[scores["指标"] == "系统故障响应或维护及时性"].iloc[0]
    assert (row["得分"], row["满分"], row["失分"]) == ("1", "3", "2")
    assert {b.label for b in app.get("download_button")} == {"下载 Markdown", "下载 Excel"}
    open_page(app, "compare")
    table = app.table[0].value
    assert list(table.columns) == ["", "一云", "二云"]
    assert table[table[""] == "违约项"].iloc[0].tolist() == ["违约项", "0", "6"]


def test_december_availability_has_the_measured_downtime(login: Login) -> None:
    app = open_page(login(), "availability")
    app.radio(key="a_by").set_value("resource").run()
    frame = app.dataframe[0].value
    # ZS-VM-0001: 8 of 1,872 quarter hours down since 12-01 → 99.5726 %.
    row = frame[frame["名称"] == "ZS-VM-0001"].iloc[0]
    assert (row["可用率"], row["目标"]) == ("99.5726%", "99.95%")


def test_the_english_switch_translates_the_pages(login: Login) -> None:
    app = login()
    app.sidebar.radio(key="lang_choice").set_value("en").run()
    assert [t.value for t in app.title] == ["Overview"]
    assert "Violations this month vs last" in texts(app)
    open_page(app, "incidents")
    assert [t.value for t in app.title] == ["Incidents"]


def test_a_stop_before_its_start_is_explained_on_the_detail_page(
    fresh_db: str,
    monkeypatch: pytest.MonkeyPatch,
    login: Login,
    tmp_path: Path,
    contract: Contract,
    calendar: BusinessCalendar,
) -> None:
    # A data error: restored an hour before it was reported. Never met; the page says why.
    csv = tmp_path / "bad_times.csv"
    csv.write_text(
        "工单编号,类型,故障等级,资源池,报障时间,恢复时间,关闭时间\n"
        "GZ-2022-0999,fault,major,一云,2022-12-19 10:00,2022-12-19 09:00,2022-12-19 12:00\n",
        encoding="utf-8",
    )
    engine = make_engine(fresh_db)
    import_tickets(engine, csv, contract, source="sheet", now=AT)
    run_evaluation(engine, ContractSet.single(contract, calendar), AT, store=True)
    engine.dispose()
    monkeypatch.setenv("SLAMON_DATABASE_URL", fresh_db)
    app = open_page(login(), "incident")
    app.text_input(key="detail_ticket_id").input("GZ-2022-0999").run()
    assert not app.exception, app.exception
    page = texts(app)
    assert "缺少证据" in page
    assert "结束时间早于开始时间 (stop before start)" in page


def test_the_overview_warns_when_the_calendar_ends_and_results_are_calendar_unknown(
    fresh_db: str,
    monkeypatch: pytest.MonkeyPatch,
    login: Login,
    tmp_path: Path,
    contract: Contract,
    calendar: BusinessCalendar,
) -> None:
    # Restored Wed 2026-12-30: the 3-working-day report needs 2027, which the calendar lacks.
    csv = tmp_path / "new_year.csv"
    csv.write_text(
        "工单编号,类型,故障等级,资源池,报障时间,到场时间,恢复时间\n"
        "GZ-2026-1230,fault,major,一云,2026-12-30 09:00,2026-12-30 09:10,2026-12-30 10:00\n",
        encoding="utf-8",
    )
    at = local("2027-01-04 09:00")
    engine = make_engine(fresh_db)
    import_tickets(engine, csv, contract, source="sheet", now=at)
    run_evaluation(engine, ContractSet.single(contract, calendar), at, store=True)
    engine.dispose()
    monkeypatch.setenv("SLAMON_DATABASE_URL", fresh_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", at.isoformat())
    app = login()
    warnings = [str(w.value) for w in app.warning]
    assert any(w.startswith("工作日历只到 2026-12-31（还剩 0 天）") for w in warnings), warnings
    assert any(w.startswith("1 条考核结果因工作日历不含 2027 年而未判定") for w in warnings)
    app = open_page(app, "incident")
    app.text_input(key="detail_ticket_id").input("GZ-2026-1230").run()
    page = texts(app)
    assert "日历未知" in page
    assert "需要 2027 年的工作日历 (calendar for 2027 unknown)" in page
    app.sidebar.radio(key="lang_choice").set_value("en").run()
    open_page(app, "overview")
    assert any("calendar unknown" in str(w.value) for w in app.warning)


def test_a_failing_page_shows_a_reference_and_the_log_holds_the_traceback(
    login: Login, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise KeyError("no such column")

    monkeypatch.setattr("monitor.views.overview.open_incidents", broken)
    app = login()
    assert not app.exception, app.exception
    [shown] = [e.value for e in app.error]
    reference = re.search(r"参考编号 ([0-9a-f]{8})", shown)
    assert reference is not None, shown
    assert "KeyError" not in texts(app) and ".py" not in texts(app)
    [logged] = [r for r in caplog.records if r.name == "slamon.dashboard"]
    assert reference.group(1) in logged.getMessage()
    assert logged.exc_info is not None and "no such column" in str(logged.exc_info[1])
    assert app.sidebar.radio(key="lang_choice").value == "zh"  # the page's frame still stands

    app.sidebar.radio(key="lang_choice").set_value("en").run()
    assert any("give the administrator the reference" in e.value for e in app.error)


def test_no_pages_folder_lets_a_page_run_past_the_sign_in() -> None:
    # Streamlit runs the scripts of a pages/ folder beside app.py directly (its older
    # multipage mode) until st.navigation is first called: a first request would skip app.py.
    assert not (ROOT / "dashboard" / "pages").exists()
