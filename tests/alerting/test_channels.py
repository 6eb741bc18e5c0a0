"""Each channel against a real loopback receiver that checks what the vendor's server checks."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import socketserver
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from typing import Any, get_args
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from monitor.alerting.channels import CHANNELS, DeliveryError, Outgoing
from monitor.alerting.config import ChannelConfig, ChannelType
from monitor.alerting.message import render
from tests.alerting.test_alertmanager_channel import facts
from tests.conftest import SHANGHAI
from tests.serving import Receiver, free_port

NOW = datetime(2024, 6, 3, 2, 35, 0, tzinfo=UTC)
SECRET = "SEC0123456789abcdef"


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def send(channel: ChannelConfig) -> None:
    alert = facts("breached", NOW)
    out = Outgoing(
        channel, "breached", alert, render(alert, SHANGHAI), SHANGHAI, NOW, requests.Session()
    )
    CHANNELS[channel.type](out)


def test_the_registry_has_every_configurable_channel_type() -> None:
    assert sorted(CHANNELS) == sorted(get_args(ChannelType))
    assert sorted(CHANNELS) == [
        "alertmanager", "console", "dingtalk", "feishu", "smtp", "webhook", "wecom"
    ]  # fmt: skip


def test_the_webhook_posts_the_facts_and_the_chinese_message(receiver: Receiver) -> None:
    send(ChannelConfig(name="h", type="webhook", url=f"{receiver.url}/h", headers={"X-K": "v"}))
    (got,) = receiver.received
    assert got.headers["X-K"] == "v"
    assert got.body["ticket_id"] == "INC-7" and got.body["title"] == "二云存储故障"
    assert got.body["summary"] == "【超时违约】重大故障到场时限 · 工单 INC-7"


def test_wecom_gets_markdown(receiver: Receiver) -> None:
    send(ChannelConfig(name="w", type="wecom", url=f"{receiver.url}/cgi-bin/webhook/send?key=k"))
    (got,) = receiver.received
    assert got.body["msgtype"] == "markdown"
    assert got.body["markdown"]["content"].startswith("### 【超时违约】")


def test_dingtalk_signs_the_url_the_way_dingtalk_verifies_it(receiver: Receiver) -> None:
    send(
        ChannelConfig(
            name="d",
            type="dingtalk",
            url=f"{receiver.url}/robot/send?access_token=t",
            secret=SECRET,
        )
    )
    (got,) = receiver.received
    query = parse_qs(urlsplit(got.path).query)
    timestamp = query["timestamp"][0]
    assert timestamp == "1717382100000"  # NOW in milliseconds
    # DingTalk's check: HmacSHA256 keyed by the secret over "timestamp\nsecret", Base64.
    expected = hmac.new(SECRET.encode(), f"{timestamp}\n{SECRET}".encode(), hashlib.sha256)
    assert query["sign"][0] == base64.b64encode(expected.digest()).decode()
    assert got.body["markdown"]["title"] == "【超时违约】重大故障到场时限 · 工单 INC-7"


def test_feishu_signs_the_body_the_way_feishu_verifies_it(receiver: Receiver) -> None:
    send(ChannelConfig(name="f", type="feishu", url=f"{receiver.url}/hook/x", secret=SECRET))
    (got,) = receiver.received
    assert got.body["timestamp"] == "1717382100"
    # Feishu's check: HmacSHA256 keyed by "timestamp\nsecret" over an empty message, Base64.
    expected = hmac.new(f"1717382100\n{SECRET}".encode(), b"", hashlib.sha256).digest()
    assert got.body["sign"] == base64.b64encode(expected).decode()
    assert got.body["content"]["text"].startswith("【超时违约】")


def test_a_robot_error_code_is_permanent_but_its_rate_limit_is_not(receiver: Receiver) -> None:
    channel = ChannelConfig(name="d", type="dingtalk", url=f"{receiver.url}/robot")
    refusal = b'{"errcode": 310000, "errmsg": "sign not match"}'
    with _answering(receiver, refusal), pytest.raises(DeliveryError, match="310000") as refused:
        send(channel)
    assert refused.value.permanent
    too_fast = b'{"errcode": 130101, "errmsg": "send too fast"}'
    with _answering(receiver, too_fast), pytest.raises(DeliveryError) as limited:
        send(channel)
    assert not limited.value.permanent


def test_a_refused_connection_is_transient() -> None:
    with pytest.raises(DeliveryError) as refused:
        send(ChannelConfig(name="h", type="webhook", url=f"http://127.0.0.1:{free_port()}/h"))
    assert not refused.value.permanent


class _answering:
    """Make the receiver answer `body` instead of success for the block."""

    def __init__(self, receiver: Receiver, body: bytes) -> None:
        self.receiver, self.body = receiver, body

    def __enter__(self) -> None:
        self.receiver.stop()
        port, body = self.receiver.port, self.body
        self.server = _Reusing(("127.0.0.1", port), _fixed(body))
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


class _Reusing(socketserver.TCPServer):
    allow_reuse_address = True  # the receiver's port, just closed


def _fixed(body: bytes) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def handle(self) -> None:
            length = 0
            while (line := self.rfile.readline()) not in (b"\r\n", b""):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            self.rfile.read(length)
            self.wfile.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n"
                + f"Content-Length: {len(body)}\r\n\r\n".encode()
                + body
            )

    return Handler


class SmtpReceiver(socketserver.ThreadingTCPServer):
    """Just enough SMTP (RFC 5321) to accept one message, or refuse the recipient."""

    allow_reuse_address = True

    def __init__(self, refuse_with: bytes | None = None) -> None:
        self.messages: list[dict[str, Any]] = []
        self.refuse_with = refuse_with
        super().__init__(("127.0.0.1", 0), _SmtpHandler)
        threading.Thread(target=self.serve_forever, daemon=True).start()


class _SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpReceiver

    def handle(self) -> None:
        envelope: dict[str, Any] = {"to": []}
        self.wfile.write(b"220 test ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 test\r\n")
            elif verb == b"MAIL":
                envelope["from"] = line.decode().strip()
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"RCPT":
                if self.server.refuse_with:
                    self.wfile.write(self.server.refuse_with)
                    continue
                envelope["to"].append(line.decode().strip().split(":", 1)[1])
                self.wfile.write(b"250 ok\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while (chunk := self.rfile.readline()) != b".\r\n":
                    data += chunk
                envelope["data"] = data
                self.server.messages.append(envelope)
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_smtp_sends_a_utf8_mail_to_every_recipient() -> None:
    server = SmtpReceiver()
    try:
        port = server.server_address[1]
        send(
            ChannelConfig(
                name="m", type="smtp", host="127.0.0.1", port=port,
                sender="slamon@example.gov.cn", to=("a@example.gov.cn", "b@example.gov.cn"),
            )
        )  # fmt: skip
        (envelope,) = server.messages
        assert envelope["to"] == ["<a@example.gov.cn>", "<b@example.gov.cn>"]
        mail = message_from_bytes(envelope["data"], policy=policy.default)
        assert mail["Subject"] == "【超时违约】重大故障到场时限 · 工单 INC-7"
        assert "责任方：运营单位 某运营单位，资源池 二云" in mail.get_content()
    finally:
        server.shutdown()
        server.server_close()


def test_smtp_recipient_refused_for_good_is_permanent() -> None:
    server = SmtpReceiver(refuse_with=b"550 no such user\r\n")
    try:
        with pytest.raises(DeliveryError) as refused:
            send(
                ChannelConfig(
                    name="m", type="smtp", host="127.0.0.1", port=server.server_address[1],
                    sender="s@example.gov.cn", to=("x@example.gov.cn",),
                )
            )  # fmt: skip
        assert refused.value.permanent
    finally:
        server.shutdown()
        server.server_close()


def test_the_console_prints_the_plain_message_as_one_block(
    capsys: pytest.CaptureFixture[str],
) -> None:
    send(ChannelConfig(name="c", type="console"))
    printed = capsys.readouterr().out
    assert printed.startswith("\n【超时违约】重大故障到场时限 · 工单 INC-7\n")
    assert "\n工单：INC-7（二云存储故障）\n" in printed
    assert "责任方：运营单位 某运营单位，资源池 二云\n" in printed


def test_a_closed_console_is_permanent(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = io.StringIO()
    closed.close()
    monkeypatch.setattr(sys, "stdout", closed)
    with pytest.raises(DeliveryError) as refused:
        send(ChannelConfig(name="c", type="console"))
    assert refused.value.permanent
