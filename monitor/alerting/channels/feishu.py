"""Feishu / Lark (飞书) group robot, with the robot's optional signature check (签名校验).

Signing: sign = base64(HMAC-SHA256(key=f"{timestamp_s}\\n{secret}", msg=b"")), sent in the body
with the timestamp (seconds, as a string).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from monitor.alerting.channels.base import Outgoing, check_robot_answer, post_json

_RATE_LIMITED = {9499, 11232}  # too many requests


def signature(secret: str, timestamp_s: int) -> str:
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def send(out: Outgoing) -> None:
    assert out.channel.url is not None
    body: dict[str, object] = {"msg_type": "text", "content": {"text": out.message.text}}
    secret = out.channel.signing_secret()
    if secret:
        timestamp = int(out.now.timestamp())
        body = {"timestamp": str(timestamp), "sign": signature(secret, timestamp), **body}
    check_robot_answer(post_json(out, out.channel.url, body), ("code", "StatusCode"), _RATE_LIMITED)
