"""Ticket upserts and loads, on SQLite and on a real PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, select

from monitor.storage.tickets import TICKET_TABLE, load_tickets, upsert_tickets
from tests.conftest import local

IMPORTED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
LATER = datetime(2026, 1, 6, 8, 0, tzinfo=UTC)
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


def test_new_tickets_are_inserted_and_read_back_as_the_same_instants(engine: Engine) -> None:
    with engine.begin() as connection:
        counts = upsert_tickets(connection, [fault("A"), fault("B")], COLUMNS, IMPORTED)
    assert (counts.inserted, counts.updated, counts.unchanged) == (2, 0, 0)
    stored = load_tickets(engine)
    assert [t.ticket_id for t in stored.tickets] == ["A", "B"]
    assert stored.tickets[0].reported_at == datetime(2024, 6, 3, 2, 0, tzinfo=UTC)
    assert stored.tickets[0].reported_at.tzinfo is not None
    assert set(stored.primary_keys) == {("file", "A"), ("file", "B")}


def test_upserting_the_same_rows_again_changes_nothing_not_even_updated_at(engine: Engine) -> None:
    with engine.begin() as connection:
        upsert_tickets(connection, [fault("A")], COLUMNS, IMPORTED)
    with engine.begin() as connection:
        counts = upsert_tickets(connection, [fault("A")], COLUMNS, LATER)
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 1)
    with engine.connect() as connection:
        updated_at = connection.execute(select(TICKET_TABLE.c.updated_at)).scalar_one()
    assert updated_at == IMPORTED


def test_a_later_row_updates_the_ticket(engine: Engine) -> None:
    with engine.begin() as connection:
        upsert_tickets(connection, [fault("A")], COLUMNS, IMPORTED)
    with engine.begin() as connection:
        counts = upsert_tickets(
            connection, [fault("A", restored_at=local("2024-06-03 11:30"))], COLUMNS, LATER
        )
    assert (counts.inserted, counts.updated) == (0, 1)
    ticket = load_tickets(engine).tickets[0]
    assert ticket.restored_at == local("2024-06-03 11:30")
    with engine.connect() as connection:
        row = connection.execute(select(TICKET_TABLE.c.created_at, TICKET_TABLE.c.updated_at)).one()
    assert (row.created_at, row.updated_at) == (IMPORTED, LATER)


def test_columns_a_file_does_not_carry_are_left_as_they_were(engine: Engine) -> None:
    with engine.begin() as connection:
        upsert_tickets(
            connection,
            [fault("A", restored_at=local("2024-06-03 11:30"), pool="一云")],
            [*COLUMNS, "pool"],
            IMPORTED,
        )
    with engine.begin() as connection:
        upsert_tickets(
            connection,
            [
                {
                    "source": "file",
                    "ticket_id": "A",
                    "kind": "fault",
                    "reported_at": local("2024-06-03 10:00"),
                    "pool": "二云",
                }
            ],
            ["source", "ticket_id", "kind", "reported_at", "pool"],
            LATER,
        )
    ticket = load_tickets(engine).tickets[0]
    assert (ticket.pool, ticket.severity, ticket.restored_at) == (
        "二云",
        "major",
        local("2024-06-03 11:30"),
    )


def test_the_same_ticket_id_from_two_sources_is_two_tickets(engine: Engine) -> None:
    with engine.begin() as connection:
        upsert_tickets(
            connection, [fault("A"), {**fault("A"), "source": "servicenow"}], COLUMNS, IMPORTED
        )
    assert sorted(t.source for t in load_tickets(engine).tickets) == ["file", "servicenow"]


def test_loading_can_be_limited_to_kinds_and_a_reporting_window(engine: Engine) -> None:
    rows = [
        fault("A"),
        fault("B", reported_at=local("2024-07-01 00:00")),
        fault("C", kind="anomaly", severity=None),
    ]
    with engine.begin() as connection:
        upsert_tickets(connection, rows, COLUMNS, IMPORTED)
    june = load_tickets(
        engine,
        kinds=["fault"],
        reported_from=local("2024-06-01 00:00"),
        reported_before=local("2024-07-01 00:00"),
    )
    assert [t.ticket_id for t in june.tickets] == ["A"]
