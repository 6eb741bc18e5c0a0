"""WeCom (企业微信) group robot: a Markdown message to the robot's webhook (key in the URL)."""

from __future__ import annotations

from monitor.alerting.channels.base import Outgoing, check_robot_answer, post_json

_RATE_LIMITED = {45009}  # "api freq out of limit"


def send(out: Outgoing) -> None:
    assert out.channel.url is not None
    body = {"msgtype": "markdown", "markdown": {"content": out.message.markdown}}
    check_robot_answer(post_json(out, out.channel.url, body), ("errcode",), _RATE_LIMITED)
