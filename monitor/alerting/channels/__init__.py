"""The alert channels, one small module each, in one explicit registry.

Adding a channel: write monitor/alerting/channels/<type>.py with `send(out: Outgoing) -> None`
that raises DeliveryError (permanent=True when retrying cannot help), add the type to
ChannelType in monitor/alerting/config.py and a line here, and a test against a real receiver.
"""

from __future__ import annotations

from collections.abc import Callable

from monitor.alerting.channels import (
    alertmanager,
    console,
    dingtalk,
    feishu,
    smtp,
    webhook,
    wecom,
)
from monitor.alerting.channels.base import DeliveryError, Outgoing

Sender = Callable[[Outgoing], None]

CHANNELS: dict[str, Sender] = {
    "alertmanager": alertmanager.send,
    "webhook": webhook.send,
    "wecom": wecom.send,
    "dingtalk": dingtalk.send,
    "feishu": feishu.send,
    "smtp": smtp.send,
    "console": console.send,
}

__all__ = ["CHANNELS", "DeliveryError", "Outgoing", "Sender"]
