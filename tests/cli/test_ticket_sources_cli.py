"""`slamon import tickets --profile` and `slamon sync-tickets` as users run them."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.cli.test_cli import ROOT, slamon
from tests.collectors.ticket_desk import T0, Desk, serve

DATA = ROOT / "tests" / "data"


def test_the_real_servicenow_log_prints_its_summary(tmp_path: Path) -> None:
    done = slamon(
        tmp_path, "import", "tickets", str(DATA / "servicenow_incident_events.csv"),
        "--profile", "servicenow",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "读取 312 行；工单 37 张：新增 37，" in done.stdout
    assert "状态记录：新 307 条，已有 0 条；" in done.stdout
    assert "跳过 5 行" in done.stdout
    again = slamon(
        tmp_path, "import", "tickets", str(DATA / "servicenow_incident_events.csv"),
        "--profile", "servicenow",
    )  # fmt: skip
    assert "新增 0，更新 0，未变 37；" in again.stdout


def test_unknown_columns_are_named_once_and_the_import_goes_on(tmp_path: Path) -> None:
    done = slamon(
        tmp_path, "import", "tickets", str(DATA / "jira_sm_export.csv"), "--profile", "jira_sm"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("Custom field (Story Points)") == 1
    assert "工单 3 张：新增 3，" in done.stdout


def test_rejected_rows_are_counted_by_reason_with_exit_3(tmp_path: Path) -> None:
    lines = (DATA / "zammad_export.csv").read_text(encoding="utf-8").splitlines()
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join([lines[0], lines[1].replace("pending reminder", "on fire"), *lines[2:]]) + "\n",
        encoding="utf-8",
    )
    done = slamon(tmp_path, "import", "tickets", str(bad), "--profile", "zammad")
    assert done.returncode == 3
    assert "拒绝原因 ×1：State：未知的状态 '…'，映射配置认识的状态" in done.stderr
    assert "第 2 行，工单 20240601，列 State：未知的状态 'on fire'" in done.stderr


def test_a_bad_profile_is_one_message_naming_the_file_and_key(tmp_path: Path) -> None:
    profile = tmp_path / "mine.yaml"
    profile.write_text("name: mine\ncolumns: {编号: ticket_no}\n", encoding="utf-8")
    done = slamon(
        tmp_path, "import", "tickets", str(DATA / "zammad_export.csv"), "--profile", str(profile)
    )
    assert done.returncode == 2
    assert f"{profile}：映射配置无效" in done.stderr
    assert "columns：列 '编号'：'ticket_no' 不是 slamon 的工单字段" in done.stderr


@pytest.fixture
def jira_desk() -> Iterator[str]:
    desk = Desk("jira")
    for number in range(1, 4):
        desk.add(number, T0 + timedelta(minutes=number))
    yield from serve(desk)


def test_sync_tickets_reads_an_api_and_a_dead_one_is_a_gap_with_exit_3(
    tmp_path: Path, jira_desk: str
) -> None:
    settings = tmp_path / "collectors.yaml"
    settings.write_text(
        "tickets:\n"
        f"  - {{name: jsm, type: jira, url: '{jira_desk}', start: 2024-06-03T00:00:00Z}}\n"
        "  - {name: gone, type: zammad, url: 'http://127.0.0.1:9', retries: 0,\n"
        "     start: 2024-06-03T00:00:00Z}\n",
        encoding="utf-8",
    )
    done = slamon(tmp_path, "sync-tickets", "--settings", str(settings))
    assert done.returncode == 3, done.stderr
    assert "jsm" in done.stdout and "3/0/0" in done.stdout
    assert "gone" in done.stdout and "ConnectionError" in done.stdout
    listed = slamon(tmp_path, "evaluate", "--at", "2024-06-03T12:00:00+08:00", "--format", "json")
    results = json.loads(listed.stdout)["results"]
    assert {r["ticket_id"] for r in results} == {"OPS-1", "OPS-2", "OPS-3"}


def test_the_servicenow_benchmark_runs_on_the_fixture(tmp_path: Path) -> None:
    out = tmp_path / "sn.json"
    done = subprocess.run(
        [
            sys.executable, str(ROOT / "bench" / "bench_servicenow.py"),
            "--csv", str(DATA / "servicenow_incident_events.csv"),
            "--json", str(out), "--no-memory",
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    summary = json.loads(out.read_text(encoding="utf-8"))
    assert (summary["rows_read"], summary["tickets"], summary["reimport_events_new"]) == (
        312,
        37,
        0,
    )
    assert summary["import_rows_per_second"] > 0
