"""What every channel shares: the failure type, the send context and the one HTTP seam."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import requests

from monitor.alerting.config import ChannelConfig
from monitor.alerting.message import Message


class DeliveryError(Exception):
    """A channel did not take the alert; `permanent` when sending again cannot help."""

    def __init__(self, message: str, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent


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
    """POST JSON; connection problems, 429 and 5xx are transient, other non-2xx permanent."""
    try:
        response = out.session.post(
            url,
            json=body,
            headers={**out.channel.headers, **(headers or {})},
            timeout=out.channel.timeout.total_seconds(),
        )
    except (requests.ConnectionError, requests.Timeout) as error:
        raise DeliveryError(f"{type(error).__name__}: {error}") from None
    if 200 <= response.status_code < 300:
        return response
    permanent = response.status_code < 500 and response.status_code != 429
    detail = response.text[:300].strip()
    raise DeliveryError(f"HTTP {response.status_code}: {detail}", permanent)


def check_robot_answer(
    response: requests.Response, code_keys: tuple[str, ...], rate_limited: set[int]
) -> None:
    """Chat robots answer 200 with an error code in the body; 0 is success."""
    try:
        body = response.json()
    except ValueError:
        raise DeliveryError(f"answer is not JSON: {response.text[:200]}", True) from None
    code = next((body[key] for key in code_keys if key in body), 0)
    if code in (0, None):
        return
    message = body.get("errmsg") or body.get("msg") or body.get("StatusMessage") or ""
    raise DeliveryError(f"robot error {code}: {message}", permanent=code not in rate_limited)
