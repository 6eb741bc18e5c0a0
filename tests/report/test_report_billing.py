"""The 监理报告's 计费核对 section from the sample month (tests/data/billing/, by hand in
tests/runs/test_billing.py): the totals, the lines with a dispute, in Markdown, XLSX and PDF,
an operator's report holding its own pools' lines only, and a year's month-by-month totals."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from collectors.records.catalogue import import_catalogue
from collectors.records.resources import import_resources
from collectors.records.statements import import_statement
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.report.blocks import Block
from monitor.report.content import report_blocks
from monitor.report.data import report_data
from monitor.report.markdown import render_markdown
from monitor.report.pdf import render_pdf
from monitor.report.xlsx import render_xlsx
from monitor.runs.scorecard import period_scorecard

DATA = Path(__file__).resolve().parents[1] / "data" / "billing"
AT = datetime(2024, 4, 5, tzinfo=UTC)
# The lines with a dispute: line, resource, classes, disputed (tests/runs/test_billing.py).
DISPUTED = [
    (3, "VM-002", "超出服务期计费", "135.48"),
    (4, "VM-003", "超出服务期计费", "149.03"),
    (5, "VM-005", "单价不符", "30.00"),
    (6, "VM-006", "金额计算错误", "3780.00"),
    (8, "VM-007", "重复计费", "420.00"),
    (9, "VM-008", "数量不符", "420.00"),
    (10, "VM-999", "资源不在台账", "420.00"),
]


def _blocks(
    engine: Engine, contract: Contract, period: str, pools: frozenset[str] | None = None
) -> list[Block]:
    for importer, name in (
        (import_catalogue, "catalogue_zh.csv"),
        (import_resources, "resources_2024_03.csv"),
        (import_statement, "statement_2024_03.csv"),
    ):
        assert importer(engine, DATA / name, contract, source="甲运营", now=AT).exit_code == 0
    contracts = ContractSet.single(contract)
    card = period_scorecard(engine, contracts, parse_period(period, contract.zone), AT, pools=pools)
    return report_blocks(report_data(engine, contracts, card))


def test_the_monthly_report_has_the_billing_check_with_its_disputed_lines(
    engine: Engine, contract: Contract
) -> None:
    blocks = {block.sheet: block for block in _blocks(engine, contract, "2024-03")}
    assert blocks["计费核对"].title == "2024-03 计费核对汇总（争议合计 5354.51 元）"
    assert blocks["计费核对"].rows[0] == ["合计", "全部", 12, "13570.40", "5354.51"]
    lines = blocks["计费争议明细"]
    assert [(r[0], r[5], r[7], r[10]) for r in lines.rows] == DISPUTED
    assert "回收时间 2024-03-21 00:00" in str(lines.rows[1][11])
    assert [row[0] for row in blocks["在用未计费"].rows] == ["VM-004"]


def test_an_operators_report_holds_its_own_pools_lines_only(
    engine: Engine, contract: Contract
) -> None:
    # The sample statement is all 一云's.
    blocks = {b.sheet: b for b in _blocks(engine, contract, "2024-03", frozenset({"二云"}))}
    assert blocks["计费核对"].rows == [["合计", "全部", 0, "0.00", "0.00"]]
    assert blocks["计费争议明细"].rows == [] and blocks["在用未计费"].rows == []


def test_a_years_report_totals_each_month(engine: Engine, contract: Contract) -> None:
    blocks = {block.sheet: block for block in _blocks(engine, contract, "2024")}
    assert blocks["计费核对"].rows == [
        ["2024-03", "全部", 12, "13570.40", "5354.51"],
        ["2024-03", "一云", 12, "13570.40", "5354.51"],
    ]


def test_markdown_xlsx_and_pdf_carry_the_section(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    blocks = _blocks(engine, contract, "2024-03")
    markdown = render_markdown(blocks)
    assert "2024-03 有异议或发现的结算行" in markdown and "VM-999" in markdown
    render_xlsx(blocks, tmp_path / "report.xlsx")
    sheet = load_workbook(tmp_path / "report.xlsx")["计费争议明细"]
    assert [sheet.cell(row=r, column=6).value for r in range(4, 11)] == [d[1] for d in DISPUTED]
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    render_pdf(blocks, tmp_path / "report.pdf")
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "report.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "有异议或发现的结算行" in text and "VM-999" in text
