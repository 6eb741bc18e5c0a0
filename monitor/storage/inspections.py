"""Reading and writing inspection records (巡检)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, or_, select

from monitor.domain.records import InspectionRecord, InspectionResult
from monitor.storage.records import upsert_records
from monitor.storage.tables import InspectionRow, TicketRow
from monitor.storage.tickets import UpsertCounts

INSPECTION_TABLE = InspectionRow.__table__  # type: ignore[attr-defined]
TICKET_TABLE = TicketRow.__table__  # type: ignore[attr-defined]
KEY = ("source", "record_key")
FIELDS = (
    "inspected_at", "pool", "inspector", "item", "result", "finding", "measure", "resolved_at",
    "resolution_record", "evidence_ref", "ticket_id",
)  # fmt: skip


def upsert_inspections(
    connection: Connection, rows: Sequence[Mapping[str, Any]], columns: Iterable[str], now: datetime
) -> UpsertCounts:
    """Upsert by (source, record_key); only the columns the file carries are overwritten."""
    carried = [name for name in FIELDS if name in set(columns)]
    return upsert_records(connection, INSPECTION_TABLE, KEY, rows, carried, now)


def load_inspections(
    engine: Engine, *, before: datetime, since: datetime | None = None
) -> list[InspectionRecord]:
    """Records inspected in [since, before), plus earlier abnormal ones never resolved before
    `since` (an old unclosed finding stays on every later report until it is closed)."""
    table = INSPECTION_TABLE
    query = select(*(table.c[name] for name in (*KEY, *FIELDS))).where(
        table.c.inspected_at < before
    )
    if since is not None:
        still_open = (table.c.result == InspectionResult.ABNORMAL.value) & or_(
            table.c.resolved_at.is_(None), table.c.resolved_at >= since
        )
        query = query.where(or_(table.c.inspected_at >= since, still_open))
    query = query.order_by(table.c.inspected_at, table.c.id)
    with engine.connect() as connection:
        return [
            InspectionRecord(
                **{**row._asdict(), "result": InspectionResult(row.result)},
            )
            for row in connection.execute(query)
        ]


def known_ticket_ids(engine: Engine, ticket_ids: Iterable[str]) -> set[str]:
    """The ticket ids among `ticket_ids` that some stored ticket (of any source) has."""
    wanted = sorted(set(ticket_ids))
    found: set[str] = set()
    with engine.connect() as connection:
        for offset in range(0, len(wanted), 2000):
            chunk = wanted[offset : offset + 2000]
            query = select(TICKET_TABLE.c.ticket_id).where(TICKET_TABLE.c.ticket_id.in_(chunk))
            found.update(connection.execute(query).scalars())
    return found
