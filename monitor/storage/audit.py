"""The audit log: one row per change made through the dashboard or `slamon users`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, insert, select

from monitor.storage.tables import AuditLogRow

AUDIT_TABLE = AuditLogRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    at: datetime
    actor: str
    action: str
    subject: str
    details: dict[str, Any]


def record(
    connection: Connection, *, at: datetime, actor: str, action: str, subject: str, **details: Any
) -> None:
    """Append one entry, in the caller's transaction so the change and its record go together."""
    connection.execute(
        insert(AUDIT_TABLE),
        [
            {
                "at": at,
                "actor": actor[:200],
                "action": action,
                "subject": subject[:400],
                "details": json.dumps(details, ensure_ascii=False, default=str),
            }
        ],
    )


def recent_entries(
    engine: Engine, *, limit: int = 100, subject: str | None = None
) -> list[AuditEntry]:
    """The newest entries first, optionally of one subject."""
    query = select(AUDIT_TABLE).order_by(AUDIT_TABLE.c.id.desc()).limit(limit)
    if subject is not None:
        query = query.where(AUDIT_TABLE.c.subject == subject)
    with engine.connect() as connection:
        return [
            AuditEntry(row.at, row.actor, row.action, row.subject, json.loads(row.details))
            for row in connection.execute(query)
        ]
