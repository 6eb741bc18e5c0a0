"""The Chinese alert text: ticket, target, deadline in the contract's zone, lateness, owner."""

from __future__ import annotations

from datetime import timedelta

from monitor.alerting.links import dashboard_link
from monitor.alerting.message import alert_facts, render
from monitor.contract.model import Contract
from monitor.domain.tickets import Status, TargetResult, Ticket
from tests.conftest import SHANGHAI, local

REPORTED = local("2022-08-10 11:41")


def breach_facts(contract: Contract) -> dict[str, object]:
    ticket = Ticket(
        "GZ-2022-0102",
        "fault",
        REPORTED,
        severity="major",
        source="api",
        pool="二云",
        operator="某运营单位",
        user_unit="市人社局",
        system="社保系统",
        title="存储故障",
    )
    result = TargetResult(
        "api",
        "GZ-2022-0102",
        "major.restore",
        Status.BREACHED,
        REPORTED,
        REPORTED + timedelta(hours=2),
        None,
        3 * 3600 + 5 * 60,
    )
    return alert_facts(ticket, result, contract, "breached", local("2022-08-10 16:46"))


def test_a_breach_message_names_everything_an_operator_needs(contract: Contract) -> None:
    facts = breach_facts(contract)
    link = dashboard_link(facts, "https://slamon.example/")
    message = render(facts, SHANGHAI, link)
    assert message.title == "【超时违约】重大故障解决时限 · 工单 GZ-2022-0102"
    assert message.text.splitlines()[1:] == [
        "工单：GZ-2022-0102（存储故障）",
        "类型：故障 / 重大",
        "指标：重大故障解决时限（时限 2h）",
        "起算：2022-08-10 11:41:00",
        "时限：2022-08-10 13:41:00（Asia/Shanghai）",
        "状态：已超时 3小时5分，仍未完成",
        "责任方：运营单位 某运营单位，资源池 二云",
        "使用单位：市人社局 / 社保系统",
        "详情：https://slamon.example/incident?ticket=GZ-2022-0102&source=api",
    ]
    assert message.markdown.startswith("### 【超时违约】")


def test_an_at_risk_message_says_how_long_is_left(contract: Contract) -> None:
    facts = {
        **breach_facts(contract),
        "stage": "at_risk",
        "occurred_at": local("2022-08-10 13:11").isoformat(),
    }
    assert "状态：临近超时，距时限还剩 30分" in render(facts, SHANGHAI).text


def test_a_resolved_message_says_when_it_was_done_and_how_late(contract: Contract) -> None:
    facts = {
        **breach_facts(contract),
        "stage": "resolved",
        "stop": local("2022-08-17 09:00").isoformat(),
        "overdue_seconds": 6 * 86400 + 19 * 3600 + 19 * 60,
    }
    text = render(facts, SHANGHAI).text
    assert text.startswith("【超时后已完成】")
    assert "状态：已于 2022-08-17 09:00:00 完成，超时 6天19小时19分" in text
