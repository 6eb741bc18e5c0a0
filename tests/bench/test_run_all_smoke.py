"""bench/run_all.py runs end to end on tiny sizes: every row, ratio, peak memory and goal is
reported, and a benchmark whose tool is missing is a skipped row, not a failed run. No time
is checked."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
# Nothing listens on port 1 of loopback: PostgreSQL is "missing".
NO_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:1/none"


def run_all(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> Any:
    out = tmp_path / "all.json"
    done = subprocess.run(
        [sys.executable, str(BENCH / "run_all.py"), *args, "--pg-url", NO_POSTGRES,
         "--out-dir", str(tmp_path / "runs"), "--json", str(out)],
        capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout, json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict[str, Any]]:
    tmp_path = tmp_path_factory.mktemp("run_all")
    sizes = ["--tickets", "200", "--repeat", "1", "--memory-rows", "200"]
    return run_all(tmp_path, "--only", "core,import_memory", *sizes)  # type: ignore[no-any-return]


def test_the_core_rows_carry_medians_ratios_against_their_baseline_and_peak_memory(
    tiny: tuple[str, dict[str, Any]],
) -> None:
    _printed, document = tiny
    rows = {(row["bench"], row["measurement"]): row for row in document["rows"]}
    imported = rows[("core", "import.first")]
    assert imported["baseline"] == "baseline.sqlite_executemany"
    assert imported["ratio"] > 0 and imported["peak_rss_mib"] > 0
    assert rows[("core", "evaluation.first")]["baseline"] == "baseline.numpy_status"
    memory = rows[("import_memory", "import_tickets, own process")]
    assert memory["peak_rss_mib"] > 0 and memory["rows_per_s"] > 0
    assert [run["name"] for run in document["runs"]] == ["core", "import_memory"]
    assert all(run["exit_code"] == 0 for run in document["runs"])


def test_missing_postgresql_is_said_and_skipped_not_a_failure(
    tiny: tuple[str, dict[str, Any]],
) -> None:
    printed, document = tiny
    assert "not usable" in document["skipped"]["postgresql"]
    assert "skipped postgresql" in printed
    assert not any(row["measurement"].startswith("pg.") for row in document["rows"])


def test_the_table_and_the_goals_are_printed(tiny: tuple[str, dict[str, Any]]) -> None:
    printed, document = tiny
    assert "× baseline" in printed and "peak RSS MiB" in printed and "goals:" in printed
    goals = {goal["goal"]: goal for goal in document["goals"]}
    assert len(goals) == 5
    assert goals["evaluation (rules) within 10× of the NumPy floor"]["met"] in (True, False)
    # 200 rows say nothing about a million: the memory goal is not judged from them.
    assert goals["peak memory of a 1,000,000-row import under 1 GB"]["met"] is None
    assert goals["import within 2× of the raw driver"]["met"] in (True, False)


def test_a_run_compared_with_itself_shows_no_change(tiny: tuple[str, dict[str, Any]]) -> None:
    _printed, document = tiny
    spec = importlib.util.spec_from_file_location("run_all_rows", BENCH / "run_all_rows.py")
    assert spec is not None and spec.loader is not None
    rows_module = ModuleType("run_all_rows")
    spec.loader.exec_module(rows_module)
    lines = rows_module.compare(document, document).splitlines()
    assert len(lines) == 1 + len([row for row in document["rows"] if row["median_s"]])
    assert all(line.endswith("+0%") for line in lines[1:])


def test_without_prometheus_the_availability_row_is_skipped(tmp_path: Path) -> None:
    env = {**os.environ, "PATH": str(tmp_path)}  # no prometheus, no promtool on it
    printed, document = run_all(tmp_path, "--only", "availability", env=env)
    assert "Prometheus/promtool not installed" in document["skipped"]["availability"]
    assert document["runs"] == [] and document["rows"] == []
    assert "[availability] skipped" in printed
