"""The collectors' watermarks (where each resumes) and the record of their runs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    insert,
    select,
)

from monitor.storage.connections import connected, dialect_insert
from monitor.storage.tables import (
    CollectorRunRow,
    CollectorStateRow,
)

STATE = CollectorStateRow.__table__  # type: ignore[attr-defined]


RUN = CollectorRunRow.__table__  # type: ignore[attr-defined]


def get_watermark(bind: Engine | Connection, name: str) -> datetime | None:
    with connected(bind) as connection:
        value: datetime | None = connection.execute(
            select(STATE.c.watermark).where(STATE.c.name == name)
        ).scalar_one_or_none()
    return value


def set_watermark(connection: Connection, name: str, watermark: datetime, now: datetime) -> None:
    statement = dialect_insert(connection)(STATE)
    statement = statement.on_conflict_do_update(
        index_elements=["name"],
        set_={
            "watermark": statement.excluded.watermark,
            "updated_at": statement.excluded.updated_at,
        },
    )
    connection.execute(statement, [{"name": name, "watermark": watermark, "updated_at": now}])


def record_collector_run(connection: Connection, **values: Any) -> None:
    connection.execute(insert(RUN), [values])


def collector_runs(bind: Engine | Connection, name: str) -> list[dict[str, Any]]:
    with connected(bind) as connection:
        rows = connection.execute(select(RUN).where(RUN.c.name == name).order_by(RUN.c.id))
        return [dict(row._mapping) for row in rows]
