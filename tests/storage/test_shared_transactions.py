"""Writes queued while another is written share the next transaction, in the order they came;
a failing write fails alone, the others are stored."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from monitor.storage.shared_transactions import SharedTransactions

WRITERS = 6


@pytest.fixture
def table(engine: Engine) -> Engine:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE written (position INTEGER, name VARCHAR(20))"))
    return engine


class Counted:
    """The `begin` of the shared transactions: counts the transactions begun."""

    def __init__(self) -> None:
        self.transactions = 0

    def __call__(self, connection: Connection) -> None:
        self.transactions += 1


def _append(name: str) -> Callable[[Connection], int]:
    """A write that appends `name` after the rows it sees and returns its position."""

    def write(connection: Connection) -> int:
        seen = connection.execute(text("SELECT count(*) FROM written")).scalar_one()
        connection.execute(
            text("INSERT INTO written (position, name) VALUES (:p, :n)"), {"p": seen, "n": name}
        )
        return int(seen)

    return write


def _queued(writes: SharedTransactions[Any, Any]) -> int:
    return len(writes._queue)


def _run_while_first_is_held(
    writes: SharedTransactions[Any, Any], first: Callable[[Connection], Any], rest: list[Any]
) -> tuple[Any, list[Any]]:
    """Run `first`, held until every write of `rest` waits behind it, then all of them."""
    release = threading.Event()
    outcomes: dict[int, Any] = {}

    def held(connection: Connection) -> Any:
        release.wait(30)
        return first(connection)

    def call(index: int, work: Callable[[Connection], Any]) -> None:
        try:
            outcomes[index] = writes.run(work)
        except Exception as error:
            outcomes[index] = error

    threads = [threading.Thread(target=call, args=(0, held))]
    threads[0].start()
    deadline = time.monotonic() + 30
    while not writes._writing and time.monotonic() < deadline:
        time.sleep(0.005)
    for index, work in enumerate(rest, start=1):
        threads.append(threading.Thread(target=call, args=(index, work)))
        threads[-1].start()
        while _queued(writes) < index and time.monotonic() < deadline:
            time.sleep(0.005)
    release.set()
    for thread in threads:
        thread.join(30)
    return outcomes[0], [outcomes[i] for i in range(1, len(rest) + 1)]


Work = Callable[[Connection], Any]


def _writes(engine: Engine, begin: Counted) -> SharedTransactions[Work, Any]:
    """Shared transactions whose writer is called once per transaction (counted by `begin`)
    and runs each queued work in turn."""

    def in_turn(connection: Connection, works: Sequence[Work]) -> list[Any]:
        begin(connection)
        return [work(connection) for work in works]

    return SharedTransactions(engine, in_turn, what="test writes", attempts=3, first_delay=0.01)


def test_writes_queued_behind_one_share_one_transaction_in_the_order_they_came(
    table: Engine,
) -> None:
    counted = Counted()
    writes = _writes(table, counted)
    first, rest = _run_while_first_is_held(
        writes, _append("first"), [_append(f"w{i}") for i in range(WRITERS)]
    )
    assert first == 0
    assert rest == list(range(1, WRITERS + 1))  # each saw the ones before it
    assert counted.transactions == 2  # the held one, then all that queued behind it
    with table.connect() as connection:
        rows = connection.execute(text("SELECT position, name FROM written ORDER BY position"))
        assert [tuple(row) for row in rows] == [
            (0, "first"),
            *((i + 1, f"w{i}") for i in range(WRITERS)),
        ]


def test_a_failing_write_fails_alone_and_the_others_are_stored(table: Engine) -> None:
    class Refused(Exception):
        pass

    def refusing(connection: Connection) -> int:
        _append("refused")(connection)  # written, then rolled back with its failure
        raise Refused("this write fails")

    counted = Counted()
    writes = _writes(table, counted)
    works = [_append("a"), refusing, _append("b")]
    first, rest = _run_while_first_is_held(writes, _append("first"), works)
    assert first == 0
    assert isinstance(rest[1], Refused)
    assert rest[0] == 1 and rest[2] == 2  # as if the refused write had never been
    with table.connect() as connection:
        names = connection.execute(text("SELECT name FROM written ORDER BY position"))
        assert [name for (name,) in names] == ["first", "a", "b"]


def test_a_single_write_returns_its_value_and_raises_its_error(table: Engine) -> None:
    writes = _writes(table, Counted())
    assert writes.run(_append("alone")) == 0

    def broken(connection: Connection) -> None:
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        writes.run(broken)
    with table.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM written")).scalar_one() == 1


def test_many_concurrent_writers_each_get_their_own_position(table: Engine) -> None:
    writes = _writes(table, Counted())
    positions: list[int] = []
    lock = threading.Lock()

    def writer(number: int) -> None:
        for round_ in range(5):
            position = writes.run(_append(f"{number}-{round_}"))
            with lock:
                positions.append(position)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(positions) == list(range(40))
