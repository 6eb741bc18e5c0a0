"""Rejudgings: who re-evaluated which tickets and why, and the results each one replaced."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, insert, select

from monitor.storage.results import RESULT_TABLE
from monitor.storage.tables import RejudgeRow, SupersededResultRow
from monitor.storage.tickets import TICKET_TABLE

REJUDGE_TABLE = RejudgeRow.__table__  # type: ignore[attr-defined]
SUPERSEDED_TABLE = SupersededResultRow.__table__  # type: ignore[attr-defined]
_KEPT = ("ticket_pk", "target_id", "status", "start", "deadline", "stop", "overdue_seconds")
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class Rejudging:
    id: int
    ran_at: datetime
    evaluated_at: datetime
    actor: str
    reason: str
    reported_from: datetime | None
    contracts: str
    tickets: int
    changed: int


@dataclass(frozen=True, slots=True)
class KeptResult:
    """A result as one version judged it: the one a rejudging replaced, or the one in force."""

    ticket_id: str
    pool: str | None
    target_id: str
    status: str
    deadline: datetime | None
    stop: datetime | None
    overdue_seconds: int | None
    contract_version: str | None


def record_rejudge(connection: Connection, **values: object) -> int:
    """A new rejudging row; its id."""
    inserted = connection.execute(insert(REJUDGE_TABLE).returning(REJUDGE_TABLE.c.id), [values])
    return int(inserted.scalar_one())


def supersede(connection: Connection, rejudge_id: int, ticket_pks: Sequence[int]) -> int:
    """Keep the stored results of these tickets under the rejudging that replaces them; how
    many were kept."""
    kept = 0
    for offset in range(0, len(ticket_pks), _BATCH):
        chunk = list(ticket_pks[offset : offset + _BATCH])
        columns = [RESULT_TABLE.c[name] for name in (*_KEPT, "contract_version")]
        query = select(*columns).where(RESULT_TABLE.c.ticket_pk.in_(chunk))
        rows = [{"rejudge_id": rejudge_id, **row._mapping} for row in connection.execute(query)]
        if rows:
            connection.execute(insert(SUPERSEDED_TABLE), rows)
        kept += len(rows)
    return kept


def rejudgings(engine: Engine) -> list[Rejudging]:
    """Every rejudging, the newest first."""
    query = select(REJUDGE_TABLE).order_by(REJUDGE_TABLE.c.id.desc())
    with engine.connect() as connection:
        return [
            Rejudging(
                row.id,
                row.ran_at,
                row.evaluated_at,
                row.actor,
                row.reason,
                row.reported_from,
                row.contracts,
                row.tickets,
                row.changed,
            )
            for row in connection.execute(query)
        ]


def superseded_results(engine: Engine, rejudge_id: int) -> list[KeptResult]:
    """The results a rejudging replaced, as they were."""
    table = SUPERSEDED_TABLE
    query = (
        select(
            TICKET_TABLE.c.ticket_id,
            TICKET_TABLE.c.pool,
            table.c.target_id,
            table.c.status,
            table.c.deadline,
            table.c.stop,
            table.c.overdue_seconds,
            table.c.contract_version,
        )
        .join(TICKET_TABLE, TICKET_TABLE.c.id == table.c.ticket_pk)
        .where(table.c.rejudge_id == rejudge_id)
        .order_by(TICKET_TABLE.c.ticket_id, table.c.target_id)
    )
    with engine.connect() as connection:
        return [KeptResult(*row) for row in connection.execute(query)]


def current_results_of(engine: Engine, rejudge_id: int) -> list[KeptResult]:
    """The results in force now for the tickets a rejudging re-evaluated."""
    table = RESULT_TABLE
    tickets = select(SUPERSEDED_TABLE.c.ticket_pk).where(
        SUPERSEDED_TABLE.c.rejudge_id == rejudge_id
    )
    query = (
        select(
            TICKET_TABLE.c.ticket_id,
            TICKET_TABLE.c.pool,
            table.c.target_id,
            table.c.status,
            table.c.deadline,
            table.c.stop,
            table.c.overdue_seconds,
            table.c.contract_version,
        )
        .join(TICKET_TABLE, TICKET_TABLE.c.id == table.c.ticket_pk)
        .where(table.c.ticket_pk.in_(tickets.distinct()))
        .order_by(TICKET_TABLE.c.ticket_id, table.c.target_id)
    )
    with engine.connect() as connection:
        return [KeptResult(*row) for row in connection.execute(query)]
