"""`slamon import evidence` and `slamon obligations` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from monitor.cli import cli
from tests.rules.obligation_contract import contract_with_obligations

DATA = Path(__file__).resolve().parents[1] / "data" / "obligations"


def run(tmp_path: Path, *args: str) -> Result:
    env = {"SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    contract = str(tmp_path / "contract.yaml")
    result = CliRunner().invoke(cli, [*args, "--contract", contract], env=env)
    assert "Traceback" not in result.output
    return result


def test_evidence_is_imported_and_the_periods_are_shown_with_their_statuses(
    tmp_path: Path,
) -> None:
    contract_with_obligations(tmp_path)
    imported = run(tmp_path, "import", "evidence", str(DATA / "evidence_zh.csv"))
    assert imported.exit_code == 0, imported.output
    bad = run(tmp_path, "import", "evidence", str(DATA / "evidence_bad_rows.csv"))
    assert bad.exit_code == 3
    assert "消防检查" in bad.output
    shown = run(tmp_path, "obligations", "--at", "2023-10-12T09:00", "--format", "json")
    assert shown.exit_code == 0, shown.output
    periods = {
        (item["obligation_id"], item["period"], item["pool"]): item
        for item in json.loads(shown.stdout)["periods"]
    }
    september = periods[("monthly_report", "2023-09", "")]
    assert (september["status"], september["due_at"]) == ("met", "2023-10-12T00:00:00+08:00")
    assert september["evidence"] == [
        {"date": "2023-10-11", "document": "2023年9月运行报告", "by": "张三"}
    ]
    assert periods[("vulnerability_fix", "TB-2023-17", "")]["status"] == "missed"
    table = run(tmp_path, "obligations", "--at", "2023-10-12T09:00")
    assert table.exit_code == 0
    assert "合同履约事项" in table.stdout and "逾期未完成" in table.stdout
    assert "2023-10-11 24:00" in table.stdout  # the September report's last day


def test_a_contract_without_obligations_says_so(tmp_path: Path) -> None:
    (tmp_path / "contract.yaml").write_text(
        (Path(__file__).resolve().parents[2] / "config/contracts/default.yaml").read_text(
            encoding="utf-8"
        ),
        encoding="utf-8",
    )
    shown = run(tmp_path, "obligations")
    assert shown.exit_code == 0
    assert "合同没有履约事项" in shown.stdout
