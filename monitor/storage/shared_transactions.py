"""Writes that arrive while others are being written share the next transaction.

API batches are stored one at a time (`monitor.storage.ingest.one_batch_at_a_time`). Each in a
transaction of its own, fifty concurrent batches queue for that lock fifty deep, and each holds
it for its statements, its commit and the commit's flush to disk; the lock, not the machine,
then sets how many batches a second are stored. Here the writes queued while a transaction is
under way go into the next one together: one lock, one commit, one flush, and one call of the
writer with all of them in the order they came, which stores each as if alone in that order
(monitor.storage.batch_writes).

A write that fails in a shared transaction rolls the others back with it; they are then written
each alone, so that only the failing write's caller sees its failure. A transaction that lost to
another writer (a deadlock, say) is run again whole (`monitor.storage.retry`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Connection, Engine

from monitor.storage.retry import retried

W = TypeVar("W")
V = TypeVar("V")


@dataclass
class _Write:
    request: Any
    done: bool = False
    value: Any = None
    error: BaseException | None = None


class SharedTransactions(Generic[W, V]):
    """`run(request)` stores `request` by `write(connection, requests)` in one transaction
    with the requests queued beside it, and returns (or raises) what `write` gave for it:
    `write` returns one value per request, in their order."""

    def __init__(
        self,
        engine: Engine,
        write: Callable[[Connection, Sequence[W]], Sequence[V]],
        *,
        what: str,
        attempts: int,
        first_delay: float,
    ) -> None:
        self._engine = engine
        self._write_all = write
        self._what = what
        self._attempts = attempts
        self._first_delay = first_delay
        self._changed = threading.Condition()
        self._queue: list[_Write] = []
        self._writing = False

    def run(self, request: W) -> V:
        write = _Write(request)
        with self._changed:
            self._queue.append(write)
            while not write.done:
                if self._writing:
                    self._changed.wait()
                    continue
                self._writing = True  # writes coming meanwhile wait for the next transaction
                group, self._queue = self._queue, []
                self._changed.release()
                try:
                    self._write(group)
                finally:
                    self._changed.acquire()
                    self._writing = False
                    self._changed.notify_all()
        if write.error is not None:
            raise write.error
        value: V = write.value
        return value

    def _write(self, group: list[_Write]) -> None:
        try:
            self._write_group(group)
        finally:
            for write in group:  # an interrupt between writes leaves none waiting forever
                if not write.done:
                    _settle(write, error=RuntimeError(f"{self._what} was interrupted"))

    def _write_group(self, group: list[_Write]) -> None:
        try:
            values = self._retried(group)
        except Exception as error:
            if len(group) == 1:
                _settle(group[0], error=error)
                return
            for write in group:  # find whose it was: each alone, in the order they came
                try:
                    [value] = self._retried([write])
                except Exception as own:
                    _settle(write, error=own)
                else:
                    _settle(write, value=value)
            return
        for write, value in zip(group, values, strict=True):
            _settle(write, value=value)

    def _retried(self, group: Sequence[_Write]) -> list[Any]:
        def together() -> list[Any]:
            with self._engine.begin() as connection:
                values = list(self._write_all(connection, [write.request for write in group]))
                assert len(values) == len(group), (len(values), len(group))
            return values

        return retried(
            together, what=self._what, attempts=self._attempts, first_delay=self._first_delay
        )


def _settle(write: _Write, *, value: Any = None, error: BaseException | None = None) -> None:
    write.value, write.error, write.done = value, error, True
