"""Reading and writing the duty roster (值班表)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, select

from monitor.domain.roster import DutyShift
from monitor.storage.connections import connected
from monitor.storage.records import upsert_records
from monitor.storage.tables import DutyShiftRow
from monitor.storage.tickets import UpsertCounts

SHIFT = DutyShiftRow.__table__  # type: ignore[attr-defined]
KEY = ("source", "pool", "start", "person")
FIELDS = ("shift_date", "shift_name", "end", "phone")


def upsert_shifts(
    connection: Connection,
    rows: Sequence[Mapping[str, Any]],
    _carried: Sequence[str],
    now: datetime,
) -> UpsertCounts:
    """Upsert by (source, pool, start, person); a row is a whole shift, every field written."""
    return upsert_records(connection, SHIFT, KEY, rows, FIELDS, now)


def load_shifts(bind: Engine | Connection, start: datetime, end: datetime) -> list[DutyShift]:
    """The shifts overlapping [start, end), in the order they begin."""
    query = (
        select(SHIFT.c.pool, SHIFT.c.start, SHIFT.c.end, SHIFT.c.person)
        .where(SHIFT.c.start < end, SHIFT.c.end > start)
        .order_by(SHIFT.c.start, SHIFT.c.pool, SHIFT.c.person)
    )
    with connected(bind) as connection:
        return [DutyShift(*row) for row in connection.execute(query)]
