"""Storing a batch of tickets that came through the API, like a file import: good items
upserted, bad ones kept whole in rejected_row with their reasons, one import_run row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, text

from monitor.storage.import_runs import finish_import_run, keep_rejected_rows, start_import_run
from monitor.storage.tables import ImportRunRow, RejectedRow
from monitor.storage.tickets import UpsertCounts, upsert_tickets

IMPORT_RUN = ImportRunRow.__table__  # type: ignore[attr-defined]
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True, slots=True)
class ItemProblem:
    index: int  # 1-based position in the batch
    ticket_id: str | None
    column: str | None
    reason: str  # English, as the rejected row keeps it
    reason_zh: str | None = None  # the same in Chinese, when it is worded apart


@dataclass
class ParsedBatch:
    """What the ticket parser made of a batch: typed rows, each with the fields it carried."""

    rows: list[tuple[dict[str, Any], tuple[str, ...]]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)  # each row's 1-based position in the batch
    problems: list[ItemProblem] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)  # rejected_row values


# The key of the advisory lock that API batches take to be stored one at a time.
_BATCH_LOCK = 0x51A_0BA7


def one_batch_at_a_time(connection: Connection) -> None:
    """Wait until no other API batch is being stored, then hold that until this transaction
    ends (PostgreSQL; SQLite's write lock already does it).

    A batch locks the stored tickets it names first (the scope check), then upserts; a ticket
    another batch stored in between is locked only by the upsert, out of that order, and two
    batches sharing tickets deadlock. One at a time, a batch's few milliseconds of writing
    wait instead: the database's deadlock timeout (1 s) and a retry cost far more. The batches
    that wait are stored together in the next transaction (monitor.storage.shared_transactions).
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _BATCH_LOCK})


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
    # The run's row first: on SQLite this takes the write lock, so the keys the upserts look
    # up are not changed by another writer before this batch commits.
    run_id = start_import_run(connection, source, origin, now, token_id=token_id)
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row, carried in batch.rows:
        groups.setdefault(carried, []).append(row)
    counts = UpsertCounts(0, 0, 0)
    # One upsert per group, each in key order, the groups in one order too: two batches whose
    # tickets carry the same fields in each lock them in one order (monitor.storage.tickets).
    for carried in sorted(groups):
        counts += upsert_tickets(connection, groups[carried], ["source", *carried], now)
    finish_import_run(
        connection,
        run_id,
        read=len(batch.rows) + len(batch.rejected),
        stored=counts.inserted + counts.updated,
        unchanged=counts.unchanged,
        rejected=len(batch.rejected),
    )
    keep_rejected_rows(connection, run_id, batch.rejected)
    return counts


def keys_of(rows: Sequence[tuple[dict[str, Any], tuple[str, ...]]]) -> list[tuple[str, str]]:
    return sorted({(row["source"], row["ticket_id"]) for row, _ in rows})
