"""The bulk upsert paths (SQLite executemany on the driver's connection, PostgreSQL COPY into
a temporary table): same stored bytes, same counts, inside the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.dialects import sqlite

from monitor.storage.stored_time import utc_text
from monitor.storage.tickets import TICKET_TABLE, load_tickets, upsert_tickets
from monitor.storage.types import UTCDateTime
from tests.conftest import local

IMPORTED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
COLUMNS = ["source", "ticket_id", "kind", "severity", "reported_at", "restored_at"]


def fault(ticket_id: str, **values: object) -> dict[str, object]:
    return {
        "source": "file",
        "ticket_id": ticket_id,
        "kind": "fault",
        "severity": "major",
        "reported_at": local("2024-06-03 10:00"),
        "restored_at": None,
        **values,
    }


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2024, 6, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
        datetime(2024, 6, 3, 2, 0, 0, 123456, tzinfo=UTC),
        datetime(1999, 12, 31, 23, 59, 59, tzinfo=timezone(timedelta(hours=-5, minutes=-30))),
        datetime(2100, 1, 1, 0, 0, tzinfo=ZoneInfo("Asia/Urumqi")),
    ],
)
def test_sqlite_timestamps_are_the_same_text_utc_datetime_writes(moment: datetime) -> None:
    processor = UTCDateTime().bind_processor(sqlite.dialect())
    assert processor is not None
    assert utc_text(moment) == processor(moment)


def test_a_naive_timestamp_is_refused_as_utc_datetime_refuses_it() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        utc_text(datetime(2024, 6, 3, 10, 0))


def test_two_upserts_in_one_transaction_count_and_store_both(engine: Engine) -> None:
    with engine.begin() as connection:
        first = upsert_tickets(connection, [fault("A"), fault("B")], COLUMNS, IMPORTED)
        changed = fault("B", restored_at=local("2024-06-03 11:30"))
        second = upsert_tickets(connection, [changed, fault("C"), fault("A")], COLUMNS, IMPORTED)
    assert (first.inserted, first.updated, first.unchanged) == (2, 0, 0)
    assert (second.inserted, second.updated, second.unchanged) == (1, 1, 1)
    stored = {t.ticket_id: t for t in load_tickets(engine).tickets}
    assert sorted(stored) == ["A", "B", "C"]
    assert stored["B"].restored_at == datetime(2024, 6, 3, 3, 30, tzinfo=UTC)


def test_a_failed_transaction_leaves_nothing_of_the_bulk_upsert(engine: Engine) -> None:
    with pytest.raises(RuntimeError, match="abandon"), engine.begin() as connection:
        upsert_tickets(connection, [fault("A")], COLUMNS, IMPORTED)
        raise RuntimeError("abandon the import")
    with engine.connect() as connection:
        assert connection.execute(select(TICKET_TABLE.c.id)).all() == []


def test_a_column_the_rows_do_not_carry_keeps_its_stored_value(
    engine: Engine,
) -> None:
    with engine.begin() as connection:
        upsert_tickets(
            connection, [fault("A", restored_at=local("2024-06-03 11:30"))], COLUMNS, IMPORTED
        )
    later = IMPORTED + timedelta(days=1)
    with engine.begin() as connection:
        counts = upsert_tickets(
            connection, [fault("A", severity="significant")], COLUMNS[:-1], later
        )
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 0)
    ticket = load_tickets(engine).tickets[0]
    assert ticket.restored_at == local("2024-06-03 11:30")
    assert ticket.severity == "significant"
