"""GET /api/v1/violations answers as of the request: a running clock past its deadline is
breached there the moment it passes, with no evaluation since (monitor.clock pinned)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine

from monitor import clock
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from tests.api.client import Client, bearer
from tests.dashboard.seed import AT, fill

DUE = datetime.fromisoformat("2022-12-20T12:05:00+08:00")  # GZ-2022-0170's major.restore


def restore_items(api: Client, token: str, monkeypatch: pytest.MonkeyPatch, now: datetime) -> Any:
    monkeypatch.setattr(clock, "now", lambda: now)
    page = api.get(
        "/api/v1/violations",
        params={"target": "major.restore", "limit": 500},
        headers=bearer(token),
    )
    assert page.status_code == 200, page.text
    return [item for item in page.json()["items"] if item["ticket_id"] == "GZ-2022-0170"]


def test_a_clock_past_its_deadline_is_a_violation_without_an_evaluation(
    api: Client,
    token: str,
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fill(engine, contract, calendar)  # evaluated at 12:00: at risk, due 12:05
    assert restore_items(api, token, monkeypatch, AT) == []
    assert restore_items(api, token, monkeypatch, DUE) == []  # exactly on time is not late
    (item,) = restore_items(api, token, monkeypatch, DUE + timedelta(minutes=3))
    assert (item["status"], item["status_zh"], item["overdue_seconds"]) == (
        "breached",
        "超时违约",
        180,
    )
    assert item["status_since"] == "2022-12-20T12:05:00+08:00"  # when it turned
    assert item["stop"] is None
