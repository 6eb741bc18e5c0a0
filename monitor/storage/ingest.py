"""Storing a batch of tickets that came through the API, like a file import: good items
upserted, bad ones kept whole in rejected_row with their reasons, one import_run row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert

from monitor.storage.tables import ImportRunRow, RejectedRow
from monitor.storage.tickets import UpsertCounts, upsert_tickets

IMPORT_RUN = ImportRunRow.__table__  # type: ignore[attr-defined]
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ItemProblem:
    index: int  # 1-based position in the batch
    ticket_id: str | None
    column: str | None
    reason: str


@dataclass
class ParsedBatch:
    """What the ticket parser made of a batch: typed rows, each with the fields it carried."""

    rows: list[tuple[dict[str, Any], tuple[str, ...]]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # each row's 1-based position in the batch
    problems: list[ItemProblem] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)  # rejected_row values


def store_batch(
    connection: Connection,
    batch: ParsedBatch,
    source: str,
    origin: str,
    now: datetime,
    token_id: int | None = None,
) -> UpsertCounts:
    """Upsert the good rows (grouped by the fields they carry) and keep the bad ones; the
    import run names the API token that sent them."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row, carried in batch.rows:
        groups.setdefault(carried, []).append(row)
    inserted = updated = unchanged = 0
    for carried, rows in groups.items():
        counts = upsert_tickets(connection, rows, ["source", *carried], now)
        inserted, updated = inserted + counts.inserted, updated + counts.updated
        unchanged += counts.unchanged
    run_id = connection.execute(
        insert(IMPORT_RUN).returning(IMPORT_RUN.c.id),
        {
            "source": source,
            "path": origin,
            "started_at": now,
            "rows_read": len(batch.rows) + len(batch.rejected),
            "rows_stored": inserted + updated,
            "rows_unchanged": unchanged,
            "rows_rejected": len(batch.rejected),
            "token_id": token_id,
        },
    ).scalar_one()
    if batch.rejected:
        connection.execute(
            insert(REJECTED), [{**row, "import_run_id": run_id} for row in batch.rejected]
        )
    return UpsertCounts(inserted, updated, unchanged)


def keys_of(rows: Sequence[tuple[dict[str, Any], tuple[str, ...]]]) -> list[tuple[str, str]]:
    return sorted({(row["source"], row["ticket_id"]) for row, _ in rows})
