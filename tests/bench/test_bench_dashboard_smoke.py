"""bench/bench_dashboard.py still runs end to end on a few thousand tickets; no timing is checked,
only that the generated data is what the overview needs and every measurement is reported."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_dashboard.py"


def test_the_dashboard_benchmark_fills_times_and_reports(tmp_path: Path) -> None:
    out = tmp_path / "dashboard.json"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--tickets", "3000", "--repeat", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["meta"]["tickets"] == 3000
    statuses = document["meta"]["fill"]["results"]
    # 2,000 tickets are left open, so clocks are running; most closed ones met their targets.
    assert statuses["met"] > statuses["breached"] > 0 and statuses.get("pending", 0) > 0
    assert set(document["queries_best_of_seconds"]) >= {
        "scorecard (period_scorecard, month)",
        "open_incidents",
        "open_clocks",
        "violations_by_period (12 months)",
        "sum of the overview's queries",
    }
    assert set(document["apptest_seconds"]) == {
        "cold process first render",
        "first render (new session, best of 3)",
        "first render (new session, worst of 3)",
        "rerun of a session",
    }
