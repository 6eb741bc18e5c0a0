"""工单详情 shows a ticket that cannot be judged as 评估错误 with the reason read back from the
ticket's stored value, through Streamlit's AppTest, as a supervisor signs in."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.runs.evaluate import run_evaluation
from monitor.storage.db import make_engine
from monitor.storage.tickets import TICKET_FIELDS, upsert_tickets
from tests.dashboard.seed import AT, PASSWORD, ROOT

APP = str(ROOT / "dashboard" / "app.py")


def bytes_typed_as_gb() -> dict[str, Any]:
    """As an older slamon stored it, before the importer refused sizes past 10 PB."""
    reported = AT - timedelta(days=1)
    row: dict[str, Any] = dict.fromkeys(TICKET_FIELDS)
    row.update(
        source="sheet",
        ticket_id="HF-2022-0999",
        kind="restore",
        pool="一云",
        reported_at=reported,
        responded_at=reported + timedelta(minutes=10),
        restore_size_gb=5_000_000_000,
    )
    return row


def test_the_ticket_page_shows_an_evaluation_error_and_why(
    fresh_db: str, monkeypatch: pytest.MonkeyPatch, contract: Contract, calendar: BusinessCalendar
) -> None:
    engine = make_engine(fresh_db)
    with engine.begin() as connection:
        upsert_tickets(connection, [bytes_typed_as_gb()], TICKET_FIELDS, AT)
    run_evaluation(engine, ContractSet.single(contract, calendar), AT)
    engine.dispose()
    monkeypatch.setenv("SLAMON_DATABASE_URL", fresh_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="login_name").input("监理")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    app.switch_page("screens/incident.py").run()
    app.text_input(key="detail_ticket_id").input("HF-2022-0999").run()
    assert not app.exception, app.exception
    badges = "\n".join(str(element.value) for element in app.markdown)
    assert badges.count("评估错误") == 2  # restore.response and restore.duration
    captions = "\n".join(str(element.value) for element in app.caption)
    assert "恢复数据量 5e+09 GB 超过上限 10,000,000 GB（10 PB）" in captions
