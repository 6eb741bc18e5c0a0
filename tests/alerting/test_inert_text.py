"""What a ticket says cannot steer what an alert says, and an alert's failure gives nothing away.

Chat robots get the ticket's texts as one inert line each: no new line, heading, link, emphasis
or mention. An e-mail whose header would carry a control character fails for good, with the
reason. A channel's failure never names the access token or key in its URL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, select

from monitor.alerting.channels import CHANNELS, DeliveryError, Outgoing
from monitor.alerting.channels.base import redacted
from monitor.alerting.config import AlertingConfig, ChannelConfig
from monitor.alerting.message import render
from monitor.alerting.outbox import Dispatcher
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.storage.alerts import DELIVERY
from tests.alerting.test_alertmanager_channel import facts
from tests.alerting.test_channels import SmtpReceiver, _answering
from tests.alerting.test_outbox import evaluate, store_major_fault
from tests.conftest import SHANGHAI, local
from tests.serving import Receiver, free_port

NOW = datetime(2024, 6, 3, 2, 35, 0, tzinfo=UTC)
HOSTILE = {
    "title": "x\n### 【已恢复】无需处理 [点击登录处理](http://127.0.0.1/) <@all>",
    "operator": "**责任方**",
    "user_unit": "@all\r\n> 市人社局 ![图](http://127.0.0.1/p.png)",
    "system": '<at user_id="all">所有人</at> <@zhangsan> `系统` _斜体_ ~~删~~ '
    '<font color="info">绿</font>',
    "pool": "二云\u2028# 一云",
}
# What Markdown, WeCom, DingTalk or Feishu would read as markup, a link or a mention.
MARKUP = ("<", ">", "@", "[", "]", "`", "_", "~", "http://")
TOKEN = "a9f3c1e7-5b2d-4c8e-9f10-token0123456"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def send(channel: ChannelConfig, **values: Any) -> None:
    alert = facts("breached", NOW, **values)
    out = Outgoing(
        channel, "breached", alert, render(alert, SHANGHAI), SHANGHAI, NOW, requests.Session()
    )
    CHANNELS[channel.type](out)


def assert_inert(markdown: str) -> None:
    lines = markdown.split("\n")
    # The heading, then one "- **name**：value" line per fact, 使用单位 included: no more.
    assert len(lines) == 9, lines
    assert lines[0].startswith("### 【超时违约】") and "#" not in "\n".join(lines[1:])
    assert all(line.startswith("- **") and line.count("**") == 2 for line in lines[1:]), lines
    assert [mark for mark in MARKUP if mark in markdown] == []
    assert "无需处理" in lines[1] and "点击登录处理" in lines[1]  # still there, as text
    assert "责任方" in lines[7]


def test_wecom_gets_the_tickets_texts_as_one_inert_line_each(receiver: Receiver) -> None:
    url = f"{receiver.url}/cgi-bin/webhook/send?key=k"
    send(ChannelConfig(name="w", type="wecom", url=url), **HOSTILE)
    (got,) = receiver.received
    assert_inert(got.body["markdown"]["content"])


def test_dingtalk_gets_the_tickets_texts_as_one_inert_line_each(receiver: Receiver) -> None:
    url = f"{receiver.url}/robot/send?access_token=t"
    send(ChannelConfig(name="d", type="dingtalk", url=url), **HOSTILE)
    (got,) = receiver.received
    assert_inert(got.body["markdown"]["text"])


def test_feishu_text_gets_no_extra_line_and_no_mention(receiver: Receiver) -> None:
    send(ChannelConfig(name="f", type="feishu", url=f"{receiver.url}/hook/x"), **HOSTILE)
    (got,) = receiver.received
    text = got.body["content"]["text"]
    assert len(text.split("\n")) == 9
    assert "<at" not in text and "无需处理" in text


# --- e-mail headers -----------------------------------------------------------------------------

CRLF_ID = "INC-1\r\nBcc: victim@example.gov.cn"


def smtp_channel(server: SmtpReceiver) -> dict[str, Any]:
    return {
        "name": "mail",
        "type": "smtp",
        "host": "127.0.0.1",
        "port": server.server_address[1],
        "sender": "slamon@example.gov.cn",
        "to": ["duty@example.gov.cn"],
    }


def test_an_email_subject_with_a_line_break_is_refused_for_good_with_the_reason() -> None:
    server = SmtpReceiver()
    try:
        channel = ChannelConfig.model_validate(smtp_channel(server))
        with pytest.raises(DeliveryError) as refused:
            send(channel, ticket_id=CRLF_ID)
        assert refused.value.permanent
        assert "控制字符" in str(refused.value) and "Subject" in str(refused.value)
        assert server.messages == []
    finally:
        server.shutdown()
        server.server_close()


def test_the_outbox_gives_up_on_such_an_email_instead_of_retrying_it_forever(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    server = SmtpReceiver()
    try:
        alerting = AlertingConfig.model_validate({"channels": [smtp_channel(server)]})
        store_major_fault(engine, ticket_id=CRLF_ID)  # stored before ids were checked
        evaluate(engine, contract, calendar, alerting, local("2024-06-03 10:25"))
        now = local("2024-06-03 10:25:05")
        assert Dispatcher(engine, alerting, SHANGHAI, None, now=lambda: now).run_once() == 1
        with engine.connect() as connection:
            row = connection.execute(select(DELIVERY)).one()
        assert (row.attempts, row.failed_at, row.acknowledged_at) == (1, now, None)
        assert "控制字符" in row.last_error
        assert server.messages == []
    finally:
        server.shutdown()
        server.server_close()


# --- secrets in webhook URLs ------------------------------------------------------------------

ROBOTS = [
    ("wecom", "/cgi-bin/webhook/send?key={token}"),
    ("dingtalk", "/robot/send?access_token={token}"),
    ("feishu", "/open-apis/bot/v2/hook/{token}"),
    ("webhook", "/hooks/{token}?sig={token}"),
]


@pytest.mark.parametrize(("kind", "path"), ROBOTS)
def test_a_refused_connection_does_not_name_the_token_in_the_url(kind: str, path: str) -> None:
    url = f"http://127.0.0.1:{free_port()}" + path.format(token=TOKEN)
    with pytest.raises(DeliveryError) as failed:
        send(ChannelConfig(name="r", type=kind, url=url, secret="SEC-signing-secret"))  # type: ignore[arg-type]
    message = str(failed.value)
    assert "ConnectionError" in message and "127.0.0.1" in message
    assert TOKEN not in message and "SEC-signing-secret" not in message
    assert "sign=" not in message or "sign=***" in message


@pytest.mark.parametrize(("kind", "path"), ROBOTS[:2])
def test_a_robot_answer_that_echoes_the_url_does_not_leak_the_token(
    receiver: Receiver, kind: str, path: str
) -> None:
    url = receiver.url + path.format(token=TOKEN)
    echo = f'{{"errcode": 93000, "errmsg": "invalid webhook url {url}"}}'.encode()
    with _answering(receiver, echo), pytest.raises(DeliveryError) as refused:
        send(ChannelConfig(name="r", type=kind, url=url))  # type: ignore[arg-type]
    assert "93000" in str(refused.value) and TOKEN not in str(refused.value)


def test_the_user_and_password_of_a_url_are_hidden_too() -> None:
    url = "http://slamon:pw-0123456789@127.0.0.1:9093/api/v2/alerts"
    text = f"HTTPConnectionPool: Max retries exceeded with url: {url}"
    assert redacted(text, url) == (
        "HTTPConnectionPool: Max retries exceeded with url: http://***:***@127.0.0.1:9093/api/v2/alerts"
    )
