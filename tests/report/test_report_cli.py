"""`slamon score` and `slamon report` as users run them: an unclosed inspection finding shows
with its age, and the XLSX and PDF open and show the Chinese text."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from monitor.cli.demo_cmd import SAMPLE_TICKETS

DATA = Path(__file__).resolve().parent.parent / "data"
AT = "2022-08-06T09:00"  # XJ-0803 (2022-08-03 09:00, never resolved) is 3 days open


def slamon(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "SLAMON_DATABASE_URL": f"sqlite:///{folder / 'cli.db'}"}
    environment.pop("SLAMON_CONTRACT", None)
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=folder,
        timeout=120,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sample tickets, the inspection sheet (plus a formula-like finding) and the survey."""
    folder = tmp_path_factory.mktemp("report")
    sheet = (DATA / "inspections_zh.csv").read_text(encoding="utf-8")
    sheet += "XJ-0806,2022-08-05 10:00,一云,赵工,日志,异常,=cmd|' /c calc'!A1,,,,,\n"
    (folder / "inspections.csv").write_text(sheet, encoding="utf-8")
    assert slamon(folder, "import", "tickets", str(SAMPLE_TICKETS)).returncode == 0
    done = slamon(folder, "import", "inspections", "inspections.csv")
    assert done.returncode == 0, done.stderr
    done = slamon(folder, "import", "surveys", str(DATA / "surveys_2022q4.csv"))
    assert done.returncode == 0, done.stderr
    return folder


def test_score_table_shows_the_unclosed_finding_with_its_age(folder: Path) -> None:
    done = slamon(folder, "score", "--period", "2022-08", "--at", AT)
    assert done.returncode == 0, done.stderr
    line = next(text for text in done.stdout.splitlines() if text.startswith("XJ-0803"))
    assert "未闭环（已超时）" in line and "3天" in line and "解决时间" in line


def test_score_json_lists_unclosed_findings_missed_days_and_unknown_tickets(folder: Path) -> None:
    done = slamon(folder, "score", "--period", "2022-08", "--at", AT, "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    unclosed = {item["record"]: item for item in document["inspections"]["unclosed"]}
    assert unclosed["XJ-0803"]["age_seconds"] == 3 * 86400
    assert unclosed["XJ-0803"]["state"] == "overdue"
    # Resolved 08-05 20:00 but with no resolution record: still open.
    assert unclosed["XJ-0805"]["missing"] == ["resolution_record"]
    assert "XJ-0802" not in unclosed
    # Resolved 08-06 10:00, an hour after AT: not yet, as of AT.
    assert unclosed["XJ-0804"]["age_seconds"] == 2 * 86400
    assert document["inspections"]["closed_late"] == []
    # 08-01..08-05 inspected; 08-06 has not ended at 09:00.
    assert document["inspections"]["missed_days"] == []
    assert document["inspections"]["unknown_tickets"] == [
        {"record": "XJ-0805", "ticket_id": "NO-SUCH-1"}
    ]


def test_score_with_the_manual_file_carries_entries_and_the_sla_assessment(folder: Path) -> None:
    done = slamon(
        folder, "score", "--period", "2022", "--at", "2023-04-07T00:00", "--format", "json",
        "--manual", str(DATA / "manual_zhongshan_2022.yaml"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    by_id = {item["id"]: item for item in document["indicators"]}
    assert by_id["fault_response_timeliness"]["points"] == 2
    assert (by_id["sla_assessment"]["points"], by_id["sla_assessment"]["measured"]) == (1, 92)
    assert by_id["budget"]["entered_by"] == "广州捷诚信息咨询有限公司 评价组"
    assert (by_id["satisfaction"]["points"], by_id["satisfaction"]["measured"]) == (6, 98.0)
    assert by_id["satisfaction"]["coverage_flagged"] is True  # no units_served configured
    assert document["grade"] in {"优", "良", "中", "差"}


def test_a_bad_manual_file_is_a_usage_error(folder: Path) -> None:
    (folder / "bad.yaml").write_text("indicators: 3\n", encoding="utf-8")
    done = slamon(folder, "score", "--period", "2022", "--manual", "bad.yaml")
    assert done.returncode == 2 and "--manual" in done.stderr


def test_the_markdown_report_has_every_section(folder: Path) -> None:
    done = slamon(folder, "report", "--period", "2022-08", "--at", AT, "--format", "md", "-o", "-")
    assert done.returncode == 0, done.stderr
    for title in ("绩效评价指标评分表", "违约明细", "未闭环的巡检异常", "资源池对比", "满意度调查"):
        assert f"## {title}" in done.stdout
    assert "GZ-2022-0102" in done.stdout  # the late major fault of 2022-08-10


def test_the_xlsx_report_opens_with_chinese_sheets_and_no_formulas(folder: Path) -> None:
    done = slamon(folder, "report", "--period", "2022-08", "--at", AT, "--format", "xlsx")
    assert done.returncode == 0, done.stderr
    workbook = load_workbook(folder / "监理报告_2022-08.xlsx")
    assert workbook.sheetnames[:3] == ["摘要", "评分表", "分项合计"]
    unclosed = workbook["未闭环巡检发现"]
    assert [cell.value for cell in unclosed[3]][:3] == ["记录", "巡检时间", "资源池"]
    values = [cell for row in unclosed.iter_rows() for cell in row if cell.value]
    formula_like = [cell for cell in values if "cmd|" in str(cell.value)]
    assert [(cell.value, cell.data_type) for cell in formula_like] == [("=cmd|' /c calc'!A1", "s")]
    assert formula_like[0].quotePrefix


@pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils (pdftoppm, pdftotext) not installed; .ci/run installs them",
)
def test_the_pdf_report_renders_the_chinese_text(folder: Path) -> None:
    done = slamon(folder, "report", "--period", "2022-08", "--at", AT, "--format", "pdf")
    assert done.returncode == 0, done.stderr
    pdf = folder / "监理报告_2022-08.pdf"
    text = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "2", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert "监理报告" in text and "绩效评价指标评分表" in text
    subprocess.run(
        ["pdftoppm", "-f", "1", "-l", "1", "-r", "40", "-png", str(pdf), str(folder / "page")],
        check=True,
    )
    from PIL import Image

    [page] = sorted(folder.glob("page*.png"))
    with Image.open(page) as image:
        dark = sum(image.convert("L").histogram()[:128])
    assert dark > 500  # glyphs drawn, not a blank page
