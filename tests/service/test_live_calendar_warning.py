"""The live service past the end of the working-day calendar: it keeps evaluating, stores
calendar_unknown, and logs the warning at most once a day."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, select

from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.service.live import LiveEvaluator
from monitor.service.locks import Locks
from monitor.storage.results import RESULT_TABLE
from monitor.storage.tickets import TICKET_FIELDS, upsert_tickets
from tests.conftest import local


def ticket(ticket_id: str, reported: datetime, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name in TICKET_FIELDS}
    row.update(source="file", ticket_id=ticket_id, kind="fault", severity="major")
    row.update(reported_at=reported, **values)
    return row


def test_the_whole_evaluation_stores_calendar_unknown_and_warns_once_a_day(
    sqlite_engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    caplog: pytest.LogCaptureFixture,
) -> None:
    reported = local("2026-12-30 09:00")
    rows = [
        ticket("Y-1", reported, restored_at=reported + timedelta(hours=1)),
        ticket("Y-2", local("2026-12-01 09:00"), arrived_at=local("2026-12-01 09:10")),
    ]
    with sqlite_engine.begin() as connection:
        upsert_tickets(connection, rows, TICKET_FIELDS, reported)
    clock = [local("2027-01-04 09:00")]
    live = LiveEvaluator(
        sqlite_engine,
        ContractSet.single(contract, calendar),
        AlertingConfig(),
        Locks(sqlite_engine),
        now=lambda: clock[0],
    )
    with caplog.at_level(logging.WARNING, logger="monitor.service.live"):
        live.evaluate_all()
        clock[0] += timedelta(hours=23)
        live.evaluate_all()  # within a day: not again
        clock[0] += timedelta(hours=2)
        live.evaluate_all()
    with sqlite_engine.connect() as connection:
        query = select(RESULT_TABLE.c.target_id, RESULT_TABLE.c.status)
        stored = {(target, status) for target, status in connection.execute(query)}
    assert ("major.report", "calendar_unknown") in stored  # Y-1
    assert ("major.arrival", "met") in stored  # Y-2, decided as usual
    unknown = [r for r in caplog.records if "2027 年 1 条" in r.getMessage()]
    assert len(unknown) == 2
    # The calendar ended on 2026-12-31, within the warning's lead: said with it, once a day.
    ending = [r for r in caplog.records if "工作日历只到 2026-12-31" in r.getMessage()]
    assert len(ending) == 2
