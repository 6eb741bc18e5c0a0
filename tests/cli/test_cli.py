"""The `slamon` command as users run it: a real process, a real SQLite file, no tracebacks."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.cli.demo_cmd import SAMPLE_TICKETS
from monitor.contract.model import DEFAULT_CONTRACT_PATH

ROOT = Path(__file__).resolve().parents[2]


def slamon(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    environment.pop("SLAMON_CONTRACT", None)
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done


# A result names its contract's version: the SHA-256 of the contract file's text.
DEFAULT_VERSION = hashlib.sha256(DEFAULT_CONTRACT_PATH.read_text("utf-8").encode()).hexdigest()


@pytest.fixture
def imported(tmp_path: Path) -> Path:
    done = slamon(tmp_path, "import", "tickets", str(SAMPLE_TICKETS))
    assert done.returncode == 0, done.stderr
    assert "新增 13，" in done.stdout
    return tmp_path


def test_evaluate_json_has_the_documented_shape(imported: Path) -> None:
    done = slamon(imported, "evaluate", "--at", "2023-04-07T00:00:00+08:00", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["evaluated_at"] == "2023-04-07T00:00:00+08:00"
    by_key = {(r["ticket_id"], r["target"]): r for r in document["results"]}
    late = by_key[("GZ-2022-0102", "major.restore")]
    assert late == {
        "ticket_id": "GZ-2022-0102",
        "target": "major.restore",
        "status": "breached",
        "start": "2022-08-10T11:41:00+08:00",
        "deadline": "2022-08-10T13:41:00+08:00",
        "stop": "2022-08-17T18:00:00+08:00",
        "overdue_seconds": 7 * 86400 + 4 * 3600 + 19 * 60,
        "contract": {"name": "政务云运营服务合同（默认）", "version": DEFAULT_VERSION},
    }
    assert [c["name"] for c in document["contracts"]] == ["政务云运营服务合同（默认）"]
    assert document["uncovered"] == []
    # National Day 2022 with its make-up Saturday and Sunday: restored Fri 09-30, report Mon 10-10.
    report = by_key[("GZ-2022-0131", "major.report")]
    assert (report["status"], report["deadline"]) == ("met", "2022-10-11T00:00:00+08:00")
    missing = by_key[("HF-2022-0014", "restore.duration")]
    assert (missing["status"], missing["stop"], missing["overdue_seconds"]) == (
        "missing_evidence",
        None,
        None,
    )


def test_evaluating_twice_stores_each_result_once(imported: Path) -> None:
    for _ in range(2):
        assert slamon(imported, "evaluate", "--at", "2023-01-01T00:00").returncode == 0
    import sqlite3

    with sqlite3.connect(imported / "cli.db") as connection:
        results = connection.execute("select count(*) from target_result").fetchone()[0]
        distinct = connection.execute(
            "select count(*) from (select distinct ticket_pk, target_id from target_result)"
        ).fetchone()[0]
    connection.close()
    # 6 major faults × 3, 2 monitoring × 2, 2 restores × 2, 2 anomalies, 1 service request × 2.
    assert results == distinct == 30


def test_the_table_is_in_chinese_and_lists_what_needs_attention(imported: Path) -> None:
    done = slamon(imported, "evaluate", "--at", "2023-01-01T00:00")
    assert "重大故障解决时限" in done.stdout and "超时违约" in done.stdout
    assert "GZ-2022-0102" in done.stdout
    assert "GZ-2022-0031" not in done.stdout  # all met: not listed without --all


def test_score_reproduces_the_2022_case(imported: Path) -> None:
    done = slamon(
        imported, "score", "--period", "2022", "--at", "2023-04-07T00:00", "--format", "json"
    )
    assert done.returncode == 0, done.stderr
    indicator = json.loads(done.stdout)["indicators"][0]
    assert json.loads(done.stdout)["period"] == "2022"
    assert {
        k: indicator[k] for k in ("id", "points", "max_points", "late_tickets", "fault_count")
    } == {
        "id": "fault_response_timeliness",
        "points": 2,
        "max_points": 3,
        "late_tickets": ["GZ-2022-0102"],
        "fault_count": 6,
    }


def test_a_bad_contract_is_one_clear_message_and_exit_2(tmp_path: Path) -> None:
    contract = tmp_path / "bad.yaml"
    contract.write_text("name: x\ntimezone: Mars/Olympus\n", encoding="utf-8")
    done = slamon(tmp_path, "evaluate", "--contract", str(contract))
    assert done.returncode == 2
    assert (
        str(contract) in done.stderr
        and "timezone" in done.stderr
        and "kinds：缺少必填的键" in done.stderr
    )


def test_a_bad_period_or_time_is_a_usage_error(tmp_path: Path) -> None:
    assert slamon(tmp_path, "score", "--period", "2022-13").returncode == 2
    done = slamon(tmp_path, "evaluate", "--at", "yesterday")
    assert done.returncode == 2 and "ISO 8601" in done.stderr


def test_a_year_the_calendar_does_not_know_leaves_the_other_results_decided(
    tmp_path: Path,
) -> None:
    tickets = tmp_path / "future.csv"
    tickets.write_text(
        "ticket_id,kind,severity,reported_at,restored_at\n"
        "F-1,fault,major,2035-03-05 09:00,2035-03-05 10:00\n",
        encoding="utf-8",
    )
    assert slamon(tmp_path, "import", "tickets", str(tickets)).returncode == 0
    done = slamon(tmp_path, "evaluate", "--at", "2035-03-06T00:00")
    assert done.returncode == 0, done.stderr
    assert "超时违约" in done.stdout  # the arrival, decided as usual
    assert "日历未知" in done.stdout


def test_score_refuses_a_manual_file_of_another_period(tmp_path: Path) -> None:
    manual = tmp_path / "manual_2022.yaml"
    manual.write_text("entered_by: 评价组\nperiod: 2022\n", encoding="utf-8")
    done = slamon(tmp_path, "score", "--period", "2023", "--manual", str(manual))
    assert done.returncode == 2
    assert f"--manual：{manual} 评的是 2022，不是 2023" in done.stderr


def test_contract_check_lists_the_targets() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "contract", "check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "major.report" in done.stdout and "3个工作日" in done.stdout
