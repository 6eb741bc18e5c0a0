"""bench/bench_evaluation.py still runs end to end: a few hundred tickets, no timings checked.

Loaded from its file like bench_core (the benchmarks are not part of the package). Only that
every measurement is reported against the floor, the floor decides the same statuses as the
column rules, and the second store writes nothing.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
TICKETS = 300


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    sys.path.insert(0, str(BENCH))
    spec = importlib.util.spec_from_file_location("bench_evaluation", BENCH / "bench_evaluation.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_evaluation"] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("bench_evaluation", None)
        sys.modules.pop("bench_core", None)
        sys.path.remove(str(BENCH))


@pytest.fixture(scope="module")
def written(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench")
    path = out / "evaluation.json"
    args = ["--tickets", str(TICKETS), "--repeat", "1", "--object-path", "--json", str(path)]
    bench.main([*args, "--workdir", str(out / "work")])
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_every_measurement_is_set_against_the_numpy_floor(
    bench: ModuleType, written: dict[str, Any]
) -> None:
    rows = {row["name"]: row for row in written["measurements"]}
    assert set(rows) == set(bench.ROWS)
    for name, row in rows.items():
        assert row["median_s"] >= 0, name
        if name == bench.FLOOR:
            assert row["ratio"] is None
        else:
            assert row["baseline"] == bench.FLOOR and row["ratio"] is not None, name


def test_the_floor_decides_the_statuses_the_column_rules_decided(written: dict[str, Any]) -> None:
    found = written["evaluation"]
    assert found["tickets"] == TICKETS and found["results"] > 0
    assert found["numpy_floor_agreement"] == 1.0


def test_the_first_store_inserts_every_result_and_the_second_writes_nothing(
    written: dict[str, Any],
) -> None:
    found = written["evaluation"]
    assert found["store_first"] == [found["results"], 0, 0, found["results"]]
    assert found["store_second"] == [0, 0, 0, 0]
