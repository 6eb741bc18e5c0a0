"""monitor.storage.failures: which failures are a full disk, a lost connection or a conflict
(one clear line in the CLI, a 503 with Retry-After in the API), and which are none of them."""

from __future__ import annotations

import errno
import sqlite3

import psycopg
import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from monitor.storage.failures import storage_failure, storage_full


def test_sqlites_full_database_through_sqlalchemy_is_a_full_disk() -> None:
    error = OperationalError("INSERT …", {}, sqlite3.OperationalError("database or disk is full"))
    assert storage_full(error) == "database or disk is full"


def test_enospc_and_a_file_size_limit_are_a_full_disk_also_as_a_cause() -> None:
    try:
        try:
            raise OSError(errno.EFBIG, "File too large")
        except OSError as cause:
            raise RuntimeError("writing the export failed") from cause
    except RuntimeError as wrapped:
        assert storage_full(wrapped) == "[Errno 27] File too large"
    assert storage_full(OSError(errno.ENOSPC, "No space left on device")) is not None


def test_other_database_errors_are_not_a_full_disk() -> None:
    error = OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))
    assert storage_full(error) is None
    assert storage_full(OSError(errno.EACCES, "Permission denied")) is None


def test_a_lost_or_refused_postgresql_connection_is_disconnected() -> None:
    for driver in (
        psycopg.OperationalError("the connection is lost"),
        psycopg.OperationalError("connection failed: Connection refused"),
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    ):
        failure = storage_failure(OperationalError("INSERT …", {}, driver))
        assert failure is not None and failure.kind == "disconnected", driver
    assert failure.reason == "terminating connection due to administrator command"
    assert failure.message("run the command again").startswith("数据库连接中断，已回滚，可重试")


def test_a_deadlock_and_a_locked_sqlite_database_are_conflicts() -> None:
    deadlock = OperationalError("UPDATE …", {}, psycopg.errors.DeadlockDetected("deadlock"))
    locked = OperationalError("INSERT …", {}, sqlite3.OperationalError("database is locked"))
    assert [storage_failure(e).kind for e in (deadlock, locked)] == ["conflict", "conflict"]  # type: ignore[union-attr]


def test_a_wrong_query_or_a_bug_is_none_of_them() -> None:
    syntax = OperationalError("SELEC 1", {}, psycopg.errors.SyntaxError("syntax error"))
    no_table = OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: ticket"))
    for error in (syntax, no_table, ValueError("a bug"), KeyError("ticket_id")):
        assert storage_failure(error) is None, error


@pytest.mark.postgres
def test_a_backend_ended_by_the_server_is_disconnected(postgres_engine: Engine) -> None:
    with postgres_engine.connect() as admin, postgres_engine.connect() as victim:
        pid = victim.execute(text("SELECT pg_backend_pid()")).scalar_one()
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        with pytest.raises(OperationalError) as raised:
            victim.execute(text("SELECT 1"))
    failure = storage_failure(raised.value)
    assert failure is not None and failure.kind == "disconnected"
