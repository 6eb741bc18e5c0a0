"""违约 through Streamlit's AppTest: an operator requests a waiver of a violation that is not on
the first page (the picker searches them all), a second supervisor approves it, the forms
clear and the picker never moves on to another violation; a supervisor cannot approve its own
request; an appeal's ruling shows on the list and the incident detail."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from collectors.tickets.file_import import import_tickets
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.viewer import Role
from monitor.runs.evaluate import run_evaluation
from monitor.storage.db import make_engine
from monitor.storage.users import add_user
from tests.dashboard.seed import AT, PASSWORD, PASSWORD_HASH, filled_database
from tests.dashboard.test_pages import APP, ids, open_page, texts

SignIn = Callable[[str], AppTest]
PAGE_SIZE = 10
SECOND_SUPERVISOR = "监理二"


def crowded_database(path: Path, contract: Contract, calendar: BusinessCalendar) -> str:
    """The seed plus four late November faults in 二云 (three violations each), so that the
    seed's GZ-2022-0102 (reported in August) is on the second page; and a second supervisor."""
    url = filled_database(path, contract, calendar)
    csv = path.parent / "late_november.csv"
    rows = [
        f"EX-2022-11{n:02d},fault,major,二云,机房空调故障{n},2022-11-18 08:{n:02d},"
        f"2022-11-18 20:{n:02d},2022-11-18 21:00"
        for n in range(4)
    ]
    csv.write_text(
        "工单编号,类型,故障等级,资源池,标题,报障时间,恢复时间,关闭时间\n" + "\n".join(rows) + "\n",
        encoding="utf-8",
    )
    engine = make_engine(url)
    import_tickets(engine, csv, contract, source="sheet", now=AT)
    run_evaluation(engine, ContractSet.single(contract, calendar), AT, store=True)
    add_user(engine, SECOND_SUPERVISOR, Role.SUPERVISOR, password_hash=PASSWORD_HASH, now=AT)
    engine.dispose()
    return url


@pytest.fixture
def violations_as(
    tmp_path: Path,
    contract: Contract,
    calendar: BusinessCalendar,
    monkeypatch: pytest.MonkeyPatch,
) -> SignIn:
    """Sign in as a user (a browser of its own) and open 违约 on one shared crowded database."""
    monkeypatch.setenv("SLAMON_DATABASE_URL", crowded_database(tmp_path / "db", contract, calendar))
    monkeypatch.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    monkeypatch.setenv("SLAMON_DASHBOARD_PAGE_SIZE", str(PAGE_SIZE))
    monkeypatch.delenv("SLAMON_CONTRACT", raising=False)

    def sign_in(name: str) -> AppTest:
        app = AppTest.from_file(APP, default_timeout=60).run()
        app.text_input(key="login_name").input(name)
        app.text_input(key="login_password").input(PASSWORD)
        app.button[0].click().run()
        assert not app.exception, app.exception
        return open_page(app, "violations")

    return sign_in


def counted(app: AppTest) -> tuple[int, int]:
    """违约 N 项，其中已豁免 M 项 → (N, M)."""
    found = re.search(r"违约 (\d+) 项，其中已豁免 (\d+) 项", texts(app))
    assert found is not None, texts(app)
    return int(found.group(1)), int(found.group(2))


def first_page(app: AppTest) -> list[str]:
    return ids(app)


def pick(app: AppTest, key: str, starts: str) -> None:
    box = app.selectbox(key=key)
    box.select(next(option for option in box.options if option.startswith(starts)))


def request(app: AppTest, search: str, label: str, reason: str, evidence: str) -> AppTest:
    app.text_input(key="w_search").input(search).run()
    pick(app, "w_pick", label)
    app.text_area(key="w_reason").input(reason)
    app.text_input(key="w_evidence").input(evidence)
    app.button(key="w_submit").click().run()
    assert not app.exception, app.exception
    return app


def assert_request_form_is_empty(app: AppTest) -> None:
    assert app.text_input(key="w_search").value == ""
    assert app.selectbox(key="w_pick").value is None  # never moved on to the next violation
    assert app.text_area(key="w_reason").value == ""
    assert app.text_input(key="w_evidence").value == ""


def test_an_operator_requests_a_waiver_off_the_first_page_and_a_supervisor_approves_it(
    violations_as: SignIn,
) -> None:
    operator: AppTest = violations_as("二云运营")
    total, waived = counted(operator)
    assert total > PAGE_SIZE and waived == 0
    assert "GZ-2022-0102" not in first_page(operator)  # on page 2
    request(operator, "GZ-2022-0102", "GZ-2022-0102 · 重大故障解决时限", "市电中断（不可抗力）",
            "供电局停电通知〔2022〕88号")  # fmt: skip
    page = texts(operator)
    assert "已提交豁免申请：GZ-2022-0102 · 重大故障解决时限 · 超时违约" in page
    assert counted(operator) == (total, 0)  # asked, not yet waived
    assert_request_form_is_empty(operator)
    # A second click with the emptied form asks for nothing.
    operator.button(key="w_submit").click().run()
    assert [e.value for e in operator.error] == ["请先选择一项"]
    assert not any(b.key == "d_approved" for b in operator.button)  # operators do not decide
    request(operator, "磁盘", "JK-2022-0533", "监控误报", "监控平台截图")

    supervisor: AppTest = violations_as("监理")
    pick(supervisor, "d_pick", "#1 · GZ-2022-0102 · 重大故障解决时限")
    supervisor.text_area(key="d_comment").input("停电通知属实")
    supervisor.button(key="d_approved").click().run()
    assert not supervisor.exception, supervisor.exception
    page = texts(supervisor)
    assert "GZ-2022-0102 · 重大故障解决时限 · 超时违约：已批准，不计违约" in page
    assert counted(supervisor) == (total, 1)
    # Cleared, and the other request still waiting is not chosen in its place.
    assert supervisor.text_area(key="d_comment").value == ""
    assert supervisor.selectbox(key="d_pick").value is None
    assert [o.split(" · ")[1] for o in supervisor.selectbox(key="d_pick").options] == [
        "JK-2022-0533"
    ]
    # The audit log, in Chinese.
    audit = supervisor.table[-1].value
    assert {"申请豁免", "批准豁免"} <= set(audit["事件"])
    assert "waiver.approve" not in audit.to_string()

    operator.run()
    operator.radio(key="v_waived").set_value("waived").run()
    frame = operator.dataframe[0].value
    assert ids(operator) == ["GZ-2022-0102"]
    assert (
        frame["豁免申请/申诉"].iloc[0].startswith("豁免申请·已批准，不计违约：停电通知属实（监理，")
    )


def test_a_supervisors_own_request_waits_for_another_supervisor(violations_as: SignIn) -> None:
    first: AppTest = violations_as("监理")
    open_page(first, "overview")
    assert {m.label: m.value for m in first.metric}["系统故障响应或维护及时性"] == "2 / 3"
    open_page(first, "violations")
    request(first, "预约挂号", "GZ-2022-0171", "区域性停电（不可抗力）", "供电局通知 88 号")
    assert "另有 1 项由你本人提交，须由另一位监理审批" in texts(first)
    assert not any(b.key == "d_approved" for b in first.button)  # nothing of theirs to decide

    second: AppTest = violations_as(SECOND_SUPERVISOR)
    pick(second, "d_pick", "#1 · GZ-2022-0171")
    second.text_area(key="d_comment").input("同意")
    second.button(key="d_approved").click().run()
    assert not second.exception, second.exception
    assert counted(second)[1] == 1
    # December's only late fault no longer counts, and the detail says who approved it.
    open_page(second, "overview")
    assert {m.label: m.value for m in second.metric}["系统故障响应或维护及时性"] == "3 / 3"
    open_page(second, "incident")
    second.text_input(key="detail_ticket_id").input("GZ-2022-0171").run()
    page = texts(second)
    assert "已豁免：区域性停电（不可抗力）（监理二，" in page
    assert "豁免申请·已批准，不计违约：同意（监理二，" in page


def test_an_appeal_upheld_shows_its_ruling_on_the_list_and_the_incident(
    violations_as: SignIn,
) -> None:
    operator: AppTest = violations_as("二云运营")
    operator.text_input(key="w_search").input("GZ-2022-0171").run()
    pick(operator, "w_pick", "GZ-2022-0171")
    operator.radio(key="w_kind").set_value("appeal")
    operator.text_area(key="w_reason").input("用户确认时间录入有误")
    operator.text_input(key="w_evidence").input("用户确认单 Q-0171")
    operator.button(key="w_submit").click().run()
    assert "已提交申诉：GZ-2022-0171" in texts(operator)

    supervisor: AppTest = violations_as("监理")
    pick(supervisor, "a_pick", "#1 · GZ-2022-0171")
    supervisor.text_area(key="a_comment").input("确认单时间与日志不符")
    supervisor.button(key="a_upheld").click().run()
    assert not supervisor.exception, supervisor.exception
    assert counted(supervisor)[1] == 0

    operator.text_input(key="v_text").input("0171").run()
    assert (
        operator.dataframe[0]
        .value["豁免申请/申诉"]
        .iloc[0]
        .startswith("申诉·申诉驳回，维持违约：确认单时间与日志不符（监理，")
    )
    open_page(operator, "incident")
    operator.text_input(key="detail_ticket_id").input("GZ-2022-0171").run()
    page = texts(operator)
    assert "申诉·申诉驳回，维持违约：确认单时间与日志不符（监理，" in page
    assert "申诉驳回，维持违约" in operator.table[-1].value.to_string()  # the timeline
