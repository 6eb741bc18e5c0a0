"""The report lists results without a verdict — their deadline needs a year the working-day
calendar does not know — with the year, apart from the violations and not scored."""

from __future__ import annotations

from pathlib import Path

from tests.cli.test_cli import slamon


def test_a_result_needing_2027_is_listed_under_日历未知_with_its_year(tmp_path: Path) -> None:
    tickets = tmp_path / "tickets.csv"
    tickets.write_text(
        "ticket_id,kind,severity,pool,reported_at,arrived_at,restored_at\n"
        "Y-1,fault,major,一云,2026-12-30 09:00,2026-12-30 09:20,2026-12-30 10:30\n",
        encoding="utf-8",
    )
    assert slamon(tmp_path, "import", "tickets", str(tickets)).returncode == 0
    done = slamon(
        tmp_path, "report", "--period", "2026-12", "--at", "2027-01-08T12:00",
        "--format", "md", "-o", "-",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    section = done.stdout.split("## 日历未知", 1)[1].split("\n## ", 1)[0]
    assert "Y-1" in section and "故障分析报告" in section
    assert "需要 2027 年的工作日历" in section and "unknown" not in section
    assert "| 日历未知（未判定，不计分） | 1 |" in done.stdout
    violations = done.stdout.split("## 违约明细", 1)[1].split("\n## ", 1)[0]
    assert "Y-1" not in violations
