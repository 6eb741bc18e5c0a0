"""One run for many callers at once: what callers ask for while a run is under way is run
together next, by one of them, and each caller returns once a run that included its keys ended.

Ingest evaluations take the evaluation lock one at a time; run one per API batch, fifty
concurrent batches queue for it fifty deep. Run grouped, a batch waits for at most the run
under way and its own, whose fixed costs (loading, storing, re-planning) are paid once for the
whole group.

A run that starts right after another lingers a moment first: the callers the last run let go
come back with their next keys within milliseconds, and the first of them would otherwise run
alone while the rest wait for a run after it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
LINGER = 0.03  # seconds a run started within BUSY of the last one's end waits for more keys
BUSY = 1.0


@dataclass
class _Outcome(Generic[T]):
    value: T | None = None
    error: BaseException | None = None


class GroupedRuns(Generic[T]):
    """`run(keys)` calls `work` with the keys of every caller waiting since the last run
    began, in the order they came, each key once; it returns (or raises) what that run did."""

    def __init__(self, work: Callable[[Sequence[int]], T], linger: float = LINGER) -> None:
        self._work = work
        self._linger = linger
        self._ended: float | None = None  # time.monotonic() of the last run's end
        self._changed = threading.Condition()
        self._waiting: dict[int, None] = {}  # the next run's keys, in order, each once
        self._next = 0  # the number of the run that takes `_waiting`
        self._running = False
        self._outcomes: dict[int, _Outcome[T]] = {}
        self._unread: dict[int, int] = {}  # run → callers yet to read its outcome

    def run(self, keys: Collection[int]) -> T | None:
        with self._changed:
            self._waiting.update(dict.fromkeys(keys))
            mine = self._next
            self._unread[mine] = self._unread.get(mine, 0) + 1
            while mine not in self._outcomes and self._running:
                self._changed.wait()
            if mine not in self._outcomes:
                self._lead(mine)
            return self._read(mine)

    def _lead(self, number: int) -> None:
        """Run `number` for everyone in it; the condition is held on entry and on return."""
        self._running = True  # callers coming meanwhile join `number`
        if self._ended is not None and time.monotonic() - self._ended < BUSY:
            self._changed.wait(self._linger)
        keys, self._waiting = list(self._waiting), {}
        self._next = number + 1
        self._changed.release()
        outcome: _Outcome[T] = _Outcome()
        try:
            outcome.value = self._work(keys)
        except BaseException as error:  # every caller in the run learns of it
            outcome.error = error
        finally:
            self._changed.acquire()
            self._outcomes[number] = outcome
            self._running = False
            self._ended = time.monotonic()
            self._changed.notify_all()

    def _read(self, number: int) -> T | None:
        outcome = self._outcomes[number]
        self._unread[number] -= 1
        if not self._unread[number]:
            del self._unread[number], self._outcomes[number]
        if outcome.error is not None:
            raise outcome.error
        return outcome.value
