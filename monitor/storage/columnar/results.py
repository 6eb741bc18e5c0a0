"""store_results for results in columns: compared as arrays, new rows written in bulk.

Same contract as monitor.storage.results.store_results (rows, result_change flips, StoreCounts
with the flips for the alert planner). The stored results are read as arrays
(monitor.storage.columnar.packed), compared with the new ones in NumPy, and only what differs is
written: new rows packed into one parameter per chunk on SQLite (their result_change rows
copied from them in SQL), by COPY on PostgreSQL; the rare updates and removals through
store_results' own statements. Re-running with nothing changed writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any, overload

import numpy as np
from sqlalchemy import Connection, insert, null, select

from monitor.domain.columns import NO_OVERDUE, STATUSES, ResultList, paused_gc
from monitor.domain.instants import MISSING, datetimes, to_us
from monitor.domain.tickets import Status
from monitor.storage.columnar.bulk_insert import bulk_insert, bulk_page_cache
from monitor.storage.columnar.packed import Column, Values, insert_rows, read_columns
from monitor.storage.results import (
    _COMPARED,
    CHANGE_TABLE,
    REMOVED,
    RESULT_TABLE,
    Flip,
    StoreCounts,
    _write,
)

Ints = np.ndarray[Any, np.dtype[np.int64]]
_TIMES = ("start", "deadline", "stop", "at_risk_from", "status_since", "first_violation_at")
_CODE = {status.value: code for code, status in enumerate(STATUSES)}
_VIOLATION = np.array([status.is_violation for status in STATUSES])


def store_result_columns(
    connection: Connection,
    results: ResultList,
    ticket_pks: Ints,
    now: datetime,
    scope: Collection[int] | None = None,
) -> StoreCounts:
    """store_results(connection, results, …) for a ResultList; `ticket_pks[row]` is the
    database key of the results' ticket row."""
    with paused_gc(), bulk_page_cache(connection):
        return _store(connection, results, ticket_pks, now, scope)


def _store(
    connection: Connection,
    results: ResultList,
    ticket_pks: Ints,
    now: datetime,
    scope: Collection[int] | None = None,
) -> StoreCounts:
    targets, target_of_place = _distinct(results.target_ids)
    versions = [None, *sorted({ref.version for ref in results.contracts if ref is not None})]
    version_of_place = np.array(
        [versions.index(None if ref is None else ref.version) for ref in results.contracts],
        dtype=np.int64,
    )
    # A result's place names its target and its contract (monitor.rules.judging); the rows
    # store them apart.
    found = replace(results.columns, target=target_of_place[results.columns.target])
    version = version_of_place[results.columns.target]
    width = len(targets) + 1
    stored = _stored(connection, scope, targets, versions)
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
        ("contract_version", version),
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
    target_words = list(stored["target_words"])  # the contract's targets first
    status_words = list(stored["status_words"])  # STATUSES' values first
    fresh = np.nonzero(inserted)[0]
    count = len(fresh)
    updates = _updates(
        found, np.nonzero(changed)[0], old, stored, flipped, violation, now, version, versions
    )
    removed = np.nonzero(gone)[0]
    _write(connection, [], updates, stored["id"][removed].tolist(), [])
    on_sqlite = connection.dialect.name == "sqlite"
    _insert(
        connection,
        RESULT_TABLE.name,
        [
            Values("ticket_pk", "int", new_pk[fresh]),
            Values("target_id", "code", found.target[fresh], words=target_words),
            Values("status", "code", found.status[fresh].astype(np.int64), words=status_words),
            Values("start", "time", found.start[fresh]),
            Values("deadline", "time", found.deadline[fresh]),
            Values("stop", "time", found.stop[fresh]),
            Values("overdue_seconds", "int", found.overdue[fresh], null=NO_OVERDUE),
            Values("at_risk_from", "time", found.at_risk_from[fresh]),
            Values("status_since", "time", np.full(count, now_us, dtype=np.int64)),
            Values("first_violation_at", "time", np.where(violation[fresh], now_us, MISSING)),
            Values("contract_version", "code", version[fresh], words=versions),
        ],
    )
    # result_change rows: every new result, every flip, then every result no longer applying.
    # On SQLite the new results' rows are copied from the rows just inserted: under the
    # transaction's write lock each INSERT numbered them on from the largest id, so they are
    # the `count` ids up to the last one inserted.
    noted = np.nonzero((flipped | inserted) if not on_sqlite else flipped)[0]
    if on_sqlite and count:
        last_id = connection.exec_driver_sql("SELECT last_insert_rowid()").scalar_one()
        connection.execute(
            insert(CHANGE_TABLE).from_select(
                ["ticket_pk", "target_id", "from_status", "to_status", "changed_at"],
                select(
                    RESULT_TABLE.c.ticket_pk,
                    RESULT_TABLE.c.target_id,
                    null(),
                    RESULT_TABLE.c.status,
                    RESULT_TABLE.c.status_since,
                ).where(RESULT_TABLE.c.id > last_id - count, RESULT_TABLE.c.id <= last_id),
            )
        )
    no_status, removal = len(status_words), len(status_words) + 1
    before = np.full(len(noted), no_status, dtype=np.int64)
    was_flipped = ~inserted[noted]
    before[was_flipped] = stored["status_code"][old[noted][was_flipped]]
    changes = [
        Values("ticket_pk", "int", np.concatenate([new_pk[noted], stored["ticket_pk"][removed]])),
        Values(
            "target_id",
            "code",
            np.concatenate([found.target[noted], stored["target_code"][removed]]),
            words=target_words,
        ),
        Values(
            "from_status",
            "code",
            np.concatenate([before, stored["status_code"][removed]]),
            words=[*status_words, None, REMOVED],
        ),
        Values(
            "to_status",
            "code",
            np.concatenate([found.status[noted], np.full(len(removed), removal)]),
            words=[*status_words, None, REMOVED],
        ),
        Values("changed_at", "time", np.full(len(noted) + len(removed), now_us, np.int64)),
    ]
    _insert(connection, CHANGE_TABLE.name, changes)
    flips = _flips(found, inserted, flipped, stop_arrived, new_pk, old, stored, targets)
    written = len(changes[0].values) + (count if on_sqlite else 0)
    return StoreCounts(count, len(updates), len(removed), written, flips)


def _insert(connection: Connection, table: str, columns: list[Values]) -> None:
    """New rows: on SQLite packed (monitor.storage.columnar.packed), on PostgreSQL by COPY."""
    if not len(columns[0].values):
        return
    if connection.dialect.name == "sqlite":
        insert_rows(connection, table, columns)
        return
    values: list[Any] = []
    for column in columns:
        if column.kind == "code":
            values.append(np.array(column.words, dtype=object)[column.values])
        elif column.kind == "int" and column.null is not None:
            present: Any = column.values.astype(object)
            present[column.values == column.null] = None
            values.append(present)
        else:
            values.append(column.values)
    times = {place for place, column in enumerate(columns) if column.kind == "time"}
    bulk_insert(connection, table, tuple(column.name for column in columns), values, times)


def _text(stored: dict[str, Any], name: str, rows: Ints) -> Any:
    """The stored text of `name` ("target" or "status") of these stored rows."""
    return stored[f"{name}_words"][stored[f"{name}_code"][rows]]


def _flips(
    found: Any,
    inserted: Any,
    flipped: Any,
    stop_arrived: Any,
    new_pk: Ints,
    old: Ints,
    stored: dict[str, Any],
    targets: list[str],
) -> FlipList:
    """What the alert planner is told, in result order (as store_results tells it)."""
    chosen = np.nonzero(inserted | flipped | stop_arrived)[0]
    new = inserted[chosen]
    was = np.full(len(chosen), -1, dtype=np.int64)
    was[~new] = stored["status_code"][old[chosen][~new]]
    return FlipList(
        new_pk[chosen],
        found.target[chosen],
        was,
        found.status[chosen],
        np.where(new, found.stop[chosen] != MISSING, stop_arrived[chosen]),
        targets,
        list(stored["status_words"]),
    )


class FlipList(Sequence[Flip]):
    """Flips kept as arrays; the Flip objects are made when first read (a first evaluation
    of a million tickets flips a million results, and nobody may ask)."""

    def __init__(
        self,
        pks: Ints,
        targets: Ints,
        was: Ints,  # -1: a new result (from_status None)
        status: Any,
        stop_arrived: Any,
        target_words: Sequence[str],
        status_words: Sequence[str],
    ) -> None:
        self._columns = (pks, targets, was, status, stop_arrived)
        self._words = (target_words, status_words)
        self._made: tuple[Flip, ...] | None = None

    def __len__(self) -> int:
        return len(self._columns[0])

    @overload
    def __getitem__(self, index: int) -> Flip: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Flip]: ...

    def __getitem__(self, index: int | slice) -> Flip | Sequence[Flip]:
        return self.made()[index]

    def __iter__(self) -> Iterator[Flip]:
        return iter(self.made())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return self.made() == tuple(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.made())

    def made(self) -> tuple[Flip, ...]:
        if self._made is None:
            target_words, status_words = self._words
            self._made = tuple(
                Flip(
                    pk,
                    target_words[target],
                    None if was < 0 else status_words[was],
                    status_words[status],
                    arrived,
                )
                for pk, target, was, status, arrived in zip(
                    *(values.tolist() for values in self._columns), strict=True
                )
            )
        return self._made


def _distinct(target_ids: Sequence[str]) -> tuple[list[str], Ints]:
    """The distinct target ids in first-seen order, and each place's among them."""
    index: dict[str, int] = {}
    places = [index.setdefault(target_id, len(index)) for target_id in target_ids]
    return list(index), np.array(places, dtype=np.int64)


def _stored(
    connection: Connection,
    scope: Collection[int] | None,
    targets: list[str],
    versions: list[str | None],
) -> Any:
    """The stored results as arrays (times in µs, MISSING for NULL; overdue NO_OVERDUE for
    NULL); target and status as codes: the contract target's / STATUSES' index, -1 for a value
    outside them (whose text `words` holds)."""
    statuses = [status.value for status in STATUSES]
    packed = read_columns(
        connection,
        RESULT_TABLE.name,
        [
            Column("ticket_pk", "int"),
            Column("target_id", "code", vocabulary=targets),
            Column("status", "code", vocabulary=statuses),
            Column("overdue_seconds", "int", null=NO_OVERDUE),
            Column("contract_version", "code", vocabulary=versions),
            *(Column(name, "time") for name in _TIMES),
        ],
        only=None if scope is None else ("ticket_pk", list(scope)),
    )
    stored: dict[str, Any] = dict(packed.arrays)
    stored["overdue"] = stored.pop("overdue_seconds")
    for name, words in (("target", targets), ("status", statuses)):
        codes = stored.pop("target_id" if name == "target" else name)
        # Codes past the known words are values the contract / Status no longer has.
        stored[f"{name}_code"] = codes
        stored[name] = np.where(codes < len(words), codes, -1)
        column = "target_id" if name == "target" else name
        stored[f"{name}_words"] = np.array(packed.vocabulary[column], dtype=object)
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
    version: Ints,
    versions: list[str | None],
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
                "contract_version": versions[int(version[index])],
            }
        )
    return updates
