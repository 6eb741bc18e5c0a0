"""What every channel shares: the failure type, the send context and the one HTTP seam."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlsplit
from zoneinfo import ZoneInfo

import requests

from monitor.alerting.config import ChannelConfig
from monitor.alerting.message import Message
from monitor.http import HttpFailure, json_of, send

# A path segment this long with a digit in it is taken for a token (a UUID, a random key).
_TOKEN_LIKE = re.compile(r"(?=[^/]*\d)[A-Za-z0-9_\-.~%]{16,}")
_SHORTEST_SECRET = 6  # a shorter value ("1", "json", a user "u") is not hidden everywhere


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
        raise DeliveryError(
            redacted(str(failure), url), failure.permanent, failure.retry_after
        ) from None


def redacted(text: str, url: str) -> str:
    """`text` without the secrets of `url`: its query values, its user and password, and path
    segments that look like a token (Feishu's hook id, a Slack key); a robot's access token or
    key is in its URL, and delivery errors go to the log and the database."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    for name, _ in query:  # "key=…" however the text quotes the value
        text = re.sub(rf"({re.escape(name)}=)[^&\s'\")]+", r"\1***", text)
    secrets = [value for _, value in query]
    secrets += [segment for segment in parts.path.split("/") if _TOKEN_LIKE.fullmatch(segment)]
    secrets += [parts.username or "", parts.password or ""]
    for secret in secrets:
        for form in {secret, unquote(secret), quote(secret, safe="")}:
            if len(form) >= _SHORTEST_SECRET:
                text = text.replace(form, "***")
    return text


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
    message = redacted(str(message), response.url)  # some robots quote the URL they were sent
    raise DeliveryError(f"robot error {code}: {message}", permanent=code not in rate_limited)
