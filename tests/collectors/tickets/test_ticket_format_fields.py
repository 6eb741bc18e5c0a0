"""slamon's ticket file format and the domain's ticket agree: a column for every stored field,
and the time columns are exactly the events targets may start and stop on."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, select

from collectors.tickets.columns import TICKET_HEADERS, TIME_FIELDS
from collectors.tickets.file_import import import_tickets
from collectors.tickets.profile import load_profile
from collectors.tickets.profile_import import import_with_profile
from monitor.contract.model import Contract
from monitor.domain.tickets import EVENT_FIELDS, HISTORY_FIELDS, Ticket
from monitor.storage.tables import TicketRow

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
NOW = datetime(2024, 6, 5, 4, 0, tzinfo=UTC)
REPORTED = datetime(2024, 6, 1, 1, 0, tzinfo=UTC)
# One instant per event, each a minute after the one before.
MOMENTS = {name: REPORTED + timedelta(minutes=i) for i, name in enumerate(EVENT_FIELDS)}


def test_the_format_has_a_column_for_every_stored_ticket_field() -> None:
    stored = {field.name for field in fields(Ticket)} - {"source", *HISTORY_FIELDS}
    assert set(TICKET_HEADERS) == stored


def test_the_formats_time_columns_are_the_domains_events() -> None:
    dated = {
        field.name
        for field in fields(Ticket)
        if field.name not in HISTORY_FIELDS and str(field.type).startswith("datetime")
    }
    assert set(EVENT_FIELDS) == dated
    assert TIME_FIELDS == EVENT_FIELDS
    assert set(EVENT_FIELDS) <= set(TICKET_HEADERS)


def every_event_file(tmp_path: Path) -> Path:
    headers = ["ticket_id", "kind", *EVENT_FIELDS]
    cells = ["T-1", "fault", *(MOMENTS[name].isoformat() for name in EVENT_FIELDS)]
    path = tmp_path / "every_event.csv"
    path.write_text(f"{','.join(headers)}\n{','.join(cells)}\n", encoding="utf-8")
    return path


def stored_events(engine: Engine, source: str) -> dict[str, datetime | None]:
    query = select(*(TICKET.c[name] for name in EVENT_FIELDS)).where(TICKET.c.source == source)
    with engine.connect() as connection:
        return dict(connection.execute(query).one()._mapping)


def test_every_event_imports_as_a_time_from_a_file_and_through_a_profile(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = every_event_file(tmp_path)
    plain = import_tickets(sqlite_engine, path, contract, source="file", now=NOW)
    profiled = import_with_profile(
        sqlite_engine, path, load_profile("slamon"), contract, source="profiled", now=NOW
    )
    assert (plain.rejected_rows, profiled.rejected_rows) == (0, 0)
    assert stored_events(sqlite_engine, "file") == MOMENTS
    assert stored_events(sqlite_engine, "profiled") == MOMENTS
