"""Batches of tickets that came through the API, like a file import's rows: good items to be
upserted, bad ones kept whole in rejected_row with their reasons (monitor.storage.batch_writes
stores them), and the lock they are stored under."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, text

from monitor.storage.tables import ImportRunRow, RejectedRow

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
    ends: PostgreSQL's advisory lock, or SQLite's write lock, taken by the transaction's
    first statement (it must be one) so that the stored tickets it reads next stay as they
    are until it commits.

    A batch locks the stored tickets it names first (the scope check), then upserts; a ticket
    another batch stored in between is locked only by the upsert, out of that order, and two
    batches sharing tickets deadlock. One at a time, a batch's few milliseconds of writing
    wait instead: the database's deadlock timeout (1 s) and a retry cost far more. The batches
    that wait are stored together in the next transaction (monitor.storage.shared_transactions).
    """
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _BATCH_LOCK})
    elif connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
