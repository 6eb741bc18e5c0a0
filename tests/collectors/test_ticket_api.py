"""The ticket API collectors against a real HTTP server on 127.0.0.1 (tests/collectors/ticket_desk).

Every test runs for ServiceNow, Jira Service Management, Zammad and a generic paged endpoint.
Five tickets updated a minute apart from 10:01 (Shanghai), two per page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select

from collectors.ticket_api import TICKET_COLLECTORS, SyncResult
from collectors.ticket_api.settings import TicketApiSource
from collectors.tickets.profile import load_profile
from monitor.contract.model import Contract
from monitor.domain.tickets import Ticket
from monitor.storage.collector_state import collector_runs, get_watermark
from monitor.storage.tables import TicketEventRow
from monitor.storage.tickets import load_tickets
from tests.collectors.ticket_desk import T0, Desk, Fault, serve

APIS = ["servicenow", "jira", "zammad", "generic"]
NOW = datetime(2024, 6, 3, 4, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
GENERIC_PROFILE = """
name: desk
timezone: UTC
columns: {id: ticket_id, type: kind, level: severity, opened: reported_at}
status_column: status
event_time_column: updated_at
statuses:
  open: {phase: open, responds: true}
  done: {phase: resolved, responds: true}
"""


def ticket_id(api: str, number: int) -> str:
    return {
        "servicenow": f"INC{number:07d}",
        "jira": f"OPS-{number}",
        "zammad": str(20240600 + number),
        "generic": f"T-{number}",
    }[api]


@pytest.fixture(params=APIS)
def desk(request: pytest.FixtureRequest) -> Iterator[tuple[Desk, str]]:
    desk = Desk(request.param)
    for number in range(1, 6):
        desk.add(number, T0 + number * MINUTE)
    yield from ((desk, url) for url in serve(desk))


class Sync:
    """One collector of the desk's API, with the sleeps it asked for."""

    def __init__(
        self,
        desk: Desk,
        url: str,
        engine: Engine,
        contract: Contract,
        tmp_path: Path,
        **settings: Any,
    ) -> None:
        values: dict[str, Any] = {
            "name": "desk",
            "type": desk.api,
            "url": url,
            "start": T0 - timedelta(hours=1),
            "page_size": 2,
            "overlap": "2m",
            "retries": 2,
            "backoff": "1s",
            "timeout": "5s",
            **settings,
        }
        profile = None
        if desk.api == "generic":
            path = tmp_path / "desk.yaml"
            path.write_text(GENERIC_PROFILE, encoding="utf-8")
            values["profile"] = str(path)
            values["endpoint"] = {"items": "data.items"}
            profile = load_profile(str(path))
        self.sleeps: list[float] = []
        self.api, self.engine = desk.api, engine
        source = TicketApiSource.model_validate(values)
        self.collector = TICKET_COLLECTORS[desk.api](
            source, engine, contract, sleep=self.sleeps.append, profile=profile
        )

    def run(self) -> SyncResult:
        return self.collector.run(NOW)

    def tickets(self) -> dict[str, Ticket]:
        return {t.ticket_id: t for t in load_tickets(self.engine).tickets}

    def events(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(select(func.count()).select_from(TicketEventRow)).scalar_one()

    def expect(self, *numbers: int) -> None:
        assert sorted(self.tickets()) == sorted(ticket_id(self.api, n) for n in numbers)


def test_a_full_sync_stores_every_ticket_once(
    desk: tuple[Desk, str], engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    server, url = desk
    sync = Sync(server, url, engine, contract, tmp_path)
    result = sync.run()
    # Each page starts at the last update time of the one before, so that boundary is read
    # twice and never skipped: 1-2, 2-3, 3-4, 4-5, 5.
    assert (result.error, result.records, result.pages) == (None, 5, 5)
    sync.expect(1, 2, 3, 4, 5)
    assert sync.events() == 5
    assert get_watermark(engine, "tickets:desk") == T0 + 5 * MINUTE
    first = sync.tickets()[ticket_id(server.api, 1)]
    assert (first.kind, first.reported_at, first.restored_at) == ("fault", T0, None)


def test_an_incremental_sync_reads_what_changed_since_the_watermark(
    desk: tuple[Desk, str], engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    server, url = desk
    sync = Sync(server, url, engine, contract, tmp_path)
    sync.run()
    server.add(2, T0 + 10 * MINUTE, resolved=True)
    server.add(6, T0 + 11 * MINUTE)
    asked_before = len(server.requests)
    result = sync.run()
    assert result.error is None
    assert result.range_from == T0 + 5 * MINUTE
    # From the watermark less the 2-minute overlap: 3, 4, 5 again, then 2 and 6.
    assert result.records == 5
    assert result.counts.inserted == 1
    sync.expect(1, 2, 3, 4, 5, 6)
    assert sync.tickets()[ticket_id(server.api, 2)].restored_at == T0 + 10 * MINUTE
    assert sync.events() == 7  # five first versions, ticket 2's second, ticket 6
    assert len(server.requests) - asked_before == 5  # 3-4, 4-5, 5-2, 2-6, 6
    assert get_watermark(engine, "tickets:desk") == T0 + 11 * MINUTE


def test_a_429_is_honoured_with_its_retry_after(
    desk: tuple[Desk, str], sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    server, url = desk
    server.faults[2] = Fault(429, {"Retry-After": "7"})
    sync = Sync(server, url, sqlite_engine, contract, tmp_path)
    result = sync.run()
    assert sync.sleeps == [7.0]
    assert result.error is None
    sync.expect(1, 2, 3, 4, 5)


def test_a_server_error_mid_walk_is_retried_without_a_gap_or_a_duplicate(
    desk: tuple[Desk, str], sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    server, url = desk
    server.faults[2] = Fault(500)
    sync = Sync(server, url, sqlite_engine, contract, tmp_path)
    result = sync.run()
    assert (result.error, sync.sleeps) == (None, [1.0])
    sync.expect(1, 2, 3, 4, 5)
    assert sync.events() == 5


def test_a_walk_that_keeps_failing_is_a_recorded_gap_and_the_next_run_fills_it(
    desk: tuple[Desk, str], sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    server, url = desk
    for attempt in (2, 3, 4):
        server.faults[attempt] = Fault(500)
    sync = Sync(server, url, sqlite_engine, contract, tmp_path)
    failed = sync.run()
    assert failed.error is not None and "HTTP 500" in failed.error
    assert sync.sleeps == [1.0, 2.0]  # backoff doubles
    sync.expect(1, 2)  # page one was stored with its watermark
    assert get_watermark(sqlite_engine, "tickets:desk") == T0 + 2 * MINUTE
    resumed = sync.run()
    assert resumed.error is None
    sync.expect(1, 2, 3, 4, 5)
    assert sync.events() == 5
    runs = collector_runs(sqlite_engine, "tickets:desk")
    assert [run["error"] is not None for run in runs] == [True, False]
    assert runs[0]["range_to"] == runs[1]["range_from"] == T0 + 2 * MINUTE


def test_a_ticket_updated_during_the_walk_is_neither_skipped_nor_counted_twice(
    desk: tuple[Desk, str], sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    server, url = desk
    # After page one (tickets 1 and 2), ticket 1 is resolved: it moves to the end of the order.
    # An offset walk would now skip ticket 3; this one must not.
    server.faults[1] = Fault(then=lambda: server.add(1, T0 + 20 * MINUTE, resolved=True))
    sync = Sync(server, url, sqlite_engine, contract, tmp_path)
    result = sync.run()
    assert result.error is None
    sync.expect(1, 2, 3, 4, 5)
    assert sync.tickets()[ticket_id(server.api, 1)].restored_at == T0 + 20 * MINUTE
    assert sync.events() == 6
    assert get_watermark(sqlite_engine, "tickets:desk") == T0 + 20 * MINUTE


def test_a_page_slower_than_the_timeout_is_asked_again(
    desk: tuple[Desk, str], sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    server, url = desk
    server.faults[2] = Fault(delay=0.6)  # slower than the 0.2 s timeout
    server.faults[3] = Fault(delay=0.05)  # slow, but within it
    sync = Sync(server, url, sqlite_engine, contract, tmp_path, timeout=timedelta(seconds=0.2))
    result = sync.run()
    assert (result.error, sync.sleeps) == (None, [1.0])
    sync.expect(1, 2, 3, 4, 5)
