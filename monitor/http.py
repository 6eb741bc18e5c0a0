"""The one HTTP seam: which failures are worth asking again, and asking again patiently.

A network failure (refused, reset, timed out), 429 and 5xx are transient: the same request may
pass later. Any other answer outside 2xx is permanent: the request itself is wrong. A 429 or
503 may say how long to wait (Retry-After, in seconds or as an HTTP date); that wait replaces
the backoff, and a wait longer than the caller allows fails the request rather than stalling it.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Self

import requests

from monitor import clock

# Exceptions raised while the connection breaks, before or during the answer.
_NETWORK_ERRORS = (
    requests.ConnectionError,
    requests.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
# Statuses whose Retry-After says when to ask again (RFC 9110 §10.2.3).
_WAIT_STATUSES = {429, 503}


class HttpFailure(Exception):
    """A request that did not succeed; `permanent` when asking again cannot help."""

    def __init__(
        self, message: str, permanent: bool = False, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.retry_after = retry_after  # seconds the server asked to wait, when it said

    @classmethod
    def of(cls, failure: HttpFailure, where: str = "") -> Self:
        """The same failure as this type, its message prefixed with `where` when given."""
        message = f"{where}: {failure}" if where else str(failure)
        return cls(message, failure.permanent, failure.retry_after)


@dataclass(frozen=True, slots=True)
class Retry:
    """How often and how patiently a request is asked again after a transient failure."""

    retries: int = 0  # further attempts after the first
    backoff: float = 1.0  # seconds before the first retry, doubled after each one
    max_retry_after: float = 300.0  # a longer Retry-After fails the request
    sleep: Callable[[float], None] = time.sleep


ONCE = Retry()


def classify(
    outcome: requests.Response | requests.RequestException, now: datetime
) -> HttpFailure | None:
    """None for a 2xx answer; otherwise the failure, transient or permanent."""
    if isinstance(outcome, _NETWORK_ERRORS):
        return HttpFailure(f"{type(outcome).__name__}: {outcome}")
    if isinstance(outcome, requests.RequestException):
        # A malformed URL or header, a redirect loop: asking again sends the same request.
        return HttpFailure(f"{type(outcome).__name__}: {outcome}", permanent=True)
    status = outcome.status_code
    if 200 <= status < 300:
        return None
    message = f"HTTP {status}: {outcome.text[:300].strip()}"
    transient = status == 429 or 500 <= status < 600
    wait = retry_after(outcome, now) if status in _WAIT_STATUSES else None
    return HttpFailure(message, permanent=not transient, retry_after=wait)


def retry_after(response: requests.Response, now: datetime) -> float | None:
    """The answer's Retry-After in seconds (given as seconds or an HTTP date), if readable."""
    text = response.headers.get("Retry-After", "").strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        try:
            when = parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        # HTTP dates are GMT; a date written with "-0000" parses without a zone.
        seconds = (when.replace(tzinfo=when.tzinfo or UTC) - now).total_seconds()
    return max(0.0, seconds) if math.isfinite(seconds) else None


def json_of(response: requests.Response) -> Any:
    """The answer's JSON body; an answer that is not JSON is a permanent failure."""
    try:
        return response.json()
    except ValueError:
        raise HttpFailure(f"the answer is not JSON: {response.text[:200]}", True) from None


def send(
    session: requests.Session,
    method: Literal["GET", "POST"],
    url: str,
    *,
    timeout: float,
    retry: Retry = ONCE,
    params: dict[str, str] | None = None,
    json: Any = None,
    headers: dict[str, str] | None = None,
    now: Callable[[], datetime] = clock.now,
) -> requests.Response:
    """Send until a 2xx answer, retrying transient failures; raises the last HttpFailure."""
    # session.get/post rather than session.request: tests hand in sessions overriding those.
    call = session.get if method == "GET" else session.post
    delay = retry.backoff
    for attempt in range(retry.retries + 1):
        outcome: requests.Response | requests.RequestException
        try:
            outcome = call(url, params=params, json=json, headers=headers, timeout=timeout)
        except requests.RequestException as error:
            outcome = error
        failure = classify(outcome, now())
        if failure is None:
            assert isinstance(outcome, requests.Response)
            return outcome
        if failure.permanent or attempt == retry.retries:
            raise failure
        wait = delay if failure.retry_after is None else failure.retry_after
        if wait > retry.max_retry_after:
            allowed = retry.max_retry_after
            raise HttpFailure(
                f"Retry-After {wait:.0f} s is longer than the {allowed:.0f} s allowed: {failure}",
                retry_after=wait,
            )
        retry.sleep(wait)
        delay *= 2
    raise AssertionError("unreachable")
