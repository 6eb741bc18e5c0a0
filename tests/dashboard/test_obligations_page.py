"""履约事项 through Streamlit's AppTest on the seeded database with evidence of 2022 (by hand):
one drill of two by 2022-05-10 (at risk from 2 December), week 50's inspection done by 二云 on
14 December and not by 一云, notice TB-9 of 1 December never fixed (due at the end of the 15th)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collectors.records.evidence import import_evidence
from monitor.storage.db import make_engine
from tests.dashboard.seed import AT, PASSWORD, ROOT
from tests.dashboard.test_pages import texts
from tests.rules.obligation_contract import contract_with_obligations

APP = str(ROOT / "dashboard" / "app.py")
EVIDENCE = """履约事项,完成日期,佐证材料,完成人,资源池,通报编号,通报日期
应急演练,2022-05-10,应急演练记录-2022-01,李四,,,
每周巡检,2022-12-14,巡检周报-W50,赵六,二云,,
漏洞通报整改,,,,,TB-9,2022-12-01
"""


@pytest.fixture(scope="module")
def with_evidence(shared_db: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp("obligations")
    contract = contract_with_obligations(folder)
    path = folder / "evidence.csv"
    path.write_text(EVIDENCE, encoding="utf-8")
    engine = make_engine(shared_db)
    now = datetime(2022, 12, 20, tzinfo=UTC)
    assert import_evidence(engine, path, contract, source="s", now=now).exit_code == 0
    engine.dispose()
    return shared_db, folder / "contract.yaml"


@pytest.fixture
def signed_in(with_evidence: tuple[str, Path], monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    database, contract = with_evidence
    monkeypatch.setenv("SLAMON_DATABASE_URL", database)
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.setenv("SLAMON_CONTRACT", str(contract))

    def sign_in(name: str = "监理", lang: str = "zh") -> AppTest:
        app = AppTest.from_file(APP, default_timeout=60).run()
        app.text_input(key="login_name").input(name)
        app.text_input(key="login_password").input(PASSWORD)
        app.button[0].click().run()
        assert not app.exception, app.exception
        if lang != "zh":
            app.sidebar.radio(key="lang_choice").set_value(lang).run()
        app.sidebar.text_input(key="period_choice").set_value("2022-12").run()
        app.switch_page("screens/obligations.py").run()
        assert not app.exception, app.exception
        return app

    return sign_in


def _rows(app: AppTest) -> list[dict[str, str]]:
    return app.dataframe[0].value.astype(str).to_dict("records")  # type: ignore[no-any-return]


def test_the_supervisor_sees_every_period_owed_in_december(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = signed_in()
    assert app.title[0].value == "履约事项"
    rows = {(row["履约事项"], row["期间"], row["资源池"]): row for row in _rows(app)}
    drill = rows[("应急演练", "2022", "—")]
    assert (drill["状态"], drill["已完成"], drill["要求"]) == ("临近期限", "1", "2")
    assert drill["依据"] == "应急演练记录-2022-01 2022-05-10 李四"
    assert rows[("每周巡检", "2022-W50", "二云")]["状态"] == "按期完成"
    assert rows[("每周巡检", "2022-W50", "一云")]["状态"] == "逾期未完成"
    notice = rows[("漏洞通报整改", "TB-9", "—")]
    assert (notice["状态"], notice["应完成时间"]) == ("逾期未完成", "2022-12-15 24:00")


def test_an_operator_sees_its_own_pools_obligations_only(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = signed_in("二云运营")
    rows = _rows(app)
    assert rows and {row["资源池"] for row in rows} == {"二云"}
    assert "仅含本单位资源池的履约事项：二云" in texts(app)


def test_the_page_reads_in_english(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = signed_in(lang="en")
    assert app.title[0].value == "Obligations"
    rows = {(row["Obligation"], row["Period"]): row for row in _rows(app)}
    assert rows[("Emergency drill", "2022")]["Status"] == "At risk"
    assert rows[("Vulnerability notice fixed and reported", "TB-9")]["Status"] == "Missed"


def test_a_user_unit_may_not_open_the_page(signed_in) -> None:  # type: ignore[no-untyped-def]
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key="login_name").input("人社局")
    app.text_input(key="login_password").input(PASSWORD)
    app.button[0].click().run()
    assert not app.exception, app.exception
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page("screens/obligations.py")  # not listed for a user unit
