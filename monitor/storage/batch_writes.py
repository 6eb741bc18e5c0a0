"""API batches that wait for the batch lock together, written as one.

Each batch stored alone costs its own statements in turn: the scope lookup, the import run,
the upsert, the counts, its tickets' ids. Fifty clients posting at once queue behind that lock,
and the round trips, each followed by a wait for the interpreter lock behind the request
threads, set how many batches a second are stored: 18 ms a batch, of which 4.5 ms are the
writer's own CPU. Written as one, the batches queued meanwhile cost one scope lookup, one upsert
per set of fields their items carry and one insert of their import runs.

Each batch still comes out as if stored alone in the order they came: its scope is checked
against the pools stored or kept by the batches before it, its counts are its own rows', and
it has its own import run, rejected rows and token. A key that a batch shares with an earlier
batch of the group starts another upsert, so that the statement saying what it inserted or
changed says it of one batch's row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from monitor.storage.import_runs import FinishedRun, keep_rejected_rows, record_import_runs
from monitor.storage.ingest import ParsedBatch, one_batch_at_a_time
from monitor.storage.scoped_writes import keep_within_scope, stored_tickets
from monitor.storage.ticket_keys import tickets_by_key
from monitor.storage.tickets import UpsertCounts, upsert_written
from monitor.storage.tokens import Token

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class BatchWrite:
    """One API batch to store: what the parser made of its items, the items as posted (a
    rejected one is kept as it came), its source, the token that sent it and when it came."""

    read: ParsedBatch
    items: Sequence[Any]
    source: str
    token: Token
    at: datetime

    @property
    def origin(self) -> str:
        return f"api (token {self.token.name})"


@dataclass(frozen=True, slots=True)
class StoredBatch:
    """A batch as stored: its rows the token may write (the others among its problems), its
    counts and the ids of the tickets it names."""

    kept: ParsedBatch
    counts: UpsertCounts
    ticket_pks: list[int]


def store_batches(connection: Connection, writes: Sequence[BatchWrite]) -> list[StoredBatch]:
    """Store `writes` in the transaction of `connection`, in the order given; a StoredBatch
    each."""
    one_batch_at_a_time(connection)
    stored = stored_tickets(connection, (key for write in writes for key in _keys(write.read)))
    pools: dict[str, dict[str, Any]] = {}
    for (source, ticket_id), ticket in stored.items():
        pools.setdefault(source, {})[ticket_id] = ticket.pool
    ids = {key: ticket.id for key, ticket in stored.items()}
    kept = [
        keep_within_scope(
            pools.setdefault(write.source, {}), write.read, write.items, write.source, write.token
        )
        for write in writes
    ]
    counts = [UpsertCounts(0, 0, 0)] * len(writes)
    for run in _runs(kept):
        now = max(writes[place].at for place in run)  # the tickets' created_at and updated_at
        for place, delta in _upsert_run(connection, kept, run, ids, now).items():
            counts[place] += delta
    runs = [
        FinishedRun(
            write.source,
            write.origin,
            write.at,
            write.token.id,
            read=len(write.read.rows) + len(write.read.rejected),
            stored=count.inserted + count.updated,
            unchanged=count.unchanged,
            rejected=len(batch.rejected),
        )
        for write, batch, count in zip(writes, kept, counts, strict=True)
    ]
    for run_id, batch in zip(record_import_runs(connection, runs), kept, strict=True):
        keep_rejected_rows(connection, run_id, batch.rejected)
    _look_up_missing(connection, ids, [key for batch in kept for key in _keys(batch)])
    return [
        StoredBatch(batch, count, [ids[key] for key in dict.fromkeys(_keys(batch))])
        for batch, count in zip(kept, counts, strict=True)
    ]


def _keys(batch: ParsedBatch) -> Iterator[Key]:
    return ((row["source"], row["ticket_id"]) for row, _ in batch.rows)


def _look_up_missing(connection: Connection, ids: dict[Key, int], keys: Sequence[Key]) -> None:
    """The ids of the kept tickets neither looked up nor written here: one another writer (a
    file import) stored between the lookup and the upsert, equal to the batch's row."""
    missing: dict[str, list[str]] = {}
    for source, ticket_id in keys:
        if (source, ticket_id) not in ids:
            missing.setdefault(source, []).append(ticket_id)
    for source, ticket_ids in missing.items():
        for id_, ticket_id in tickets_by_key(connection, ["id", "ticket_id"], source, ticket_ids):
            ids[(source, ticket_id)] = id_


def _runs(kept: Sequence[ParsedBatch]) -> Iterator[list[int]]:
    """The batches' places, in runs of batches that share no key."""
    run: list[int] = []
    keys: set[Key] = set()
    for place, batch in enumerate(kept):
        mine = set(_keys(batch))
        if not keys.isdisjoint(mine):
            yield run
            run, keys = [], set()
        run.append(place)
        keys |= mine
    if run:
        yield run


def _upsert_run(
    connection: Connection,
    kept: Sequence[ParsedBatch],
    run: list[int],
    ids: dict[Key, int],
    now: datetime,
) -> dict[int, UpsertCounts]:
    """The rows of the batches in `run` upserted, one statement per set of fields carried (in
    one order, as each batch alone upserts them); each batch's counts. New tickets are entered
    in `ids`."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    owner: dict[Key, int] = {}
    for place in run:
        for row, carried in kept[place].rows:
            groups.setdefault(carried, []).append(row)
            owner[(row["source"], row["ticket_id"])] = place
    counts: dict[int, UpsertCounts] = {}
    for carried in sorted(groups):
        rows = groups[carried]
        given = Counter(owner[key] for key in {(row["source"], row["ticket_id"]) for row in rows})
        changed: Counter[int] = Counter()
        inserted: Counter[int] = Counter()
        for ticket in upsert_written(connection, rows, ["source", *carried], now):
            key = (ticket.source, ticket.ticket_id)
            ids[key] = ticket.id
            changed[owner[key]] += 1
            inserted[owner[key]] += ticket.inserted
        for place, number in given.items():
            delta = UpsertCounts(
                inserted[place], changed[place] - inserted[place], number - changed[place]
            )
            counts[place] = counts.get(place, UpsertCounts(0, 0, 0)) + delta
    return counts
