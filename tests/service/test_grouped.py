"""monitor.service.grouped: callers that come while a run is under way share the next run, and
each returns (or raises) what the run that took its keys did."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import pytest

from monitor.service.grouped import GroupedRuns
from tests.serving import wait_until


def test_callers_during_a_run_share_the_next_one_and_each_returns_after_its_own() -> None:
    first_may_end = threading.Event()
    runs: list[list[int]] = []

    def work(keys: Sequence[int]) -> int:
        runs.append(list(keys))
        if len(runs) == 1:
            first_may_end.wait(timeout=30)
        return len(runs)

    grouped = GroupedRuns(work, linger=0)
    answers: dict[int, int | None] = {}

    def call(keys: list[int]) -> None:
        answers[keys[0]] = grouped.run(keys)

    first = threading.Thread(target=call, args=([1],))
    first.start()
    assert wait_until(lambda: runs, timeout=10, step=0.01)
    later = [threading.Thread(target=call, args=(keys,)) for keys in ([2, 3], [3, 4], [5])]
    for thread in later:
        thread.start()
    assert wait_until(lambda: len(grouped._waiting) == 4, timeout=10, step=0.01)
    first_may_end.set()
    for thread in (first, *later):
        thread.join(timeout=30)

    assert runs[0] == [1]
    assert sorted(runs[1]) == [2, 3, 4, 5] and len(runs) == 2  # each key once, one run
    assert answers == {1: 1, 2: 2, 3: 2, 5: 2}


def test_a_failed_run_is_raised_to_its_callers_and_the_next_run_goes_on() -> None:
    calls: list[list[int]] = []

    def work(keys: Sequence[int]) -> str:
        calls.append(list(keys))
        if len(calls) == 1:
            raise RuntimeError("the database is down")
        return "stored"

    grouped = GroupedRuns(work, linger=0)
    with pytest.raises(RuntimeError, match="the database is down"):
        grouped.run([1])
    assert grouped.run([2]) == "stored"
    assert calls == [[1], [2]]
