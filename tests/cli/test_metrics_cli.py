"""`slamon import resources|usage|outages`, `slamon availability` and the metric scores."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.cli.test_cli import slamon

DATA = Path(__file__).resolve().parents[1] / "data"


def test_the_2022_usage_figures_score_0_of_2_and_8_of_10(tmp_path: Path) -> None:
    assert slamon(tmp_path, "import", "resources", str(DATA / "resources_zh.csv")).returncode == 0
    assert slamon(tmp_path, "import", "usage", str(DATA / "usage_2022.csv")).returncode == 0
    done = slamon(
        tmp_path, "score", "--period", "2022", "--at", "2023-04-07T00:00", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    by_id = {i["id"]: i for i in json.loads(done.stdout)["indicators"]}
    ids = [i["id"] for i in json.loads(done.stdout)["indicators"]]
    assert ids.index("fault_response_timeliness") < ids.index("resource_availability")
    assert (
        by_id["first_pool_utilisation"]["points"],
        by_id["first_pool_utilisation"]["measured"],
    ) == (0, 58.6)
    assert (by_id["cloud_usage"]["points"], by_id["cloud_usage"]["measured"]) == (8, 56.67)
    # No availability samples: said, and scored as failing (missing evidence counts).
    availability = by_id["resource_availability"]
    assert (availability["points"], availability["no_data"]) == (0, True)
    assert by_id["idle_reclaim"]["points"] == 3


def test_availability_without_samples_is_missing_evidence_in_chinese(tmp_path: Path) -> None:
    assert slamon(tmp_path, "import", "resources", str(DATA / "resources_zh.csv")).returncode == 0
    done = slamon(tmp_path, "availability", "--period", "2022-08", "--at", "2022-09-01T00:00")
    assert done.returncode == 0, done.stderr
    assert "云主机" in done.stdout and "缺少证据" in done.stdout and "无监测数据" in done.stdout
    english = slamon(
        tmp_path, "--lang", "en", "availability", "--period", "2022-08", "--at", "2022-09-01T00:00"
    )
    assert "missing evidence" in english.stdout and "no monitoring data" in english.stdout
    assert re.search("[\u4e00-\u9fff]", english.stdout) is None, english.stdout
    done = slamon(
        tmp_path,
        "availability",
        "--period",
        "2022-08",
        "--by",
        "resource",
        "--format",
        "json",
        "--at",
        "2022-09-01T00:00",
    )
    figures = {f["key"]: f for f in json.loads(done.stdout)["figures"]}
    vm = figures["ZS-VM-0001"]
    assert (vm["availability_percent"], vm["coverage"], vm["status"]) == (
        None,
        0.0,
        "missing_evidence",
    )
    assert vm["counted_minutes"] == 31 * 1440
    assert vm["error_budget_minutes"] == round(31 * 1440 * 0.0005, 3)
    assert set(vm["burn_rates"]) == {"1h", "6h", "3d"}


def test_bad_rows_exit_3_and_unknown_headers_exit_2(tmp_path: Path) -> None:
    done = slamon(tmp_path, "import", "usage", str(DATA / "usage_bad_rows.csv"))
    assert done.returncode == 3
    assert "第 4 行" in done.stderr and "超出 0–100" in done.stderr
    done = slamon(tmp_path, "import", "resources", str(DATA / "resources_unknown_headers.csv"))
    assert done.returncode == 2
    assert "机房" in done.stderr and "资源编号" in done.stderr


def test_collect_without_settings_says_so_and_a_bad_name_is_a_usage_error(
    tmp_path: Path,
) -> None:
    settings = tmp_path / "collectors.yaml"
    settings.write_text("prometheus: []\n", encoding="utf-8")
    done = slamon(tmp_path, "collect", "--settings", str(settings))
    assert done.returncode == 0 and "没有配置采集器" in done.stdout
    done = slamon(tmp_path, "collect", "vm_up", "--settings", str(settings))
    assert done.returncode == 2 and "没有名为 'vm_up' 的采集器" in done.stderr
    settings.write_text("prometheus:\n  - {name: x, url: ftp://x}\n", encoding="utf-8")
    done = slamon(tmp_path, "collect", "--settings", str(settings))
    assert done.returncode == 2 and "不是 http(s) 网址" in done.stderr
