"""What an obligation alert says: Chinese first, the due moment in the contract's zone, and the
texts of the contract and the evidence file shown, never rendered."""

from __future__ import annotations

from datetime import date

from monitor.alerting.links import dashboard_link
from monitor.alerting.message import obligation_alert_facts, render
from monitor.domain.obligations import ObligationClock
from tests.conftest import SHANGHAI, local

HOSTILE = "**紧急** [点此](http://evil.example) <@all> `x`"


def notice_clock() -> ObligationClock:
    return ObligationClock(
        obligation_id="vulnerability_fix",
        subject=HOSTILE,
        pool="一云|_二云_",
        label="LD-2023-7",
        start=date(2023, 3, 1),
        end=date(2023, 3, 2),
        due_at=local("2023-03-15 00:00"),
        at_risk_at=local("2023-03-12 00:00"),
        required=1,
        completions=(),
    )


def test_a_missed_notice_names_the_duty_its_period_due_moment_pool_and_subject() -> None:
    facts = obligation_alert_facts(
        notice_clock(), "漏洞通报整改", "missed", local("2023-03-15 09:00")
    )
    message = render(facts, SHANGHAI, dashboard_link(facts, "https://slamon.example"))
    assert message.title == "【已逾期】履约事项 漏洞通报整改 · LD-2023-7"
    assert message.text.splitlines()[1:5] == [
        "履约事项：漏洞通报整改（vulnerability_fix）",
        "周期：LD-2023-7",
        "期限：2023-03-15 00:00:00（Asia/Shanghai）",
        "状态：已逾期，期限已过仍未完成，已完成 0/1",
    ]
    assert message.link == "https://slamon.example/obligations"


def test_the_texts_of_an_obligation_alert_format_link_and_mention_nothing() -> None:
    facts = obligation_alert_facts(
        notice_clock(), "漏洞*通报*", "at_risk", local("2023-03-13 09:00")
    )
    message = render(facts, SHANGHAI)
    assert (
        "- **对象**：＊＊紧急＊＊ ［点此］(http：//evil.example) ＜＠all＞ ｀x｀"
        in message.markdown
    )
    assert "- **资源池**：一云｜＿二云＿" in message.markdown
    assert message.markdown.startswith("### 【即将到期】履约事项 漏洞＊通报＊ · LD-2023-7\n")
    assert "对象：**紧急** [点此](http：//evil.example) ＜@all＞ `x`" in message.text
    assert "状态：即将到期，距期限还剩 1天15小时，已完成 0/1" in message.text
