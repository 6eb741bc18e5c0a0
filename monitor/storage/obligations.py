"""Reading and writing obligation evidence, the inventory's 等保 levels and the stored clocks."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, select

from monitor.domain.obligations import EvidenceRecord, ObligationClock, obligation_status
from monitor.storage.connections import connected
from monitor.storage.records import upsert_records
from monitor.storage.tables import ObligationEvidenceRow, ObligationPeriodRow, ResourceRow
from monitor.storage.tickets import UpsertCounts

EVIDENCE = ObligationEvidenceRow.__table__  # type: ignore[attr-defined]
PERIOD = ObligationPeriodRow.__table__  # type: ignore[attr-defined]
RESOURCE = ResourceRow.__table__  # type: ignore[attr-defined]
KEY = ("source", "record_key")
FIELDS = (
    "obligation_id", "subject", "pool", "period", "noticed_on", "done_on", "document_ref",
    "done_by",
)  # fmt: skip


def upsert_evidence(
    connection: Connection, rows: Sequence[Mapping[str, Any]], columns: Iterable[str], now: datetime
) -> UpsertCounts:
    """Upsert by (source, record_key); a notice's later row (its fix) completes the earlier.

    A row is a whole record: every field is written, a column the file lacks as empty.
    """
    del columns
    return upsert_records(connection, EVIDENCE, KEY, rows, FIELDS, now)


def load_evidence(bind: Engine | Connection) -> list[EvidenceRecord]:
    """Every piece of evidence and every notice, in the order they were done."""
    query = select(*(EVIDENCE.c[name] for name in FIELDS)).order_by(
        EVIDENCE.c.done_on, EVIDENCE.c.id
    )
    with connected(bind) as connection:
        return [EvidenceRecord(**row._asdict()) for row in connection.execute(query)]


def protection_levels(bind: Engine | Connection) -> dict[str, int]:
    """Each system's 等保 level as the inventory records it (the highest, if its rows differ)."""
    query = (
        select(RESOURCE.c.system, RESOURCE.c.protection_level)
        .where(RESOURCE.c.system.is_not(None), RESOURCE.c.protection_level.is_not(None))
        .distinct()
    )
    levels: dict[str, int] = {}
    with connected(bind) as connection:
        for system, level in connection.execute(query):
            levels[system] = max(level, levels.get(system, 0))
    return levels


def _period_row(clock: ObligationClock, at: datetime) -> dict[str, Any]:
    evidence = [
        {"at": done.at.isoformat(), "what": done.what, "by": done.by}
        for done in clock.completions
        if done.at <= at
    ]
    met_at = clock.met_at if clock.met_at is not None and clock.met_at <= at else None
    return {
        "obligation_id": clock.obligation_id,
        "subject": clock.subject,
        "pool": clock.pool,
        "period_start": clock.start,
        "period_end": clock.end,
        "label": clock.label,
        "due_at": clock.due_at,
        "at_risk_at": clock.at_risk_at,
        "required": clock.required,
        "done": len(evidence),
        "met_at": met_at,
        "status": clock.status(at).value,
        "evidence": json.dumps({"label": clock.label, "done": evidence}, ensure_ascii=False),
        "evaluated_at": at,
    }


def replace_periods(connection: Connection, clocks: Sequence[ObligationClock], at: datetime) -> int:
    """Store the clocks as evaluated at `at` in place of every period stored before (an
    obligation the contract no longer has leaves none behind)."""
    connection.execute(delete(PERIOD))
    rows = [_period_row(clock, at) for clock in clocks]
    for row in rows:
        row.pop("label")
    if rows:
        connection.execute(PERIOD.insert(), rows)
    return len(rows)


def load_periods(
    bind: Engine | Connection,
    at: datetime,
    *,
    pools: Collection[str] | None = None,
    due_from: datetime | None = None,
    due_before: datetime | None = None,
) -> list[dict[str, Any]]:
    """Stored periods with their status as of `at` (a period passes its due moment without a
    new evaluation); `pools`: only those pools' periods (None: every pool, '' included)."""
    query = select(PERIOD).order_by(
        PERIOD.c.due_at, PERIOD.c.obligation_id, PERIOD.c.pool, PERIOD.c.subject
    )
    if pools is not None:
        query = query.where(PERIOD.c.pool.in_(sorted(pools)))
    if due_from is not None:
        query = query.where(PERIOD.c.due_at >= due_from)
    if due_before is not None:
        query = query.where(PERIOD.c.due_at < due_before)
    found: list[dict[str, Any]] = []
    with connected(bind) as connection:
        for row in connection.execute(query):
            values = row._asdict()
            evidence = json.loads(values.pop("evidence") or "{}")
            values["label"] = evidence.get("label", "")
            values["documents"] = evidence.get("done", [])
            # What is stored was true at evaluated_at; completions after it are not known.
            values["status"] = obligation_status(
                values["due_at"], values["at_risk_at"], values["met_at"], at
            ).value
            found.append(values)
    return found
