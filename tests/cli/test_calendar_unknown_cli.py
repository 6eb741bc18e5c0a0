"""`slamon evaluate` and `slamon score` past the end of the working-day calendar.

chinese-calendar knows 2004–2026 and the default contract declares no later year. A major fault
restored on Wed 2026-12-30 has its 3-working-day report deadline in 2027: that result is
calendar_unknown, every other ticket is evaluated and stored, the commands exit 0 and print one
warning on stderr. Declaring 2027 whole in the contract's calendar.years makes it a verdict.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from monitor.contract.model import DEFAULT_CONTRACT_PATH
from tests.cli.test_cli import slamon

EVERY_OPTION = Path(__file__).resolve().parents[1] / "data/contracts/every_option.yaml"
TICKETS = (
    "ticket_id,kind,severity,reported_at,arrived_at,restored_at,report_submitted_at\n"
    "Y-1,fault,major,2026-12-30 09:00,2026-12-30 09:20,2026-12-30 10:30,\n"
    "Y-2,fault,major,2026-12-01 09:00,2026-12-01 09:50,2026-12-01 10:00,2026-12-02 10:00\n"
    "Y-3,fault,major,2026-12-15 09:00,2026-12-15 09:10,2026-12-15 10:00,\n"
)


def imported(tmp_path: Path) -> Path:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(TICKETS, encoding="utf-8")
    assert slamon(tmp_path, "import", "tickets", str(tickets)).returncode == 0
    return tmp_path


def statuses(stdout: str) -> dict[tuple[str, str], str]:
    return {(r["ticket_id"], r["target"]): r["status"] for r in json.loads(stdout)["results"]}


def test_one_ticket_needing_2027_leaves_every_other_result_decided(tmp_path: Path) -> None:
    done = slamon(imported(tmp_path), "evaluate", "--at", "2027-01-08T12:00", "--format", "json")
    assert done.returncode == 0, done.stderr
    found = statuses(done.stdout)  # stdout is the JSON alone
    assert found[("Y-1", "major.report")] == "calendar_unknown"
    assert found[("Y-1", "major.arrival")] == "met"
    assert found[("Y-2", "major.arrival")] == "breached"  # 50 minutes
    assert found[("Y-2", "major.report")] == "met"
    assert found[("Y-3", "major.report")] == "breached"  # due 24:00 Fri 12-18
    (warning,) = done.stderr.splitlines()
    assert warning.startswith("警告：1 条考核结果需要尚未知的工作日历（2027 年 1 条）")
    # Stored like every other result: the table shows it without --all.
    table = slamon(tmp_path, "evaluate", "--at", "2027-01-08T12:00")
    assert table.returncode == 0
    assert "日历未知" in table.stdout.split("\n\n")[-1]
    assert table.stderr.count("警告：") == 1


def test_score_does_not_count_it_as_late_and_warns(tmp_path: Path) -> None:
    done = slamon(
        imported(tmp_path), "score", "--period", "2026-12", "--at", "2027-01-08T12:00",
        "--format", "json",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    timeliness = json.loads(done.stdout)["indicators"][0]
    assert timeliness["late_tickets"] == ["Y-2", "Y-3"]
    assert timeliness["calendar_unknown"] == ["Y-1/major.report"]
    assert "2027 年 1 条" in done.stderr and done.stderr.count("警告") == 1


def test_declaring_2027_whole_turns_it_into_a_verdict(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8"))
    every_option = yaml.safe_load(EVERY_OPTION.read_text(encoding="utf-8"))
    raw["calendar"]["years"] = {2027: every_option["calendar"]["years"][2027]}
    contract = tmp_path / "contract.yaml"
    contract.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    done = slamon(
        imported(tmp_path), "evaluate", "--at", "2027-01-08T12:00", "--format", "json",
        "--contract", str(contract),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    # Wed 12-30 → Thu 12-31, 元旦 01-01, Mon 01-04, Tue 01-05: not submitted by 24:00 01-05.
    assert statuses(done.stdout)[("Y-1", "major.report")] == "breached"
    assert done.stderr == ""


def test_a_period_the_calendar_does_not_know_is_scored_without_its_days(tmp_path: Path) -> None:
    # January 2027: no service hours or inspection days can be told, so none are counted.
    done = slamon(imported(tmp_path), "score", "--period", "2027-01", "--at", "2027-01-08T12:00")
    assert done.returncode == 0, done.stderr
    assert "系统故障响应或维护及时性" in done.stdout
