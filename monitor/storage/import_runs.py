"""Import runs and their rejected rows: a run is opened before its rows are stored, its bad
rows are kept as they come, and its counts are written when it ends (in the same transaction);
runs stored whole at once (API batches) are recorded with their counts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, update

from monitor.storage.tables import ImportRunRow, RejectedRow

RUN = ImportRunRow.__table__  # type: ignore[attr-defined]
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]


def start_import_run(
    connection: Connection,
    source: str,
    path: str,
    started_at: datetime,
    *,
    token_id: int | None = None,
) -> int:
    """A new import run's key (`token_id`: the API token that sent it); its counts stay
    empty until finish_import_run."""
    values = {"source": source[:100], "path": path, "started_at": started_at, "token_id": token_id}
    return int(connection.execute(insert(RUN).returning(RUN.c.id), values).scalar_one())


@dataclass(frozen=True, slots=True)
class FinishedRun:
    """An import run whose rows are stored: where they came from and its counts."""

    source: str
    path: str
    started_at: datetime
    token_id: int | None
    read: int
    stored: int
    unchanged: int
    rejected: int


def record_import_runs(connection: Connection, runs: Sequence[FinishedRun]) -> list[int]:
    """Each run's key, in the order given: one statement for all of them, whose rows take
    their keys from the sequence in the order of its VALUES."""
    if not runs:
        return []
    values = [
        {
            "source": run.source[:100],
            "path": run.path,
            "started_at": run.started_at,
            "token_id": run.token_id,
            "rows_read": run.read,
            "rows_stored": run.stored,
            "rows_unchanged": run.unchanged,
            "rows_rejected": run.rejected,
        }
        for run in runs
    ]
    statement = insert(RUN).values(values).returning(RUN.c.id)
    return sorted(int(key) for key in connection.execute(statement).scalars())


def keep_rejected_rows(
    connection: Connection, run_id: int, rows: Sequence[Mapping[str, Any]]
) -> None:
    """Store rejected rows (their reasons and raw cells) under the run."""
    if rows:
        connection.execute(insert(REJECTED), [{**row, "import_run_id": run_id} for row in rows])


def finish_import_run(
    connection: Connection, run_id: int, *, read: int, stored: int, unchanged: int, rejected: int
) -> None:
    """The run's counts: rows read, stored (inserted or updated), unchanged and rejected."""
    connection.execute(
        update(RUN)
        .where(RUN.c.id == run_id)
        .values(
            rows_read=read, rows_stored=stored, rows_unchanged=unchanged, rows_rejected=rejected
        )
    )
