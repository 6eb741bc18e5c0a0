"""Two `slamon serve` processes on one PostgreSQL: every alert is sent once, not twice.

Both run the start-up evaluation and both send from the outbox every second; the unique
(ticket, target, stage) key and `FOR UPDATE SKIP LOCKED` claims keep each delivery single.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from monitor.service.locks import Locks
from monitor.storage.db import make_engine
from tests.serving import (
    Receiver,
    Serve,
    create_token,
    major_fault,
    service_env,
    wait_until,
    webhook_alerting,
)

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture
def parts() -> Iterator[list[Serve | Receiver]]:
    started: list[Serve | Receiver] = []
    yield started
    for part in started:
        part.kill() if isinstance(part, Serve) else part.stop()


def test_two_services_on_one_postgresql_send_each_alert_once(
    tmp_path: Path, postgres_engine: Engine, parts: list[Serve | Receiver]
) -> None:
    receiver = Receiver().start()
    parts.append(receiver)
    webhook_alerting(tmp_path, receiver.url)
    url = postgres_engine.url.render_as_string(hide_password=False)
    env = service_env(tmp_path, url, SLAMON_REPLAN_INTERVAL="1s")
    token = create_token(env, tmp_path)
    first, second = Serve(tmp_path, env), Serve(tmp_path, env)
    parts.extend([first.start(), second.start()])

    now = datetime.now(UTC)
    tickets = [major_fault(f"INC-{n:03d}", now - timedelta(minutes=31)) for n in range(30)]
    tickets += [major_fault(f"RISK-{n:03d}", now - timedelta(minutes=29)) for n in range(30)]
    # Half through each process, so both evaluate and both have something to send at once.
    assert first.post_tickets(token, tickets[::2]).status_code == 200
    assert second.post_tickets(token, tickets[1::2]).status_code == 200

    assert wait_until(lambda: len(receiver.received) >= 60, timeout=30)
    time.sleep(3)
    counts = Counter(receiver.stages())
    assert len(counts) == 60
    assert set(counts.values()) == {1}


def test_a_collector_lock_held_by_one_process_is_refused_to_another(
    postgres_engine: Engine,
) -> None:
    url = postgres_engine.url.render_as_string(hide_password=False)
    other = make_engine(url)  # another pool: another server session, as another process has
    try:
        with Locks(postgres_engine).attempt("collector:vm_up") as first:
            assert first
            with Locks(other).attempt("collector:vm_up") as second:
                assert not second
        with Locks(other).attempt("collector:vm_up") as again:
            assert again
    finally:
        other.dispose()
