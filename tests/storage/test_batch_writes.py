"""API batches written as one come out as if each had been stored alone in the order they came:
the same tickets, counts, refusals, import runs, rejected rows and ticket ids; and the
statements of a group do not grow with the number of batches in it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, event, select, text

from collectors.tickets.file_import import parse_records
from monitor.contract.model import Contract
from monitor.storage.batch_writes import BatchWrite, StoredBatch, store_batches
from monitor.storage.ingest import IMPORT_RUN, REJECTED
from monitor.storage.tickets import TICKET_TABLE
from monitor.storage.tokens import Token, create_token, find_token

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _token(engine: Engine, name: str, source: str, pools: Sequence[str] | None) -> Token:
    found = find_token(engine, create_token(engine, name, AT, source=source, pools=pools))
    assert found is not None
    return found


def _ticket(ticket_id: str, pool: str, **fields: Any) -> dict[str, Any]:
    return {
        "ticket_id": ticket_id,
        "kind": "fault",
        "severity": "major",
        "pool": pool,
        "reported_at": "2026-12-03T08:00:00+08:00",
        **fields,
    }


def _partial(ticket_id: str, **fields: Any) -> dict[str, Any]:
    """An item that leaves severity and pool (unless given) as stored."""
    return {"ticket_id": ticket_id, "kind": "fault", "reported_at": "2026-12-03T08:00:00+08:00",
            **fields}  # fmt: skip


def _scenario(engine: Engine, contract: Contract) -> list[BatchWrite]:
    """Batches that depend on the ones before them: keys written twice, a ticket moved out of
    a token's pools and then refused to it, items of two sets of fields in one batch, a key
    twice in one batch, an unchanged item, another source's token, a bad item."""
    desk = _token(engine, "desk", "desk", None)
    pool1 = _token(engine, "pool1-ops", "desk", ["一云"])
    other = _token(engine, "other", "other", None)
    items: list[tuple[Token, str, list[Any]]] = [
        (desk, "desk", [_ticket("T1", "一云"), _ticket("T2", "二云"), _ticket("T3", "一云")]),
        (
            pool1,
            "desk",
            [
                _partial("T1", title="网络中断"),
                _partial("T2", title="不属于一云"),
                _ticket("T4", "二云"),
            ],
        ),
        (
            desk,
            "desk",
            [
                _partial("T3", pool="二云"),
                _ticket("T5", "一云", title="第一次"),
                _ticket("T5", "一云", title="第二次"),
            ],
        ),
        (
            pool1,
            "desk",
            [
                _partial("T3", title="已移出一云"),
                _ticket("T5", "一云", title="第二次"),
                _ticket("T6", "一云"),
            ],
        ),
        (other, "desk", [_partial("T1", title="别的来源")]),
        (other, "other", [_ticket("T1", "三云")]),
        (desk, "desk", [_ticket("T7", "一云", reported_at="not a time"), _ticket("T8", "二云")]),
        (desk, "desk", [_ticket("T8", "二云"), _partial("T1", title="网络中断")]),
    ]
    return [
        BatchWrite(parse_records(batch, contract, source), batch, source, token, AT)
        for token, source, batch in items
    ]


def _stored(engine: Engine, outcomes: Sequence[StoredBatch]) -> dict[str, Any]:
    """What the writes left, without the ids a database draws: tickets, import runs (in
    order), rejected rows, and each batch's counts, refusals and tickets."""
    fields = [c for c in TICKET_TABLE.c if c.name != "id"]
    with engine.connect() as connection:
        tickets = {
            (row.source, row.ticket_id): tuple(row)
            for row in connection.execute(select(*fields).order_by(TICKET_TABLE.c.id))
        }
        keys = {
            row.id: (row.source, row.ticket_id)
            for row in connection.execute(
                select(TICKET_TABLE.c.id, TICKET_TABLE.c.source, TICKET_TABLE.c.ticket_id)
            )
        }
        runs = connection.execute(select(IMPORT_RUN).order_by(IMPORT_RUN.c.id)).all()
        place = {run.id: number for number, run in enumerate(runs)}
        rejected = sorted(
            (
                place[row.import_run_id],
                row.line,
                row.ticket_id,
                row.column_name,
                row.reason,
                row.raw,
            )
            for row in connection.execute(select(REJECTED))
        )
    return {
        "tickets": tickets,
        "runs": [tuple(run)[1:] for run in runs],
        "rejected": rejected,
        "batches": [
            (
                outcome.counts,
                [(p.index, p.ticket_id, p.column, p.reason) for p in outcome.kept.problems],
                sorted(keys[pk] for pk in outcome.ticket_pks),
            )
            for outcome in outcomes
        ],
    }


def _clear(engine: Engine) -> None:
    with engine.begin() as connection:
        for table in ("rejected_row", "import_run", "ticket"):
            connection.execute(text(f"DELETE FROM {table}"))


def test_batches_written_together_are_stored_as_each_alone_in_their_order(
    engine: Engine, contract: Contract
) -> None:
    writes = _scenario(engine, contract)
    alone = []
    for write in writes:
        with engine.begin() as connection:
            alone.extend(store_batches(connection, [write]))
    expected = _stored(engine, alone)
    _clear(engine)
    with engine.begin() as connection:
        together = store_batches(connection, writes)
    assert _stored(engine, together) == expected
    # The scenario does what it says: the pool-1 token was refused T2, T4, then T3 once moved.
    refused = [[problem[1] for problem in batch[1]] for batch in expected["batches"]]
    assert refused == [[], ["T2", "T4"], [], ["T3"], ["T1"], [], ["T7"], []]
    counts = [(c.inserted, c.updated, c.unchanged) for c, _, _ in expected["batches"]]
    assert counts == [(3, 0, 0), (0, 1, 0), (1, 1, 0), (1, 0, 1), (0, 0, 0), (1, 0, 0),
                      (1, 0, 0), (0, 0, 2)]  # fmt: skip
    with engine.connect() as connection:
        titles = connection.execute(
            select(TICKET_TABLE.c.ticket_id, TICKET_TABLE.c.title).where(
                TICKET_TABLE.c.source == "desk"
            )
        )
        assert dict(titles.all())["T5"] == "第二次"  # the later of one key's two items


def _statements(engine: Engine, write: Callable[[], None]) -> int:
    """How many statements SQLite ran for `write` (its trace, on every connection)."""
    seen: list[str] = []

    def trace(connection: Any, _record: Any) -> None:
        connection.set_trace_callback(seen.append)

    engine.dispose()
    event.listen(engine, "connect", trace)
    try:
        write()
    finally:
        event.remove(engine, "connect", trace)
        engine.dispose()
    return len(seen)


def test_the_statements_of_a_group_do_not_grow_with_its_batches(
    sqlite_engine: Engine, contract: Contract
) -> None:
    token = _token(sqlite_engine, "desk", "desk", None)

    def group(first: int, batches: int) -> list[BatchWrite]:
        writes = []
        for number in range(first, first + batches):
            items = [_ticket(f"N{number}-{i}", "一云") for i in range(20)]
            writes.append(
                BatchWrite(parse_records(items, contract, "desk"), items, "desk", token, AT)
            )
        return writes

    def together(writes: list[BatchWrite]) -> Callable[[], None]:
        def write() -> None:
            with sqlite_engine.begin() as connection:
                store_batches(connection, writes)

        return write

    few = _statements(sqlite_engine, together(group(0, 2)))
    many = _statements(sqlite_engine, together(group(100, 40)))
    assert many == few, (few, many)
    with sqlite_engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM ticket")).scalar_one() == 42 * 20
        assert connection.execute(text("SELECT count(*) FROM import_run")).scalar_one() == 42
