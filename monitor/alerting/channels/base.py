"""What every channel shares: the failure type, the send context and the one HTTP seam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

from monitor.alerting.config import ChannelConfig
from monitor.alerting.message import Message
from monitor.http import HttpFailure, json_of, send


class DeliveryError(HttpFailure):
    """A channel did not take the alert; `permanent` when sending again cannot help."""


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One alert for one channel: its facts, the rendered message, and when it is sent."""

    channel: ChannelConfig
    stage: str
    facts: dict[str, Any]
    message: Message
    zone: ZoneInfo
    now: datetime
    session: requests.Session


def post_json(
    out: Outgoing, url: str, body: Any, headers: dict[str, str] | None = None
) -> requests.Response:
    """POST JSON once: the outbox, not the channel, decides when to send again."""
    try:
        return send(
            out.session,
            "POST",
            url,
            json=body,
            headers={**out.channel.headers, **(headers or {})},
            timeout=out.channel.timeout.total_seconds(),
        )
    except HttpFailure as failure:
        raise DeliveryError.of(failure) from None


def check_robot_answer(
    response: requests.Response, code_keys: tuple[str, ...], rate_limited: set[int]
) -> None:
    """Chat robots answer 200 with an error code in the body; 0 is success."""
    try:
        body = json_of(response)
    except HttpFailure as failure:
        raise DeliveryError.of(failure) from None
    code = next((body[key] for key in code_keys if key in body), 0)
    if code in (0, None):
        return
    message = body.get("errmsg") or body.get("msg") or body.get("StatusMessage") or ""
    raise DeliveryError(f"robot error {code}: {message}", permanent=code not in rate_limited)
