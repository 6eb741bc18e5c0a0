"""bench/bench_core.py still runs end to end: a few hundred tickets, one round, no timings checked.

The benchmark is not part of the package, so it is loaded from its file. Nothing here looks at
how long anything took; only that every measurement is reported and the runs did their work.
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

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_core.py"
TICKETS = 300
MEASUREMENTS = {
    "baseline.sqlite_executemany",
    "import.first",
    "import.first.parse",
    "import.first.upsert",
    "import.again",
    "baseline.numpy_status",
    "evaluation.first",
    "evaluation.first.load",
    "evaluation.first.evaluate",
    "evaluation.first.store",
    "evaluation.second",
    "evaluation.second.load",
    "evaluation.second.evaluate",
    "evaluation.second.store",
}


@pytest.fixture(scope="module")
def bench() -> Iterator[ModuleType]:
    spec = importlib.util.spec_from_file_location("bench_core", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_core"] = module  # dataclasses look their module up while decorating
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.modules.pop("bench_core", None)


@pytest.fixture(scope="module")
def written(bench: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench")
    path = out / "core.json"
    args = ["--tickets", str(TICKETS), "--repeat", "1", "--json", str(path)]
    bench.main([*args, "--workdir", str(out / "work")])
    return json.loads(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def test_it_writes_every_measurement_with_its_numbers(written: dict[str, Any]) -> None:
    assert {"meta", "import", "import_again", "evaluation", "measurements"} <= set(written)
    measurements = {row["name"]: row for row in written["measurements"]}
    assert set(measurements) == MEASUREMENTS
    for name, row in measurements.items():
        assert len(row["runs_s"]) == 1, name
        assert row["median_s"] >= 0, name
        assert isinstance(row["peak_tracemalloc_bytes"], int), name
        if name.startswith("baseline."):
            assert row["baseline"] is None and row["ratio"] is None, name
        else:
            assert row["baseline"].startswith("baseline."), name


def test_it_imports_every_generated_ticket_then_changes_nothing_the_second_time(
    written: dict[str, Any],
) -> None:
    assert written["meta"]["tickets"] == TICKETS
    assert written["import"]["inserted"] == TICKETS
    assert written["import"]["rejected"] == 0
    assert written["import_again"]["unchanged"] == TICKETS
    assert written["import_again"]["inserted"] == written["import_again"]["updated"] == 0


def test_the_first_evaluation_stores_results_and_the_second_writes_nothing(
    written: dict[str, Any],
) -> None:
    evaluation = written["evaluation"]
    assert evaluation["tickets"] == TICKETS
    assert evaluation["results"] > 0
    assert sum(evaluation["status_counts"].values()) == evaluation["results"]
    assert evaluation["first_run_stored"]["inserted"] == evaluation["results"]
    assert evaluation["second_run_stored"] == {
        "inserted": 0,
        "updated": 0,
        "removed": 0,
        "changes": 0,
    }


def test_the_numpy_floor_decides_the_same_statuses_as_the_rules(written: dict[str, Any]) -> None:
    # Otherwise the floor would be a cheaper, different computation, not a floor.
    assert written["evaluation"]["numpy_status_agreement"] == 1.0


def test_it_generates_the_same_file_from_the_same_seed(bench: ModuleType, tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.csv"
    bench.generate_csv(first, 200, seed=7)
    bench.generate_csv(second, 200, seed=7)
    bench.generate_csv(other, 200, seed=8)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
