"""`slamon import statement`: exact amounts, the line of every statement line, the bad-row
rules, and the jiesuan profile's sheet (a title, merged two-row header, 小计 and 合计 rows)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, select

from collectors.files.import_report import ImportFileError
from collectors.records.catalogue import import_catalogue
from collectors.records.statement_profile import load_statement_profile
from collectors.records.statements import import_statement, import_statement_with_profile
from monitor.contract.model import Contract
from monitor.storage.billing import load_statement
from monitor.storage.tables import RejectedRow

DATA = Path(__file__).resolve().parents[2] / "data" / "billing"
NOW = datetime(2024, 4, 3, 9, 0, tzinfo=UTC)
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]


@pytest.fixture
def catalogued(engine: Engine, contract: Contract) -> Engine:
    import_catalogue(engine, DATA / "catalogue_zh.csv", contract, source="目录", now=NOW)
    return engine


def test_a_chinese_statement_is_stored_line_by_line_with_exact_amounts(
    catalogued: Engine, contract: Contract
) -> None:
    path = DATA / "statement_2024_03.csv"
    report = import_statement(catalogued, path, contract, source="甲运营", now=NOW)
    assert (report.rows_read, report.inserted, report.exit_code) == (12, 12, 0)
    lines = load_statement(catalogued, "2024-03")
    assert [line.line for line in lines] == list(range(2, 14))
    first, drill = lines[0], lines[9]
    assert (first.resource_id, first.item_code, first.quantity, first.amount) == (
        "VM-001",
        "VM-4C8G",
        Decimal(1),
        Decimal(420),
    )
    assert (first.user_unit, first.system, first.billed_days) == ("市教育局", "学籍系统", 31)
    assert (drill.resource_id, drill.billed_days, drill.amount) == (None, None, Decimal(5000))
    assert lines[10].amount == Decimal("140.4") and isinstance(lines[10].amount, Decimal)


def test_a_statement_imported_again_replaces_its_lines(
    catalogued: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = DATA / "statement_2024_03.csv"
    import_statement(catalogued, path, contract, source="甲运营", now=NOW)
    shorter = tmp_path / "statement.csv"
    shorter.write_text("\n".join(path.read_text("utf-8").splitlines()[:3]) + "\n", "utf-8")
    again = import_statement(catalogued, shorter, contract, source="甲运营", now=NOW)
    assert (again.inserted, again.unchanged) == (0, 2)
    assert [line.line for line in load_statement(catalogued, "2024-03")] == [2, 3]


def test_bad_statement_rows_are_reported_and_kept_while_good_ones_are_stored(
    catalogued: Engine, contract: Contract
) -> None:
    path = DATA / "statement_bad_rows.csv"
    report = import_statement(catalogued, path, contract, source="s", now=NOW)
    assert report.exit_code == 3
    assert [(p.line, p.key, p.column) for p in report.problems] == [
        (3, "R-2", "quantity (数量)"),
        (3, "R-2", "amount (金额)"),
        (4, "R-3", "amount (金额)"),
        (5, "R-4", None),
        (6, "R-5", None),
        (7, "R-6", None),
    ]
    reasons = [p.reason for p in report.problems]
    assert "negative" in reasons[0] and "more than 2 decimals" in reasons[2]
    assert "not the statement's 2024-03" in reasons[3]
    assert "not in the service catalogue" in reasons[4]
    assert "billed_days 40 is more than the 31 days of 2024-03" in reasons[5]
    assert [line.resource_id for line in load_statement(catalogued, "2024-03")] == ["R-1", "R-7"]
    with catalogued.connect() as connection:
        kept = connection.execute(select(REJECTED.c.line, REJECTED.c.target_table)).all()
    assert sorted(kept) == [(line, "statement_line") for line in (3, 4, 5, 6, 7)]


def test_more_billed_days_than_the_month_has_is_a_bad_row(
    catalogued: Engine, contract: Contract, tmp_path: Path
) -> None:
    # February 2024 has 29 days: a line billing 30 of them is refused, one billing 29 is kept.
    path = tmp_path / "statement_2024_02.csv"
    path.write_text(
        "period,pool,resource_id,item_code,quantity,billed_days,unit_price,amount\n"
        "2024-02,一云,R-1,VM-4C8G,1,29,420,420.00\n"
        "2024-02,一云,R-2,VM-4C8G,1,30,420,434.48\n",
        encoding="utf-8",
    )
    report = import_statement(catalogued, path, contract, source="s", now=NOW)
    assert [(p.line, p.key, p.message.zh) for p in report.problems] == [
        (3, "R-2", "计费天数 30 超过 2024-02 的 29 天")
    ]
    assert report.exit_code == 3
    assert [line.resource_id for line in load_statement(catalogued, "2024-02")] == ["R-1"]


def _jiesuan_sheet(path: Path, subtotal: float = 560.4, total: float = 832.37) -> None:
    """The statement as operators hand it over: a title, a two-row header with merged cells,
    a 小计 after the unit's lines and a 合计 at the end (by default the sums of the lines'
    amounts as written, line 8's too)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["2024年3月政务云服务费结算清单（一云）"])
    sheet.merge_cells("A1:J1")
    sheet.append(
        [
            "序号",
            "使用单位",
            "业务系统",
            "资源编号",
            "服务项",
            None,
            "计费",
            None,
            None,
            "金额（元）",
        ]
    )
    sheet.append(
        [None, None, None, None, "服务项编码", "服务项名称", "数量", "计费天数", "单价（元）", None]
    )
    for cells in ("A2:A3", "B2:B3", "C2:C3", "D2:D3", "E2:F2", "G2:I2", "J2:J3"):
        sheet.merge_cells(cells)
    sheet.append([1, "市教育局", "学籍系统", "VM-001", "VM-4C8G", "云主机", 1, 31, 420, 420])
    sheet.append([2, "市教育局", "学籍系统", "VM-001", "CPU", "计算", 4, 31, 35.1, 140.4])
    sheet.append([None, "小计", None, None, None, None, None, None, None, subtotal])
    sheet.append([3, "市卫健委", "健康档案", "VM-003", "VM-4C8G", "云主机", 1, 20, 420, 270.97])
    sheet.append([4, "市卫健委", "健康档案", "VM-003", "VM-4C8G", "云主机", -1, 20, 420, 1])
    sheet.append(["合 计", None, None, None, None, None, None, None, None, total])
    book.save(path)


def test_the_jiesuan_profile_reads_merged_headers_and_skips_total_rows(
    catalogued: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "结算清单.xlsx"
    _jiesuan_sheet(path)
    report = import_statement_with_profile(
        catalogued, path, contract, source="甲运营", now=NOW, profile="jiesuan"
    )
    assert (report.rows_read, report.inserted, report.rejected_rows) == (4, 3, 1)
    assert [(p.line, p.key, p.column) for p in report.problems] == [
        (8, "VM-003", "quantity (数量)")
    ]
    lines = load_statement(catalogued, "2024-03")
    assert [(line.line, line.item_code, line.quantity, line.amount) for line in lines] == [
        (4, "VM-4C8G", 1, Decimal(420)),
        (5, "CPU", 4, Decimal("140.4")),
        (7, "VM-4C8G", 1, Decimal("270.97")),
    ]
    assert (lines[1].unit_price, lines[2].billed_days, lines[2].user_unit) == (
        Decimal("35.1"),
        20,
        "市卫健委",
    )


def test_a_total_row_that_is_not_its_lines_sum_is_a_problem_on_its_line(
    catalogued: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "结算清单.xlsx"
    # 小计 (line 6) of lines 4–5: 420 + 140.4 = 560.40; 合计 (line 9) of lines 4–8: 832.37.
    _jiesuan_sheet(path, subtotal=560.5, total=831.37)
    report = import_statement_with_profile(
        catalogued, path, contract, source="甲运营", now=NOW, profile="jiesuan"
    )
    assert [(p.line, p.column) for p in report.problems] == [
        (6, "amount (金额)"),
        (8, "quantity (数量)"),
        (9, "amount (金额)"),
    ]
    subtotal, _, total = (p.message.zh for p in report.problems)
    assert subtotal.startswith("小计金额 560.5 元与第 4–5 行金额之和 560.4 元不符")
    assert total.startswith("合计金额 831.37 元与第 4–8 行金额之和 832.37 元不符")
    assert (report.inserted, report.rejected_rows, report.exit_code) == (3, 3, 3)
    assert len(load_statement(catalogued, "2024-03")) == 3  # the lines are kept


def test_an_unknown_statement_profile_is_refused_with_the_shipped_ones(
    engine: Engine, contract: Contract
) -> None:
    with pytest.raises(ImportFileError, match="jiesuan"):
        import_statement_with_profile(
            engine, DATA / "statement_2024_03.csv", contract, source="s", now=NOW, profile="x"
        )
    assert load_statement_profile("jiesuan").header_rows == 2
