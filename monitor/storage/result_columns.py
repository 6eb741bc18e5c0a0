"""store_results for results in columns: compared as arrays, new rows written in bulk.

Same contract as monitor.storage.results.store_results (rows, result_change flips, StoreCounts
with the flips for the alert planner), at the cost of reading the stored results and comparing
arrays when nothing changed. New rows go in through the driver's cheapest bulk path (SQLite
executemany of ready text, PostgreSQL COPY); the rare updates and removals through
store_results' own statements.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import BigInteger, Connection, String, cast, func, select, type_coerce

from monitor.batch_evaluation import ResultList, datetimes, paused_gc
from monitor.batch_rules import MISSING, NO_OVERDUE, STATUSES, to_us
from monitor.domain import Status
from monitor.storage.bulk import bulk_insert
from monitor.storage.results import (
    _BATCH,
    _COMPARED,
    CHANGE_TABLE,
    REMOVED,
    RESULT_TABLE,
    Flip,
    StoreCounts,
    _write,
)
from monitor.storage.ticket_columns import parse_timestamps

Ints = np.ndarray[Any, np.dtype[np.int64]]
_TIMES = ("start", "deadline", "stop", "at_risk_from", "status_since", "first_violation_at")
_CODE = {status.value: code for code, status in enumerate(STATUSES)}
_VIOLATION = np.array([status.is_violation for status in STATUSES])
_RESULT_COLUMNS = (
    "ticket_pk",
    "target_id",
    "status",
    "start",
    "deadline",
    "stop",
    "overdue_seconds",
    "at_risk_from",
    "status_since",
    "first_violation_at",
)
_CHANGE_COLUMNS = ("ticket_pk", "target_id", "from_status", "to_status", "changed_at")


def store_result_columns(
    connection: Connection,
    results: ResultList,
    ticket_pks: Ints,
    now: datetime,
    scope: Collection[int] | None = None,
) -> StoreCounts:
    """store_results(connection, results, …) for a ResultList; `ticket_pks[row]` is the
    database key of the results' ticket row."""
    with paused_gc():
        return _store(connection, results, ticket_pks, now, scope)


def _store(
    connection: Connection,
    results: ResultList,
    ticket_pks: Ints,
    now: datetime,
    scope: Collection[int] | None = None,
) -> StoreCounts:
    found = results.columns
    targets = list(results.target_ids)
    width = len(targets) + 1
    stored = _stored(connection, scope, {target: i for i, target in enumerate(targets)})
    new_pk = ticket_pks[found.row]
    new_key = new_pk * width + found.target
    old_key = np.where(stored["target"] >= 0, stored["ticket_pk"] * width + stored["target"], -1)
    order = np.argsort(old_key, kind="stable")
    position = np.searchsorted(old_key[order], new_key)
    position = np.minimum(position, max(len(order) - 1, 0))
    matched = np.zeros(len(new_key), dtype=bool)
    if len(order):
        matched = old_key[order][position] == new_key
    old = np.where(matched, order[position] if len(order) else 0, -1)
    same = matched.copy()
    pairs = (
        ("status", found.status),
        ("start", found.start),
        ("deadline", found.deadline),
        ("stop", found.stop),
        ("overdue", found.overdue),
        ("at_risk_from", found.at_risk_from),
    )
    for name, values in pairs:
        same[matched] &= stored[name][old[matched]] == values[matched]
    changed = matched & ~same
    flipped = np.zeros(len(new_key), dtype=bool)
    stop_arrived = np.zeros(len(new_key), dtype=bool)
    was = old[changed]
    flipped[changed] = stored["status"][was] != found.status[changed]
    stop_arrived[changed] = (stored["stop"][was] == MISSING) & (found.stop[changed] != MISSING)
    inserted = ~matched
    gone = ~np.isin(old_key, new_key[matched]) if len(old_key) else np.zeros(0, dtype=bool)

    now_us = to_us(now)
    violation = _VIOLATION[found.status]
    status_text = np.array([status.value for status in STATUSES], dtype=object)
    target_text = np.array(targets, dtype=object)
    fresh = np.nonzero(inserted)[0]
    count = len(fresh)
    inserts: list[Any] = [
        new_pk[fresh],
        target_text[found.target[fresh]],
        status_text[found.status[fresh]],
        found.start[fresh],
        found.deadline[fresh],
        found.stop[fresh],
        _overdue(found.overdue[fresh]),
        found.at_risk_from[fresh],
        np.full(count, now_us, dtype=np.int64),
        np.where(violation[fresh], now_us, MISSING).astype(np.int64),
    ]
    updates = _updates(found, np.nonzero(changed)[0], old, stored, flipped, violation, now)
    # result_change rows: every new result, every flip, then every result no longer applying.
    noted = np.nonzero(inserted | flipped)[0]
    before = np.full(len(noted), None, dtype=object)
    was_flipped = ~inserted[noted]
    stored_status = np.array(stored["status_text"], dtype=object)
    before[was_flipped] = stored_status[old[noted][was_flipped]]
    removed = np.nonzero(gone)[0]
    changes: list[Any] = [
        np.concatenate([new_pk[noted], stored["ticket_pk"][removed]]),
        np.concatenate(
            [
                target_text[found.target[noted]],
                np.array(stored["target_text"], dtype=object)[removed],
            ]
        ),
        np.concatenate([before, stored_status[removed]]),
        np.concatenate(
            [status_text[found.status[noted]], np.full(len(removed), REMOVED, dtype=object)]
        ),
        np.full(len(noted) + len(removed), now_us, dtype=np.int64),
    ]
    flips = _flips(found, inserted, flipped, stop_arrived, new_pk, old, stored, targets)
    removed_ids = stored["id"][removed].tolist()
    _write(connection, [], updates, removed_ids, [])
    bulk_insert(connection, RESULT_TABLE.name, _RESULT_COLUMNS, inserts, {3, 4, 5, 7, 8, 9})
    bulk_insert(connection, CHANGE_TABLE.name, _CHANGE_COLUMNS, changes, {4})
    return StoreCounts(count, len(updates), len(removed), len(changes[0]), flips)


def _overdue(values: Ints) -> Any:
    late: Any = values.astype(object)
    late[values == NO_OVERDUE] = None
    return late


def _flips(
    found: Any,
    inserted: Any,
    flipped: Any,
    stop_arrived: Any,
    new_pk: Ints,
    old: Ints,
    stored: dict[str, Any],
    targets: list[str],
) -> tuple[Flip, ...]:
    """What the alert planner is told, in result order (as store_results tells it)."""
    status_text = [status.value for status in STATUSES]
    chosen = np.nonzero(inserted | flipped | stop_arrived)[0]
    was = stored["status_text"]
    return tuple(
        Flip(
            pk,
            targets[target],
            None if new else was[previous],
            status_text[status],
            has_stop if new else arrived,
        )
        for pk, target, status, new, previous, has_stop, arrived in zip(
            new_pk[chosen].tolist(),
            found.target[chosen].tolist(),
            found.status[chosen].tolist(),
            inserted[chosen].tolist(),
            old[chosen].tolist(),
            (found.stop[chosen] != MISSING).tolist(),
            stop_arrived[chosen].tolist(),
            strict=True,
        )
    )


def _stored(
    connection: Connection, scope: Collection[int] | None, targets: dict[str, int]
) -> dict[str, Any]:
    """The stored results as arrays (times in µs, MISSING for NULL; overdue NO_OVERDUE)."""
    table = RESULT_TABLE
    on_sqlite = connection.dialect.name == "sqlite"

    def timestamp(name: str) -> Any:
        if on_sqlite:
            return type_coerce(table.c[name], String).label(name)
        return cast(func.extract("epoch", table.c[name]) * 1_000_000, BigInteger).label(name)

    query = select(
        table.c.id,
        table.c.ticket_pk,
        table.c.target_id,
        table.c.status,
        table.c.overdue_seconds,
        *(timestamp(name) for name in _TIMES),
    )
    rows = _fetched(connection, query, scope)
    columns: list[list[Any]] = [list(values) for values in zip(*rows, strict=True)] or [
        [] for _ in range(5 + len(_TIMES))
    ]
    del rows
    return _as_arrays(columns, on_sqlite, targets)


def _fetched(connection: Connection, query: Any, scope: Collection[int] | None) -> Sequence[Any]:
    table = RESULT_TABLE
    rows: Sequence[Any] = []
    if scope is None:
        rows = connection.execute(query).all()
    else:
        keys, collected = list(scope), list[Any]()
        for offset in range(0, len(keys), _BATCH):
            chunk = keys[offset : offset + _BATCH]
            collected.extend(connection.execute(query.where(table.c.ticket_pk.in_(chunk))).all())
        rows = collected
    return rows


def _as_arrays(
    columns: list[list[Any]], on_sqlite: bool, targets: dict[str, int]
) -> dict[str, Any]:
    ids, pks, target_text, status_text, overdue = columns[:5]
    parse = parse_timestamps(on_sqlite)
    stored: dict[str, Any] = {
        name: parse(values) for name, values in zip(_TIMES, columns[5:], strict=True)
    }
    stored["id"] = np.array(ids, dtype=np.int64)
    stored["ticket_pk"] = np.array(pks, dtype=np.int64)
    stored["target"] = np.array([targets.get(t, -1) for t in target_text], dtype=np.int64)
    stored["target_text"] = target_text
    stored["status"] = np.array([_CODE.get(s, -1) for s in status_text], dtype=np.int64)
    stored["status_text"] = status_text
    stored["overdue"] = np.array(
        [NO_OVERDUE if value is None else value for value in overdue], dtype=np.int64
    )
    assert set(_COMPARED) <= {"status", "overdue_seconds", *stored}
    return stored


def _updates(
    found: Any,
    chosen: Ints,
    old: Ints,
    stored: dict[str, Any],
    flipped: Any,
    violation: Any,
    now: datetime,
) -> list[dict[str, Any]]:
    """store_results' update rows (values as datetimes) for the changed results."""
    if not len(chosen):
        return []
    rows = old[chosen]
    starts, deadlines, stops, risks, sinces, firsts = (
        datetimes(values)
        for values in (
            found.start[chosen],
            found.deadline[chosen],
            found.stop[chosen],
            found.at_risk_from[chosen],
            stored["status_since"][rows],
            stored["first_violation_at"][rows],
        )
    )
    updates = []
    for i, index in enumerate(chosen.tolist()):
        late = int(found.overdue[index])
        updates.append(
            {
                "status": Status(STATUSES[int(found.status[index])]).value,
                "start": starts[i],
                "deadline": deadlines[i],
                "stop": stops[i],
                "overdue_seconds": None if late == NO_OVERDUE else late,
                "at_risk_from": risks[i],
                "_id": int(stored["id"][rows[i]]),
                "status_since": now if flipped[index] else sinces[i],
                "first_violation_at": firsts[i] or (now if violation[index] else None),
            }
        )
    return updates
