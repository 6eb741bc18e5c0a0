"""Set-based reads and writes of the resource inventory and of outages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    or_,
    select,
)

from monitor.domain.resources import Outage, Resource
from monitor.storage.connections import connected, dialect_insert
from monitor.storage.records import upsert_records as upsert_rows
from monitor.storage.tables import (
    OutageRow,
    ResourceRow,
)
from monitor.storage.tickets import UpsertCounts

RESOURCE = ResourceRow.__table__  # type: ignore[attr-defined]


OUTAGE = OutageRow.__table__  # type: ignore[attr-defined]


RESOURCE_FIELDS = (
    "resource_class",
    "pool",
    "user_unit",
    "system",
    "status",
    "in_service_from",
    "reclaimed_at",
    "source",
)


# The inventory's spec of a resource, by the catalogue measure a billed quantity is judged by.
SPEC_FIELDS = ("vcpu", "memory_gb", "storage_gb")


OUTAGE_FIELDS = ("end", "planned", "approved_by", "cause")


def upsert_resources(
    connection: Connection, rows: Sequence[Mapping[str, Any]], carried: Iterable[str], now: datetime
) -> UpsertCounts:
    # The 等保 level is read apart (monitor.storage.obligations), not by load_resources.
    stored = (*RESOURCE_FIELDS, "protection_level", *SPEC_FIELDS)
    fields = [name for name in stored if name in set(carried) | {"source"}]
    return upsert_rows(connection, RESOURCE, ("resource_id",), rows, fields, now)


def ensure_resources(
    connection: Connection, rows: Sequence[Mapping[str, Any]], now: datetime
) -> int:
    """Add resources a collector saw that the inventory lacks; never overwrites the inventory."""
    if not rows:
        return 0
    statement = dialect_insert(connection)(RESOURCE).on_conflict_do_nothing(
        index_elements=["resource_id"]
    )
    payload = [
        {
            "resource_id": row["resource_id"],
            "resource_class": row["resource_class"],
            "pool": row.get("pool"),
            "source": row.get("source", "collector"),
            "created_at": now,
            "updated_at": now,
        }
        for row in {row["resource_id"]: row for row in rows}.values()
    ]
    connection.execute(statement, payload)
    return len(payload)


def upsert_outages(
    connection: Connection, rows: Sequence[Mapping[str, Any]], now: datetime
) -> UpsertCounts:
    return upsert_rows(
        connection, OUTAGE, ("source", "resource_id", "start"), rows, OUTAGE_FIELDS, now
    )


_RESOURCE_COLUMNS = ("resource_id", *RESOURCE_FIELDS[:-1])


def load_resources(bind: Engine | Connection) -> list[Resource]:
    columns = [RESOURCE.c[name] for name in _RESOURCE_COLUMNS]
    with connected(bind) as connection:
        rows = connection.execute(select(*columns).order_by(RESOURCE.c.resource_id)).all()
    return [Resource(*row) for row in rows]


Specs = dict[str, dict[str, Decimal]]


def load_resources_with_specs(bind: Engine | Connection) -> tuple[list[Resource], Specs]:
    """The inventory and, read by the same query, each resource's recorded vcpu / memory_gb /
    storage_gb by resource_id; a blank spec is left out (not known, so not judged)."""
    columns = [RESOURCE.c[name] for name in (*_RESOURCE_COLUMNS, *SPEC_FIELDS)]
    with connected(bind) as connection:
        rows = connection.execute(select(*columns).order_by(RESOURCE.c.resource_id)).all()
    width = len(_RESOURCE_COLUMNS)
    resources, specs = [], {}
    for row in rows:
        resources.append(Resource(*row[:width]))
        recorded = zip(SPEC_FIELDS, row[width:], strict=True)
        spec = {name: value for name, value in recorded if value is not None}
        if spec:
            specs[row[0]] = spec
    return resources, specs


def load_outages(bind: Engine | Connection, start: datetime, end: datetime) -> list[Outage]:
    """Outage records overlapping [start, end)."""
    query = select(
        OUTAGE.c.resource_id,
        OUTAGE.c.start,
        OUTAGE.c.end,
        OUTAGE.c.planned,
        OUTAGE.c.approved_by,
        OUTAGE.c.cause,
        OUTAGE.c.source,
    ).where(OUTAGE.c.start < end, or_(OUTAGE.c.end.is_(None), OUTAGE.c.end > start))
    with connected(bind) as connection:
        return [Outage(*row) for row in connection.execute(query.order_by(OUTAGE.c.start))]
