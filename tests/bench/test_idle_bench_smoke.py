"""bench/bench_idle.py still runs end to end on a few hosts; no timings are looked at.

Only that every measurement is reported, that the array check and the day-by-day loop found
the same idle hosts, and that the whole report agrees with the check on the rows written.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_idle.py"


def test_the_idle_benchmark_runs_and_its_two_checks_agree(tmp_path: Path) -> None:
    out = tmp_path / "idle.json"
    sizes = ["--hosts", "30", "--days", "20", "--repeat", "1"]
    subprocess.run(
        [sys.executable, str(BENCH), *sizes, "--json", str(out), "--workdir", str(tmp_path)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["rows"] > 30 * 20 * 96  # two metrics, some gaps
    assert document["same_findings"] is True
    assert document["idle_hosts_found"] > 0
    assert document["sqlite_idle_report_findings"] == document["idle_hosts_found"]
    for key in ("baseline_numpy_windows", "idle_hosts", "loop_idle_hosts", "sqlite_idle_report"):
        assert document[key]["median_s"] > 0
