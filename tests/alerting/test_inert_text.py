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

from monitor.alerting.channels import CHANNELS, Outgoing
from monitor.alerting.config import ChannelConfig
from monitor.alerting.message import render
from tests.alerting.test_alertmanager_channel import facts
from tests.conftest import SHANGHAI
from tests.serving import Receiver

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
