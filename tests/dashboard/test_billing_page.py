"""计费核对 through Streamlit's AppTest on the seeded December 2022 statement
(tests/data/billing/statement_2022_12.csv, by hand): line 2 ZS-VM-0001 ok; 3 ZS-VM-0002
reclaimed 2022-09-30, billed the whole month (420.00 disputed); 4 ZS-VM-7701 not in the
inventory (420.00); 5 ZS-PM-0001 at 1600 where 二云's catalogue says 1500 (100.00); 6
ZS-PM-9902 not in the inventory (1500.00). 2440.00 元 in dispute, 1600.00 of it 二云's."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from dashboard.downloads import csv_bytes, workbook_bytes
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.report.billing import billing_blocks
from monitor.storage.db import make_engine
from monitor.views.billing import billing_for
from tests.dashboard.seed import AT, PASSWORD, ROOT
from tests.dashboard.test_pages import texts

APP = str(ROOT / "dashboard" / "app.py")


@pytest.fixture
def signed_in(shared_db: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("SLAMON_DATABASE_URL", shared_db)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)

    def sign_in(name: str = "监理", lang: str = "zh") -> AppTest:
        app = AppTest.from_file(APP, default_timeout=60).run()
        app.text_input(key="login_name").input(name)
        app.text_input(key="login_password").input(PASSWORD)
        app.button[0].click().run()
        assert not app.exception, app.exception
        if lang != "zh":
            app.sidebar.radio(key="lang_choice").set_value(lang).run()
        app.sidebar.text_input(key="period_choice").set_value("2022-12").run()
        app.switch_page("screens/billing.py").run()
        assert not app.exception, app.exception
        return app

    return sign_in


def _lines(app: AppTest) -> list[dict[str, str]]:
    return app.dataframe[0].value.astype(str).to_dict("records")  # type: ignore[no-any-return]


def test_the_supervisor_sees_every_line_with_its_code_evidence_and_dispute(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = signed_in()
    page = texts(app)
    assert "计费合计 4360.00 元，争议合计 2440.00 元；5 行，无异议 1 行" in page
    lines = {row["资源编号"]: row for row in _lines(app)}
    assert {k: (v["核对结果"], v["争议金额（元）"]) for k, v in lines.items()} == {
        "ZS-VM-0001": ("无异议", "0.00"),
        "ZS-VM-0002": ("超出服务期计费", "420.00"),
        "ZS-VM-7701": ("资源不在台账", "420.00"),
        "ZS-PM-0001": ("单价不符", "100.00"),
        "ZS-PM-9902": ("资源不在台账", "1500.00"),
    }
    assert "回收时间 2022-09-30 18:00" in lines["ZS-VM-0002"]["依据"]
    assert "目录单价 1500" in lines["ZS-PM-0001"]["依据"]
    (chart,) = app.get("vega_lite_chart")
    spec = json.dumps(json.loads(chart.proto.spec), ensure_ascii=False)  # type: ignore[attr-defined]
    encoding = json.loads(spec)["encoding"]
    assert (encoding["x"]["field"], encoding["y"]["field"], encoding["color"]["field"]) == (
        "资源池", "争议金额（元）", "服务项编码"
    )  # fmt: skip
    assert {b.label for b in app.get("download_button")} == {"下载明细 CSV", "下载核对结果 XLSX"}


def test_the_filters_narrow_the_lines_and_the_totals(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = signed_in()
    app.multiselect(key="b_codes").select("price_mismatch").run()
    assert [row["资源编号"] for row in _lines(app)] == ["ZS-PM-0001"]
    assert "争议合计 100.00 元" in texts(app)
    app.multiselect(key="b_codes").unselect("price_mismatch").run()
    app.multiselect(key="b_pools").select("一云").run()
    assert {row["资源编号"] for row in _lines(app)} == {"ZS-VM-0001", "ZS-VM-0002", "ZS-VM-7701"}
    assert "争议合计 840.00 元" in texts(app)


def test_an_operator_sees_only_its_own_pools_lines(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = signed_in("二云运营")
    page = texts(app)
    assert "仅含本单位资源池的结算行：二云" in page
    assert "争议合计 1600.00 元" in page
    assert {row["资源编号"] for row in _lines(app)} == {"ZS-PM-0001", "ZS-PM-9902"}
    assert "ZS-VM" not in page + json.dumps(
        [c.proto.spec for c in app.get("vega_lite_chart")]  # type: ignore[attr-defined]
    )
    assert app.multiselect(key="b_pools").options == ["二云"]


def test_a_user_unit_may_not_open_the_page(signed_in) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError):  # not among the role's pages
        signed_in("人社局")


def test_the_page_is_english_in_english(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = signed_in(lang="en")
    page = texts(app)
    assert "Billed 4360.00 yuan, in dispute 2440.00 yuan; 5 lines, 1 without dispute" in page
    lines = {row["Resource"]: row for row in _lines(app)}
    assert lines["ZS-VM-7701"]["Result"] == "not in the inventory"
    assert "reclaimed at 2022-09-30 18:00" in lines["ZS-VM-0002"]["Evidence"]
    for word in ("资源不在台账", "回收时间", "争议", "not_in_inventory"):
        assert word not in page


def test_a_year_asks_for_a_month(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = signed_in()
    app.sidebar.text_input(key="period_choice").set_value("2022").run()
    assert not app.exception
    assert "结算清单按月核对" in texts(app)


def test_the_downloads_keep_formula_like_text_as_text(
    shared_db: str, contract: Contract, tmp_path: Path
) -> None:
    operator = Viewer("二云运营", Role.OPERATOR, pools=("二云",))
    check = billing_for(
        make_engine(shared_db), contract, operator, parse_period("2022-12", contract.zone), AT
    )
    assert check is not None
    rows = [{"业务系统": v.line.system, "资源编号": v.line.resource_id} for v in check.verdicts]
    read = list(csv.reader(io.StringIO(csv_bytes(rows).decode("utf-8-sig"))))
    assert read == [["业务系统", "资源编号"], ["二云数据库主机", "ZS-PM-0001"],
                    ["'@二云社保备机", "ZS-PM-9902"]]  # fmt: skip
    target = tmp_path / "check.xlsx"
    target.write_bytes(workbook_bytes(billing_blocks(check)))
    sheet = load_workbook(target)["核对明细"]
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value == "@二云社保备机"]
    assert cells and all(c.data_type == "s" and c.quotePrefix for c in cells)
    assert not any("ZS-VM" in str(c.value) for row in sheet.iter_rows() for c in row)
