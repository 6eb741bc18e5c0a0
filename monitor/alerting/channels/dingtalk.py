"""DingTalk (钉钉) group robot, with the robot's optional signing (加签).

Signing: sign = base64(HMAC-SHA256(key=secret, msg=f"{timestamp_ms}\\n{secret}")), sent as the
`timestamp` and `sign` query parameters of the webhook URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import urlencode

from monitor.alerting.channels.base import Outgoing, check_robot_answer, post_json

_RATE_LIMITED = {130101}  # "send too fast"


def signature(secret: str, timestamp_ms: int) -> str:
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def signed_url(url: str, secret: str | None, timestamp_ms: int) -> str:
    if not secret:
        return url
    query = urlencode({"timestamp": timestamp_ms, "sign": signature(secret, timestamp_ms)})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def send(out: Outgoing) -> None:
    assert out.channel.url is not None
    url = signed_url(out.channel.url, out.channel.signing_secret(), int(out.now.timestamp() * 1000))
    body = {
        "msgtype": "markdown",
        "markdown": {"title": out.message.title, "text": out.message.markdown},
    }
    check_robot_answer(post_json(out, url, body), ("errcode",), _RATE_LIMITED)
