"""monitor.storage.retry: a transaction that lost to another writer (a real PostgreSQL
deadlock, SQLite locked past its busy timeout) is run again and succeeds; anything else, or
the last of its attempts, is raised."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.exc import OperationalError

from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from monitor.storage.retry import retried
from monitor.storage.tickets import TICKET_TABLE, upsert_tickets
from tests.conftest import local

DATA = Path(__file__).resolve().parent.parent / "data"
COLUMNS = ["source", "ticket_id", "kind", "severity", "reported_at"]


def fault(ticket_id: str) -> dict[str, object]:
    return {
        "source": "api",
        "ticket_id": ticket_id,
        "kind": "fault",
        "severity": "major",
        "reported_at": local("2024-06-03 10:00"),
    }


def locked() -> OperationalError:
    return OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))


def test_a_conflict_is_run_again_after_growing_waits_with_jitter() -> None:
    outcomes: list[object] = [locked(), locked(), "stored"]
    waits: list[float] = []

    def work() -> object:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    done = retried(work, what="a test", first_delay=0.1, sleep=waits.append, jitter=lambda: 0.5)
    assert done == "stored"
    assert waits == pytest.approx([0.075, 0.15])  # 0.1·2ⁿ⁻¹, three quarters of it


def test_the_last_conflict_is_raised_and_other_failures_at_once() -> None:
    calls: list[int] = []

    def conflict() -> None:
        calls.append(1)
        raise locked()

    with pytest.raises(OperationalError, match="database is locked"):
        retried(conflict, what="a test", attempts=3, sleep=lambda _s: None)
    assert len(calls) == 3

    def bug() -> None:
        calls.append(1)
        raise KeyError("ticket_id")

    calls.clear()
    with pytest.raises(KeyError):
        retried(bug, what="a test", sleep=lambda _s: None)
    assert len(calls) == 1


def test_an_import_waits_out_a_sqlite_writer_that_holds_the_lock_past_the_busy_timeout(
    sqlite_engine: Engine, contract: Contract
) -> None:
    path = str(sqlite_engine.url.database)
    impatient = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0.1})
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")  # another writer's open transaction
    release = threading.Timer(1.0, holder.execute, ["ROLLBACK"])
    release.start()
    try:
        now = local("2026-01-05 08:00")
        report = import_tickets(impatient, DATA / "tickets_zh.csv", contract, source="f", now=now)
    finally:
        release.join()
        holder.close()
        impatient.dispose()
    assert report.inserted > 0 and report.exit_code == 0


@pytest.mark.postgres
def test_both_sides_of_a_real_postgresql_deadlock_end_stored(
    postgres_engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    # Each writer takes one ticket, waits for the other to take its own, then wants the
    # other's: PostgreSQL breaks the cycle by rolling one back, which then runs again.
    both_hold = threading.Barrier(2, timeout=30)
    errors: list[BaseException] = []

    def writer(first: str, second: str) -> None:
        attempts = 0

        def transaction() -> None:
            nonlocal attempts
            attempts += 1
            with postgres_engine.begin() as connection:
                upsert_tickets(connection, [fault(first)], COLUMNS, local("2026-01-05 08:00"))
                if attempts == 1:
                    both_hold.wait()
                upsert_tickets(connection, [fault(second)], COLUMNS, local("2026-01-05 08:00"))

        try:
            retried(transaction, what=f"writing {first} then {second}")
        except BaseException as error:  # reported below, from the test's thread
            errors.append(error)

    threads = [
        threading.Thread(target=writer, args=("A", "B")),
        threading.Thread(target=writer, args=("B", "A")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with postgres_engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(TICKET_TABLE)).scalar() == 2
    deadlocks = [r for r in caplog.records if "deadlock detected" in r.getMessage()]
    assert len(deadlocks) == 1
