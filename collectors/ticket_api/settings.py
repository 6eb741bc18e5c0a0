"""Settings of the ticket API collectors (`tickets:` in the collectors file).

Deployment, not contract: where the service desk is, how to page it, where to begin. Secrets
never sit in the file: `token_env` names the environment variable holding the API token.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator

from monitor.contract.strict import StrictModel
from monitor.domain.durations import parse_duration
from monitor.domain.message import InvalidValue, Message


class GenericEndpoint(StrictModel):
    """A paged JSON endpoint: which query parameters page it and where the records are."""

    items: str = "items"  # dotted path of the record list in the answer ("" = the answer)
    id_field: str = "id"
    updated_field: str = "updated_at"
    since_param: str = "updated_since"
    offset_param: str = "offset"
    limit_param: str = "limit"
    since_format: str = "%Y-%m-%dT%H:%M:%SZ"  # strftime of the cursor, in UTC
    extra_params: dict[str, str] = Field(default_factory=dict)


class TicketApiSource(StrictModel):
    """One service desk API, read incrementally into slamon's tickets through a profile."""

    name: str = Field(pattern=r"^[a-z0-9_.-]+$", max_length=100)
    type: Literal["servicenow", "jira", "zammad", "generic"]
    url: str
    profile: str | None = None  # default: servicenow, jira_sm, zammad (generic: required)
    source: str | None = None  # the tickets' source; default: the collector's name
    start: datetime  # where to begin when nothing was fetched yet; no offset means UTC
    page_size: int = Field(default=100, ge=1, le=10_000)
    # Re-read this far behind the watermark: clocks differ and some APIs count in minutes.
    overlap: timedelta = timedelta(minutes=2)
    max_pages: int = Field(default=10_000, ge=1)
    timeout: timedelta = timedelta(seconds=30)
    retries: int = Field(default=3, ge=0, le=10)
    backoff: timedelta = timedelta(seconds=1)  # doubled after every failed attempt
    interval: timedelta = timedelta(minutes=5)  # how often `slamon serve` runs it
    max_retry_after: timedelta = timedelta(minutes=5)  # a longer Retry-After is a failure
    token_env: str | None = None  # environment variable with the bearer token
    table: str = "incident"  # ServiceNow table
    jql: str = "type = Incident"  # Jira: which issues (the collector adds `updated >=`)
    endpoint: GenericEndpoint = GenericEndpoint()

    @field_validator("overlap", "timeout", "backoff", "interval", "max_retry_after", mode="before")
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidValue(
                Message(f"'{value}' 不是 http(s) 网址", f"'{value}' is not an http(s) URL")
            )
        return value.rstrip("/")

    def start_at(self) -> datetime:
        return self.start if self.start.tzinfo else self.start.replace(tzinfo=UTC)

    def profile_name(self) -> str:
        defaults = {"servicenow": "servicenow", "jira": "jira_sm", "zammad": "zammad"}
        name = self.profile or defaults.get(self.type)
        if name is None:
            raise InvalidValue(
                Message(
                    f"采集器 '{self.name}'：通用接口须写 `profile:`（映射配置）",
                    f"collector '{self.name}': a generic endpoint needs `profile:`",
                )
            )
        return name
