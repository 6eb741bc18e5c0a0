"""The 监理报告 in English from the same data as the Chinese one: every title, header, label,
status, unit, grade and duration in English, the data's own words as they are; the Chinese
report keeps no English sentence; the XLSX keeps formula-like text as text in both."""

from __future__ import annotations

import re
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
from monitor.report import pdf
from monitor.report.billing import billing_blocks
from monitor.report.content import Block, report_blocks, text_cells
from monitor.report.data import report_data
from monitor.report.markdown import render_markdown
from monitor.report.pdf import ReportFontMissing, find_cjk_font, render_pdf
from monitor.report.xlsx import render_xlsx
from monitor.runs.billing import billing_check
from monitor.runs.scorecard import period_scorecard
from monitor.storage.db import make_engine
from tests.cli.test_cli import slamon
from tests.conftest import local

AT = "2022-08-06T09:00"
# Pools, titles, units, items and findings in ASCII: whatever Chinese is left in the English
# report is the report's own words, or the contract's (its name, the pools its rules name).
TICKETS = """ticket_id,kind,severity,pool,title,reported_at,arrived_at,restored_at
T-1,fault,major,PoolA,Storage array down,2022-08-02 09:00,,
T-2,fault,major,PoolB,Core switch fault,2022-08-03 10:00,2022-08-03 10:10,2022-08-03 11:00
T-3,fault,major,PoolA,=1+1 disk,2022-08-04 09:00,,
"""
INSPECTIONS = """记录编号,巡检时间,资源池,巡检人,巡检项,巡检结果,发现问题,处理措施,解决时间,\
处理记录,佐证材料,关联工单
R-1,2022-08-01 09:00,PoolB,Li,core switch,normal,,,,,,
R-2,2022-08-03 09:00,PoolB,Li,air conditioning,abnormal,temperature high,,,,,
R-3,2022-08-04 09:00,PoolA,Wang,firewall,abnormal,policy hits,,2022-08-04 20:00,,,NO-SUCH-1
"""
SURVEYS = """调查批次,使用单位,资源池,填报时间,总体评价,问题：speed of repair,意见建议
Q3,Unit01,PoolA,2022-08-05,very satisfied,very satisfied,
Q3,Unit02,PoolB,2022-08-05,neutral,fairly satisfied,
"""
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-languages")
    for name, text in (
        ("tickets", TICKETS),
        ("inspections", INSPECTIONS),
        ("surveys", SURVEYS),
    ):
        (folder / f"{name}.csv").write_text(text, encoding="utf-8")
        done = slamon(folder, "import", name, f"{name}.csv")
        assert done.returncode == 0, done.stderr
    return folder


@pytest.fixture(scope="module")
def engine(folder: Path) -> Engine:
    return make_engine(f"sqlite:///{folder / 'cli.db'}")


def blocks(engine: Engine, contract: Contract, lang: str) -> list[Block]:
    contracts = ContractSet.single(contract)
    period = parse_period("2022-08", contract.zone)
    card = period_scorecard(engine, contracts, period, local("2022-08-06 09:00"))
    return report_blocks(report_data(engine, contracts, card), lang)


def contract_words(contract: Contract) -> list[str]:
    """The contract's own names that an English report shows as written: its name, and the
    pool its utilisation rule names."""
    return [contract.name, contract.scoring.first_pool_utilisation.pool or contract.name]


def without(text: str, words: list[str]) -> str:
    for word in words:
        text = text.replace(word, "")
    return text


def test_the_english_report_has_no_chinese_but_the_contracts_names(
    engine: Engine, contract: Contract
) -> None:
    text = without(render_markdown(blocks(engine, contract, "en")), contract_words(contract))
    leftovers = sorted({line for line in text.splitlines() if CJK.search(line)})
    assert leftovers == []


def test_the_english_report_says_what_the_chinese_one_says(
    engine: Engine, contract: Contract
) -> None:
    english, chinese = blocks(engine, contract, "en"), blocks(engine, contract, "zh")
    # The same tables with the same rows; only their words differ (an indicator's figure
    # worded in one language only, coverage_zh, is left out of the other's details).
    assert [(len(b.headers), len(b.rows)) for b in english[:-1]] == [
        (len(b.headers), len(b.rows)) for b in chinese[:-1]
    ]
    assert (english[-1].sheet, chinese[-1].sheet) == ("Details", "指标明细")
    text = render_markdown(english)
    assert text.startswith("# Supervision report 2022-08\n")
    violations = next(b for b in english if b.sheet == "Violations")
    row = next(
        r for r in violations.rows if r[0] == "T-1" and r[3] == "Major fault on-site arrival"
    )
    # Reported 08-02 09:00, due on site 09:30, nobody came by 08-06 09:00.
    assert (row[1], row[2], row[4], row[8], row[10]) == (
        "PoolA", "Storage array down", "breached", "3d 23h 30m", "no"
    )  # fmt: skip
    unclosed = next(b for b in english if b.sheet == "Unclosed findings")
    finding = next(r for r in unclosed.rows if r[0] == "R-2")
    assert (finding[5], finding[6], finding[8]) == (
        "open (overdue)", "3d 0m", "resolution time, resolution record"
    )  # fmt: skip
    summary = dict(text_cells(english[0].rows))
    assert summary["Grade"] in {"Excellent", "Good", "Fair", "Poor"}
    assert "no data" in text and "无数据" not in text


def test_the_chinese_report_keeps_no_english_label(engine: Engine, contract: Contract) -> None:
    english, chinese = blocks(engine, contract, "en"), blocks(engine, contract, "zh")
    text = render_markdown(chinese)
    assert text.startswith("# 监理报告 2022-08\n")
    labels = {b.title for b in english} | {h for b in english for h in b.headers}
    labels |= {str(row[0]) for row in english[0].rows}
    # A pool's name is data, the same in both; every other English title, header or label
    # is missing from the Chinese report (as words: an indicator's figure keeps its key, by_pool).
    leaked = [label for label in labels if re.search(rf"(?<![\w]){re.escape(label)}(?![\w])", text)]
    assert sorted(label for label in leaked if not label.startswith("Pool")) == []
    for block in chinese:
        for words in {block.title, *block.headers, block.empty_text} - {"PoolA", "PoolB"}:
            assert not re.search(r"[a-z]{3,}", words), words


def test_the_english_xlsx_has_english_sheets_and_keeps_formulas_as_text(
    folder: Path, contract: Contract
) -> None:
    done = slamon(
        folder, "report", "--period", "2022-08", "--at", AT, "--format", "xlsx",
        env={"SLAMON_LANG": "en"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "written: supervision_report_2022-08.xlsx" in done.stdout
    workbook = load_workbook(folder / "supervision_report_2022-08.xlsx")
    assert workbook.sheetnames[:3] == ["Summary", "Scorecard", "Sections"]
    words = contract_words(contract)
    cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
    chinese = [
        c.value for c in cells if isinstance(c.value, str) and CJK.search(without(c.value, words))
    ]
    assert chinese == []
    formulas = [c for c in cells if c.value == "=1+1 disk"]
    assert formulas and all(c.data_type == "s" and c.quotePrefix for c in formulas)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_formula_like_text_stays_text_in_either_language(
    tmp_path: Path, engine: Engine, contract: Contract, lang: str
) -> None:
    target = tmp_path / "report.xlsx"
    render_xlsx(blocks(engine, contract, lang), target)
    workbook = load_workbook(target)
    cells = [c for s in workbook.worksheets for row in s.iter_rows() for c in row]
    formulas = [c for c in cells if c.value == "=1+1 disk"]
    assert len(formulas) >= 2  # the violations' title cells
    assert all(c.data_type == "s" and c.quotePrefix for c in formulas)
    assert not any(c.data_type == "f" for c in cells)


def test_the_english_pdf_renders_its_english_text(
    tmp_path: Path, engine: Engine, contract: Contract
) -> None:
    try:
        find_cjk_font()
    except ReportFontMissing:
        pytest.skip("no CJK font installed")
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    target = tmp_path / "report.pdf"
    render_pdf(blocks(engine, contract, "en"), target)
    done = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True)
    flat = "".join(done.stdout.split())  # a narrow column breaks its words across lines
    assert "Supervisionreport2022-08" in flat and "Violations(lateorwithoutevidence)" in flat
    assert "Storagearraydown" in flat and "breached" in flat


def test_without_a_chinese_font_the_pdf_is_refused_in_both_languages(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pdf, "FONT_CANDIDATES", ())
    monkeypatch.delenv("SLAMON_PDF_FONT", raising=False)
    with pytest.raises(ReportFontMissing) as refused:
        find_cjk_font()
    said = refused.value.message
    assert said.zh.startswith("没有找到可显示中文的字体") and "fonts-wqy-zenhei" in said.zh
    assert said.en.startswith("no Chinese (CJK) font found") and not CJK.search(said.en)


def test_the_billing_check_reads_in_english(sqlite_engine: Engine, contract: Contract) -> None:
    data = Path(__file__).resolve().parents[1] / "data" / "billing"
    at = datetime(2024, 4, 5, tzinfo=UTC)
    for importer, name in (
        (import_catalogue, "catalogue_zh.csv"),
        (import_resources, "resources_2024_03.csv"),
        (import_statement, "statement_2024_03.csv"),
    ):
        assert importer(sqlite_engine, data / name, contract, source="S", now=at).exit_code == 0
    check = billing_check(sqlite_engine, contract, parse_period("2024-03", contract.zone), at)
    tables = billing_blocks(check, "en")
    for block in tables:
        assert not CJK.search(
            " ".join([block.sheet, block.title, block.empty_text, *block.headers])
        )
    lines = tables[0]
    # VM-003 was reclaimed on 03-21: 20 days in service, billed for 31 (tests/runs/test_billing.py).
    row = next(r for r in lines.rows if r[0] == 4)
    assert (row[5], row[7], row[10]) == ("VM-003", "billed outside its service life", "149.03")
    evidence = str(row[11])
    assert evidence.startswith("days in service this month 20; days billed 31; ")
    assert not any(CJK.search(str(r[7]) + str(r[11])) for r in lines.rows)
