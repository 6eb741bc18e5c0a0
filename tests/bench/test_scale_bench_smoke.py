"""The province-scale benchmarks still run end to end at a small size; no timings are looked at.

bench_scale.py: both collection paths give the same rollups and every figure and ratio is
reported; bench_scale_reports.py: the availability report covers every resource generated;
bench_partitions.py: the drop and the DELETE both ran (the bench checks what each removed).
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PG_URL

BENCH = Path(__file__).resolve().parents[2] / "bench"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(not PG_URL, reason="SLAMON_TEST_PG_URL is not set"),
]


def bench(name: str, out: Path, *arguments: str) -> Any:
    subprocess.run(
        [sys.executable, str(BENCH / name), *arguments, "--json", str(out)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.skipif(shutil.which("victoria-metrics") is None, reason="victoria-metrics missing")
def test_the_scale_benchmark_collects_the_same_rollups_by_both_paths(tmp_path: Path) -> None:
    assert PG_URL is not None
    sizes = ["--resources", "40", "--workdir", str(tmp_path / "vm")]
    document = bench("bench_scale.py", tmp_path / "scale.json", *sizes, "--pg-url", PG_URL)
    raw, store = document["raw"], document["store"]
    assert (raw["error"], store["error"]) == (None, None)
    assert document["same_rollups"] is True
    assert raw["samples"] == store["samples"] > 40 * 1400  # a day a minute, a few gaps
    assert raw["quarter_hour_rows"] == store["quarter_hour_rows"] > 0
    assert raw["daily_rows"] == store["daily_rows"] == 40
    for measured in (raw, store):
        assert measured["real_time_ratio"] > 1
    ratios = document["ratios_raw_over_store"]
    assert set(ratios) >= {"seconds", "wire_bytes", "decoded_bytes", "peak_rss_mib"}
    assert ratios["decoded_bytes"] > 1  # the store's answers are the smaller


def test_the_scale_reports_benchmark_reports_every_resource(tmp_path: Path) -> None:
    assert PG_URL is not None
    sizes = ["--only", "availability", "--resources", "60", "--repeat", "1"]
    document = bench(
        "bench_scale_reports.py", tmp_path / "reports.json", *sizes, "--pg-url", PG_URL
    )
    assert document["availability_report"]["result"]["resources"] == 60
    assert document["availability_floor"]["median_s"] > 0


def test_the_partition_benchmark_drops_and_deletes_a_month(tmp_path: Path) -> None:
    assert PG_URL is not None
    sizes = ["--rows", "2000", "--repeat", "1"]
    document = bench(
        "bench_partitions.py", tmp_path / "partitions.json", *sizes, "--pg-url", PG_URL
    )
    assert (document["rows"], document["table_rows"]) == (2000, 6000)
    assert document["drop_s"] > 0 and document["delete_s"] > 0
