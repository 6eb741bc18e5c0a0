"""`slamon billing check`: the sample month (tests/data/billing/) classified exactly, to the
fen, from the stored statement, inventory and catalogue, on SQLite and PostgreSQL; the JSON,
the Chinese XLSX, and the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from collectors.records.catalogue import import_catalogue
from collectors.records.resources import import_resources
from collectors.records.statements import import_statement
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.report.billing import billing_json, write_billing_xlsx
from monitor.runs.billing import billing_check

DATA = Path(__file__).resolve().parents[1] / "data" / "billing"
NOW = datetime(2024, 4, 5, 0, 0, tzinfo=UTC)
# Line, resource, code, disputed — by hand from tests/data/billing/ (README there).
EXPECTED = [
    (2, "VM-001", "ok", "0.00"),
    (3, "VM-002", "outside_service_life", "135.48"),  # from 11 March: 420 − 420×21/31
    (4, "VM-003", "outside_service_life", "149.03"),  # reclaimed 21 March: 420 − 420×20/31
    (5, "VM-005", "price_mismatch", "30.00"),
    (6, "VM-006", "arithmetic_error", "3780.00"),
    (7, "VM-007", "ok", "0.00"),
    (8, "VM-007", "duplicate_line", "420.00"),
    (9, "VM-008", "quantity_mismatch", "420.00"),
    (10, "VM-999", "not_in_inventory", "420.00"),
    (11, None, "ok", "0.00"),
    (12, "VM-001", "ok", "0.00"),
    (13, "VM-009", "ok", "0.00"),
]


def _import_month(engine: Engine, contract: Contract) -> None:
    for importer, name in (
        (import_catalogue, "catalogue_zh.csv"),
        (import_resources, "resources_2024_03.csv"),
        (import_statement, "statement_2024_03.csv"),
    ):
        report = importer(engine, DATA / name, contract, source="甲运营", now=NOW)
        assert report.exit_code == 0, report.problems


def test_the_sample_month_is_classified_exactly(engine: Engine, contract: Contract) -> None:
    _import_month(engine, contract)
    result = billing_check(engine, contract, parse_period("2024-03", contract.zone), NOW)
    document = billing_json(result)
    assert [
        (row["line"], row["resource_id"], row["code"], row["disputed"]) for row in document["lines"]
    ] == EXPECTED
    assert (document["billed_total"], document["disputed_total"]) == ("13570.40", "5354.51")
    assert result.disputed_total == Decimal("5354.51")
    assert [row["resource_id"] for row in document["unbilled_inventory"]] == ["VM-004"]
    assert document["counts"]["unbilled_inventory"] == 1
    assert document["totals"]["by_user_unit"]["市人社局"] == {
        "lines": 3,
        "billed": "5040.00",
        "disputed": "4200.00",
    }
    outside = document["lines"][1]["evidence"]
    assert (outside["in_service_days"], outside["in_service_from"]) == ("21", "2024-03-11 00:00")


def test_the_xlsx_is_in_chinese_with_exact_amounts(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    _import_month(engine, contract)
    result = billing_check(engine, contract, parse_period("2024-03", contract.zone), NOW)
    path = tmp_path / "核对.xlsx"
    write_billing_xlsx(result, path)
    book = load_workbook(path)
    assert book.sheetnames == ["核对明细", "汇总", "分类", "在用未计费"]
    lines = book["核对明细"]
    assert [cell.value for cell in lines[3]][7:11] == [
        "核对结果",
        "计费金额（元）",
        "核定金额（元）",
        "争议金额（元）",
    ]
    assert [cell.value for cell in lines[5]][7:11] == [
        "超出服务期计费",
        "420.00",
        "284.52",
        "135.48",
    ]
    assert book["汇总"]["E4"].value == "5354.51"
    assert book["在用未计费"]["A4"].value == "VM-004"


def test_an_empty_month_has_no_lines_and_nothing_in_dispute(
    engine: Engine, contract: Contract
) -> None:
    result = billing_check(engine, contract, parse_period("2024-05", contract.zone), NOW)
    assert (result.verdicts, result.disputed_total) == ([], 0)


@pytest.mark.parametrize("output", ["json", "table", "xlsx"])
def test_the_command_checks_a_month(tmp_path: Path, output: str) -> None:
    env = {**os.environ, "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"}
    env.pop("SLAMON_CONTRACT", None)

    def slamon(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "monitor", *args]
        return subprocess.run(
            command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
        )

    for kind, name in (
        ("catalogue", "catalogue_zh.csv"),
        ("resources", "resources_2024_03.csv"),
        ("statement", "statement_2024_03.csv"),
    ):
        assert slamon("import", kind, str(DATA / name)).returncode == 0
    done = slamon("billing", "check", "--period", "2024-03", "--format", output)
    assert done.returncode == 0, done.stderr
    if output == "json":
        assert json.loads(done.stdout)["disputed_total"] == "5354.51"
    elif output == "table":
        assert "超出服务期计费" in done.stdout and "争议合计 5354.51 元" in done.stdout
    else:
        assert load_workbook(tmp_path / "billing-check-2024-03.xlsx").sheetnames[0] == "核对明细"
        english = slamon("--lang", "en", "billing", "check", "--period", "2024-03",
                         "--format", "xlsx", "--output", "en.xlsx")  # fmt: skip
        assert english.returncode == 0, english.stderr
        book = load_workbook(tmp_path / "en.xlsx")
        titles = [*book.sheetnames, *(cell.value for cell in book.worksheets[0][3] if cell.value)]
        assert not [t for t in titles if any("\u4e00" <= char <= "\u9fff" for char in t)]
    refused = slamon("billing", "check", "--period", "2024")
    assert refused.returncode == 2 and "YYYY-MM" in refused.stderr
