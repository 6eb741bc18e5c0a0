"""bench/bench_ingest.py still runs end to end on PostgreSQL: 300 stored tickets, three clients
posting two batches of five, every phase reported; no time is checked."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from monitor.storage.db import head_revision
from tests.conftest import PG_URL
from tests.serving import service_env

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
BENCH = Path(__file__).resolve().parents[2] / "bench" / "bench_ingest.py"
SEED = 7


def test_the_ingest_benchmark_reports_every_phase(tmp_path: Path) -> None:
    if not PG_URL:
        pytest.skip("SLAMON_TEST_PG_URL is not set")
    out = tmp_path / "ingest.json"
    command = [sys.executable, str(BENCH), "--pg-url", PG_URL, "--tickets", "300"]
    command += ["--clients", "3", "--batches", "2", "--batch", "5", "--seed", str(SEED)]
    env = service_env(tmp_path, PG_URL)
    try:
        done = subprocess.run(
            [*command, "--json", str(out)], env=env, capture_output=True, text=True, timeout=600
        )
    finally:  # the filled template is kept for the next run: not the tests' server's
        admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
        template = f"slamon_bench_ingest_300_{SEED}_{head_revision()}"
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)'))
        admin.dispose()
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads(out.read_text(encoding="utf-8"))
    for phase in ("raw", "quiet", "evaluating"):
        assert results[phase]["batches"] == 6, results[phase]
        assert results[phase]["failed"] == 0, results[phase]
        assert set(results[phase]["cpu_ms_per_batch"]) == {"serve", "clients", "rest"}
    for phase in ("quiet", "evaluating"):
        assert results[phase]["p99_ratio_to_raw"] > 0
    assert results["evaluating"]["whole_evaluations"] >= 1
