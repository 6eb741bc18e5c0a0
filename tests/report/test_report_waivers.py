"""The report's 违约明细 marks a waived violation — who waived it and why — in Markdown, XLSX
and PDF, and the summary counts the waived ones; a violation nobody waived says 否."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.viewer import Role, Viewer
from monitor.storage.db import make_engine
from monitor.views.incident import find_ticket
from tests.conftest import local
from tests.dashboard.seed import filled_database
from tests.storage.waiver_steps import approved_waiver

SUPERVISOR = Viewer("监理张工", Role.SUPERVISOR)
AT = "2022-12-20T12:00"
WAIVED = "是：监理张工，不可抗力：市电中断（监理函〔2022〕17号）"


@pytest.fixture(scope="module")
def folder(
    tmp_path_factory: pytest.TempPathFactory, contract: Contract, calendar: BusinessCalendar
) -> Path:
    """The 2022 sample, evaluated; GZ-2022-0102's late restore waived (监理张工 approved)."""
    folder = tmp_path_factory.mktemp("waived-report")
    url = filled_database(folder / "cli.db", contract, calendar)
    engine = make_engine(url)
    pk = find_ticket(engine, SUPERVISOR, "GZ-2022-0102")
    assert pk is not None
    approved_waiver(engine, pk, "major.restore", reason="不可抗力：市电中断",
                    attachment_ref="监理函〔2022〕17号", now=local("2022-12-20 11:00"))  # fmt: skip
    engine.dispose()
    return folder


def report(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SLAMON_DATABASE_URL": f"sqlite:///{folder / 'cli.db'}"}
    environment.pop("SLAMON_CONTRACT", None)
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "report", "--period", "2022", "--at", AT, *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=folder,
        timeout=120,
    )
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done


def markdown_rows(text: str, ticket_id: str) -> list[list[str]]:
    section = text.split("## 违约明细", 1)[1].split("\n## ", 1)[0]
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith(f"| {ticket_id} ")
    ]


def test_the_markdown_report_marks_the_waived_violation_with_who_and_why(folder: Path) -> None:
    text = report(folder, "--format", "md", "-o", "-").stdout
    rows = {row[3]: row[-1] for row in markdown_rows(text, "GZ-2022-0102")}
    assert rows == {"重大故障解决时限": WAIVED, "故障分析报告提交时限": "否"}, rows
    header = text.split("## 违约明细", 1)[1].splitlines()[2]
    assert header.rstrip(" |").endswith("已豁免")
    assert "| 其中已豁免（不计分） | 1 |" in text


def test_the_xlsx_report_has_the_waived_column(folder: Path) -> None:
    report(folder, "--format", "xlsx")
    sheet = load_workbook(folder / "监理报告_2022.xlsx")["违约明细"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=3)]
    assert rows[0][-1] == "已豁免"
    marks = {row[3]: row[-1] for row in rows[1:] if row[0] == "GZ-2022-0102"}
    assert marks == {"重大故障解决时限": WAIVED, "故障分析报告提交时限": "否"}
    assert sum(row[-1] == WAIVED for row in rows[1:]) == 1


@pytest.mark.skipif(
    shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftotext) not installed; .ci/run installs them",
)
def test_the_pdf_report_shows_the_waiver(folder: Path) -> None:
    report(folder, "--format", "pdf")
    text = subprocess.run(
        ["pdftotext", str(folder / "监理报告_2022.pdf"), "-"], capture_output=True, text=True
    ).stdout
    flat = "".join(text.split())
    assert "已豁免" in flat
    assert "监理张工" in flat and "不可抗力：市电中断" in flat
