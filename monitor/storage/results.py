"""Storing target results: upserted by (ticket, target), status flips recorded as rows."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from monitor.domain.tickets import TargetResult
from monitor.storage.connections import connected
from monitor.storage.tables import (
    ContractVersionRow,
    EvaluationRunRow,
    ResultChangeRow,
    TargetResultRow,
)
from monitor.storage.tickets import TICKET_TABLE

RESULT_TABLE = TargetResultRow.__table__  # type: ignore[attr-defined]
CHANGE_TABLE = ResultChangeRow.__table__  # type: ignore[attr-defined]
RUN_TABLE = EvaluationRunRow.__table__  # type: ignore[attr-defined]
VERSION_TABLE = ContractVersionRow.__table__  # type: ignore[attr-defined]
# The result values that make a stored row out of date when they differ.
_COMPARED = (
    "status",
    "start",
    "deadline",
    "stop",
    "overdue_seconds",
    "at_risk_from",
    "contract_version",
)
REMOVED = "removed"  # to_status of a change whose target no longer applies to the ticket
_BATCH = 5000


@dataclass(frozen=True, slots=True)
class Flip:
    """One stored result that changed its status, or whose stop event has just arrived."""

    ticket_pk: int
    target_id: str
    from_status: str | None
    to_status: str
    stop_arrived: bool  # the stored result had no stop, this one has (a late stop: "resolved")


@dataclass(frozen=True, slots=True)
class StoreCounts:
    inserted: int
    updated: int
    removed: int
    changes: int
    # What changed, for the alert planner (monitor.alerting) in the same transaction.
    flips: Sequence[Flip] = ()


def store_results(
    connection: Connection,
    results: Sequence[TargetResult],
    primary_keys: Mapping[tuple[str, str], int],
    now: datetime,
    scope: Collection[int] | None = None,
) -> StoreCounts:
    """Make the stored results equal `results` (a whole evaluation), recording every flip.

    With `scope` (ticket keys), `results` are those tickets' only: other stored results are
    left alone. Re-running an evaluation with the same data and time writes nothing.
    """
    existing = _existing(connection, scope)
    flips: list[Flip] = []
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    seen: set[tuple[int, str]] = set()
    for result in results:
        ticket_pk = primary_keys[(result.source, result.ticket_id)]
        key = (ticket_pk, result.target_id)
        seen.add(key)
        values = stored_values(result)
        violation_at = now if result.status.is_violation else None
        stored = existing.get(key)
        if stored is None:
            inserts.append(
                {
                    **values,
                    "ticket_pk": ticket_pk,
                    "target_id": result.target_id,
                    "status_since": now,
                    "first_violation_at": violation_at,
                }
            )
            changes.append(_change(key, None, values["status"], now))
            flips.append(Flip(*key, None, values["status"], result.stop is not None))
            continue
        if all(getattr(stored, name) == values[name] for name in _COMPARED):
            continue
        flipped = stored.status != values["status"]
        updates.append(
            {
                **values,
                "_id": stored.id,
                "status_since": now if flipped else stored.status_since,
                "first_violation_at": stored.first_violation_at or violation_at,
            }
        )
        if flipped:
            changes.append(_change(key, stored.status, values["status"], now))
        stop_arrived = stored.stop is None and result.stop is not None
        if flipped or stop_arrived:
            flips.append(Flip(*key, stored.status, values["status"], stop_arrived))
    gone = [row for key, row in existing.items() if key not in seen]
    changes.extend(
        _change((row.ticket_pk, row.target_id), row.status, REMOVED, now) for row in gone
    )
    _write(connection, inserts, updates, [row.id for row in gone], changes)
    return StoreCounts(len(inserts), len(updates), len(gone), len(changes), tuple(flips))


def stored_values(result: TargetResult) -> dict[str, Any]:
    """The compared values of a result as its row stores them."""
    values = {name: getattr(result, name) for name in _COMPARED if name != "contract_version"}
    values["status"] = result.status.value
    values["contract_version"] = None if result.contract is None else result.contract.version
    return values


def _existing(connection: Connection, scope: Collection[int] | None) -> dict[tuple[int, str], Any]:
    if scope is None:
        rows = list(connection.execute(select(RESULT_TABLE)))
    else:
        keys, rows = list(scope), []
        for offset in range(0, len(keys), _BATCH):
            chunk = keys[offset : offset + _BATCH]
            query = select(RESULT_TABLE).where(RESULT_TABLE.c.ticket_pk.in_(chunk))
            rows.extend(connection.execute(query))
    return {(row.ticket_pk, row.target_id): row for row in rows}


def _change(key: tuple[int, str], before: str | None, after: str, now: datetime) -> dict[str, Any]:
    return {
        "ticket_pk": key[0],
        "target_id": key[1],
        "from_status": before,
        "to_status": after,
        "changed_at": now,
    }


def _write(
    connection: Connection,
    inserts: list[dict[str, Any]],
    updates: list[dict[str, Any]],
    removed_ids: list[int],
    changes: list[dict[str, Any]],
) -> None:
    for offset in range(0, len(inserts), _BATCH):
        connection.execute(insert(RESULT_TABLE), inserts[offset : offset + _BATCH])
    if updates:
        statement = (
            update(RESULT_TABLE)
            .where(RESULT_TABLE.c.id == bindparam("_id"))
            .values(
                {
                    name: bindparam(name)
                    for name in (*_COMPARED, "status_since", "first_violation_at")
                }
            )
        )
        for offset in range(0, len(updates), _BATCH):
            connection.execute(statement, updates[offset : offset + _BATCH])
    for offset in range(0, len(removed_ids), _BATCH):
        chunk = removed_ids[offset : offset + _BATCH]
        connection.execute(delete(RESULT_TABLE).where(RESULT_TABLE.c.id.in_(chunk)))
    for offset in range(0, len(changes), _BATCH):
        connection.execute(insert(CHANGE_TABLE), changes[offset : offset + _BATCH])


@dataclass(frozen=True, slots=True)
class ContractText:
    """A contract version as it is kept: the text its results were judged by."""

    version: str
    name: str
    path: str
    content: str


def keep_contract_versions(
    connection: Connection, contracts: Sequence[ContractText], now: datetime
) -> None:
    """Store the versions not stored yet (a version is its text's hash: it never changes)."""
    versions = [contract.version for contract in contracts]
    known = set(
        connection.execute(
            select(VERSION_TABLE.c.version).where(VERSION_TABLE.c.version.in_(versions))
        ).scalars()
    )
    fresh = [
        {
            "version": contract.version,
            "name": contract.name[:200],
            "path": contract.path[:1000],
            "content": contract.content,
            "first_used_at": now,
        }
        for contract in contracts
        if contract.version not in known
    ]
    if fresh:
        connection.execute(insert(VERSION_TABLE), fresh)


def contract_version_texts(bind: Connection, versions: Collection[str]) -> dict[str, ContractText]:
    """The kept versions asked for, by version."""
    rows = bind.execute(select(VERSION_TABLE).where(VERSION_TABLE.c.version.in_(list(versions))))
    return {row.version: ContractText(row.version, row.name, row.path, row.content) for row in rows}


@dataclass(frozen=True, slots=True)
class JudgedBy:
    """A closed ticket and the contract version its stored results name."""

    ticket_pk: int
    source: str
    ticket_id: str
    reported_at: datetime
    version: str


def closed_tickets_judged_otherwise(
    bind: Engine | Connection,
    versions: Collection[str],
    ticket_pks: Collection[int] | None = None,
) -> list[JudgedBy]:
    """Closed tickets (of `ticket_pks`, or all) whose stored results were judged by a version
    other than `versions` (those in force). For all tickets the distinct stored versions are
    read first, from their index: usually every one is in force and nothing more is read; a
    few tickets (the live service's timers and ingest) are looked up by their keys alone."""
    with connected(bind) as connection:
        if ticket_pks is not None:
            found: list[JudgedBy] = []
            keys = list(ticket_pks)
            for offset in range(0, len(keys), _BATCH):
                chunk = keys[offset : offset + _BATCH]
                query = _judged_by_query().where(
                    RESULT_TABLE.c.ticket_pk.in_(chunk),
                    RESULT_TABLE.c.contract_version.not_in(list(versions)),
                )
                found.extend(JudgedBy(*row) for row in connection.execute(query))
            return found
        stored = connection.execute(
            select(RESULT_TABLE.c.contract_version)
            .distinct()
            .where(RESULT_TABLE.c.contract_version.is_not(None))
        ).scalars()
        others = [version for version in stored if version not in versions]
        if not others:
            return []
        query = _judged_by_query().where(RESULT_TABLE.c.contract_version.in_(others))
        return [JudgedBy(*row) for row in connection.execute(query)]


def _judged_by_query() -> Any:
    """Closed tickets with the versions their stored results name."""
    ticket = TICKET_TABLE
    return (
        select(
            ticket.c.id, ticket.c.source, ticket.c.ticket_id, ticket.c.reported_at,
            RESULT_TABLE.c.contract_version,
        )
        .distinct()
        .join(ticket, ticket.c.id == RESULT_TABLE.c.ticket_pk)
        .where(ticket.c.closed_at.is_not(None), RESULT_TABLE.c.contract_version.is_not(None))
    )  # fmt: skip


def record_run(connection: Connection, **values: Any) -> None:
    connection.execute(insert(RUN_TABLE), [values])
