"""工单详情 as it happened, through Streamlit's AppTest: a ServiceNow ticket's pause, severity
change and source updates on its timeline, every date with its year, in 中文 and English."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest
from streamlit.testing.v1 import AppTest

from collectors.tickets.profile import load_profile
from collectors.tickets.profile_import import import_with_profile
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.runs.evaluate import run_evaluation
from monitor.storage.db import make_engine
from tests.dashboard.seed import DATA, PASSWORD, ROOT

APP = str(ROOT / "dashboard" / "app.py")
EVALUATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def servicenow_page(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch, contract: Contract, calendar: BusinessCalendar
) -> AppTest:
    """The detail page of INC0000388 (a pause and a severity change), signed in as 监理."""
    engine = make_engine(fresh_db)
    path = DATA / "servicenow_incident_events.csv"
    import_with_profile(
        engine, path, load_profile("servicenow"), contract, source="servicenow", now=EVALUATED
    )
    run_evaluation(engine, ContractSet.single(contract, calendar), EVALUATED)
    engine.dispose()
    monkeypatch.setenv("SLAMON_DATABASE_URL", fresh_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", EVALUATED.isoformat())
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="login_name").input("监理")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    app.switch_page("screens/incident.py").run()
    app.text_input(key="detail_ticket_id").input("INC0000388").run()
    assert not app.exception, app.exception
    return app


def timeline(app: AppTest) -> list[tuple[str, str, str]]:
    frame = app.table[-1].value
    return [tuple(row) for row in frame.iloc[:, :3].itertuples(index=False)]


def test_the_timeline_shows_the_pause_the_severity_change_and_flips_at_their_deadline(
    servicenow_page: AppTest,
) -> None:
    rows = timeline(servicenow_page)
    # Times in Asia/Shanghai: 2016-02-29 17:23 UTC is 03-01 01:23, 17:52 is 03-01 01:52.
    assert ("2016-03-01 01:23", "级别变更", "重大") in rows
    assert ("2016-03-01 01:52", "暂停计时", "等待用户") in rows
    assert ("2016-03-07 23:27", "恢复计时", "等待用户") in rows
    flips = [row for row in rows if row[1] == "状态变化"]
    assert flips and all(row[0].startswith("2016-") for row in flips)
    assert any(row[2].endswith("→ 超时违约") for row in flips)
    assert not any(row[0].startswith("2026") for row in rows)


def test_the_timeline_speaks_english_in_english_mode(servicenow_page: AppTest) -> None:
    app = servicenow_page
    app.sidebar.radio(key="lang_choice").set_value("en").run()
    app.text_input(key="detail_ticket_id").input("INC0000388").run()
    rows = timeline(app)
    assert ("2016-03-01 01:52", "clock paused", "awaiting user") in rows
    assert any(kind == "severity changed" for _, kind, _ in rows)
    assert not any("暂停" in kind or "等待" in what for _, kind, what in rows)


def test_the_clock_chart_draws_the_pause_that_stops_the_clock(servicenow_page: AppTest) -> None:
    chart = servicenow_page.get("vega_lite_chart")[0]
    spec = json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)  # type: ignore[attr-defined]
    assert "%Y-%m-%d %H:%M" in spec and "#bdbdbd" in spec  # dates with the year, pauses grey


def test_status_changes_name_their_target_and_statuses_in_the_pages_language(
    servicenow_page: AppTest,
) -> None:
    app = servicenow_page
    zh = [row[2] for row in timeline(app) if row[1] == "状态变化"]
    app.sidebar.radio(key="lang_choice").set_value("en").run()
    app.text_input(key="detail_ticket_id").input("INC0000388").run()
    en = [row[2] for row in timeline(app) if row[1] == "status change"]
    assert zh and len(en) == len(zh)
    # 中文: a target's Chinese name, a full-width colon, Chinese statuses; no ids, no codes.
    chinese = r"[\u4e00-\u9fff（）]+"
    assert all(re.fullmatch(rf"{chinese}：(—|{chinese}) → {chinese}", row) for row in zh), zh
    # English: the target's English name, then English statuses; no Chinese, no codes.
    assert all(re.fullmatch(r"[A-Za-z ,/'-]+: (—|[a-z ]+) → [a-z ]+", row) for row in en), en
    assert not any("_" in row for row in en)
