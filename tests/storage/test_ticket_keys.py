"""Stored tickets by key (monitor/storage/ticket_keys.py): the same rows on SQLite and
PostgreSQL, locked or not; on PostgreSQL each id found through the index even for a source
the planner's statistics have not seen, instead of every stored ticket of that source."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, Engine, text

from monitor.storage.ticket_keys import tickets_by_key
from monitor.storage.tickets import upsert_tickets
from tests.conftest import local

IMPORTED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
COLUMNS = ["source", "ticket_id", "kind", "severity", "reported_at", "pool"]


def store(connection: Connection, source: str, count: int, pool: str = "一云") -> None:
    rows = [
        {
            "source": source,
            "ticket_id": f"{source.upper()}-{n:05d}",
            "kind": "fault",
            "severity": "major",
            "reported_at": local("2024-06-03 10:00"),
            "pool": pool,
        }
        for n in range(count)
    ]
    upsert_tickets(connection, rows, COLUMNS, IMPORTED)


@pytest.mark.parametrize("locked", [False, True])
def test_the_stored_tickets_among_the_ids_of_one_source_and_no_others(
    engine: Engine, locked: bool
) -> None:
    with engine.begin() as connection:
        store(connection, "file", 50, pool="二云")
        store(connection, "api", 50)
        store(connection, "desk", 50)
        wanted = ["API-00003", "API-00049", "API-00000", "API-99999", "FILE-00003"]
        found = tickets_by_key(connection, ["ticket_id", "pool"], "api", wanted, locked=locked)
        expected = [("API-00000", "一云"), ("API-00003", "一云"), ("API-00049", "一云")]
        assert sorted(found) == expected
        assert tickets_by_key(connection, ["ticket_id"], "api", [], locked=locked) == []
        assert tickets_by_key(connection, ["ticket_id"], "none", wanted, locked=locked) == []


@pytest.mark.postgres
def test_a_source_unseen_by_the_statistics_is_looked_up_by_index_not_read_whole(
    postgres_engine: Engine,
) -> None:
    with postgres_engine.begin() as connection:
        store(connection, "file", 5_000)
    with postgres_engine.connect() as connection:
        connection.execute(text("ANALYZE ticket"))  # the statistics know only `file`
        connection.commit()
    with postgres_engine.begin() as connection:
        store(connection, "api", 5_000)
    wanted = [f"API-{n:05d}" for n in range(0, 5_000, 250)]
    with postgres_engine.begin() as connection:

        def rows_read() -> int:
            read = connection.execute(
                text(
                    "SELECT coalesce(seq_tup_read, 0) + coalesce(idx_tup_fetch, 0) "
                    "FROM pg_stat_xact_user_tables WHERE relname = 'ticket'"
                )
            ).scalar_one()
            return int(read)

        before = rows_read()
        found = tickets_by_key(connection, ["ticket_id"], "api", wanted, locked=True)
        read = rows_read() - before
    assert sorted(ticket_id for (ticket_id,) in found) == wanted
    assert read <= 2 * len(wanted), f"{read} stored tickets read for {len(wanted)} ids"
