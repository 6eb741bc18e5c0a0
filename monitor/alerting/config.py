"""Alerting settings (config/alerting.yaml): channels, routing by pool/operator/severity, retries.

Deployment, not contract terms: a robot's address is not part of the agreement. Validated whole
at start-up; a bad file is one clear error naming the key.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import YamlFileError, load_yaml_model
from monitor.domain.durations import format_duration, parse_duration
from monitor.domain.message import InvalidValue, Message

DEFAULT_ALERTING_PATH = Path("config/alerting.yaml")
STAGES = ("at_risk", "breached", "resolved")
ChannelType = Literal["alertmanager", "webhook", "wecom", "dingtalk", "feishu", "smtp", "console"]
_HTTP_TYPES = ("alertmanager", "webhook", "wecom", "dingtalk", "feishu")
# A send may wait a channel's timeout to connect and again for the answer; the lease it renews
# just before must outlast both, with room for the renewal itself.
LEASE_PER_TIMEOUT = 3


class AlertingConfigError(YamlFileError):
    """An alerting file that cannot be used; the message says where and why."""


def _duration(value: Any) -> Any:
    return parse_duration(value) if isinstance(value, str) else value


class ChannelConfig(StrictModel):
    """One destination. HTTP channels need `url`; smtp needs host, sender and recipients."""

    name: str = Field(pattern=r"^[a-z0-9_.-]+$", max_length=100)
    type: ChannelType
    url: str | None = None
    timeout: timedelta = timedelta(seconds=10)
    headers: dict[str, str] = Field(default_factory=dict)
    # DingTalk / Feishu robot signing secret, given here or (better) in an environment variable.
    secret: str | None = None
    secret_env: str | None = None
    # Alertmanager: how long a breach stays firing unless its late stop arrives first.
    firing_for: timedelta = timedelta(days=7)
    # SMTP
    host: str | None = None
    port: int = Field(default=25, ge=1, le=65535)
    security: Literal["none", "starttls", "ssl"] = "none"
    username: str | None = None
    password_env: str | None = None
    sender: str | None = None
    to: tuple[str, ...] = ()

    _timeouts = field_validator("timeout", "firing_for", mode="before")(_duration)

    @model_validator(mode="after")
    def _complete(self) -> Self:
        if self.type in _HTTP_TYPES:
            parts = urlsplit(self.url or "")
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise InvalidValue(
                    Message(
                        f"通知渠道 '{self.name}'：url 须为 http(s) 网址",
                        f"channel '{self.name}': url must be an http(s) URL",
                    )
                )
        if self.type == "smtp" and not (self.host and self.sender and self.to):
            raise InvalidValue(
                Message(
                    f"通知渠道 '{self.name}'：smtp 须写 host、sender 和 to",
                    f"channel '{self.name}': smtp needs host, sender and to",
                )
            )
        return self

    def signing_secret(self) -> str | None:
        if self.secret_env:
            value = os.environ.get(self.secret_env)
            if not value:
                raise InvalidValue(
                    Message(
                        f"通知渠道 '{self.name}'：环境变量 ${self.secret_env} 未设置",
                        f"channel '{self.name}': ${self.secret_env} is not set",
                    )
                )
            return value
        return self.secret

    def password(self) -> str | None:
        return os.environ.get(self.password_env) if self.password_env else None


class Match(StrictModel):
    """Which alerts a route takes; a missing key matches everything, a list any of its values."""

    pool: tuple[str, ...] | None = None
    operator: tuple[str, ...] | None = None
    severity: tuple[str, ...] | None = None  # contract keys: major, significant, general
    target: tuple[str, ...] | None = None
    stage: tuple[Literal["at_risk", "breached", "resolved"], ...] | None = None

    def accepts(self, facts: dict[str, Any]) -> bool:
        for key in ("pool", "operator", "severity", "target", "stage"):
            wanted = getattr(self, key)
            value = facts.get("target_id") if key == "target" else facts.get(key)
            if wanted is not None and value not in wanted:
                return False
        return True


class Route(StrictModel):
    match: Match = Match()
    channels: tuple[str, ...] = Field(min_length=1)


class Delivery(StrictModel):
    """Outbox retries: exponential backoff from `initial` up to `cap`, forever until answered."""

    initial_backoff: timedelta = timedelta(seconds=5)
    max_backoff: timedelta = timedelta(minutes=5)
    # A sender's claim: renewed before each send and while its batch is sent; a crashed
    # sender's claim expires after this.
    lease: timedelta = timedelta(seconds=60)
    batch: int = Field(default=20, ge=1, le=500)

    _durations = field_validator("initial_backoff", "max_backoff", "lease", mode="before")(
        _duration
    )


class AlertingConfig(StrictModel):
    # Stages older than this when first seen (an import of last year's tickets) are stored,
    # not announced; an open breach is always announced.
    max_age: timedelta = timedelta(hours=24)
    delivery: Delivery = Delivery()
    channels: tuple[ChannelConfig, ...] = ()
    # Every route whose match accepts an alert adds its channels; no routes: every channel.
    routes: tuple[Route, ...] = ()

    _max_age = field_validator("max_age", mode="before")(_duration)

    @model_validator(mode="after")
    def _references(self) -> Self:
        names = [channel.name for channel in self.channels]
        for name in names:
            if names.count(name) > 1:
                raise InvalidValue(
                    Message(f"通知渠道名称 '{name}' 重复", f"channel name '{name}' is used twice")
                )
        for index, route in enumerate(self.routes):
            for name in route.channels:
                if name not in names:
                    raise InvalidValue(
                        Message(
                            f"routes[{index}]：未定义的通知渠道 '{name}'",
                            f"routes[{index}]: unknown channel '{name}'",
                        )
                    )
        return self

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> Self:
        lease = self.delivery.lease
        for channel in self.channels:
            if channel.timeout * LEASE_PER_TIMEOUT > lease:
                timeout = format_duration(channel.timeout)
                raise InvalidValue(
                    Message(
                        f"通知渠道 '{channel.name}'：超时 {timeout} 相对 delivery.lease "
                        f"{format_duration(lease)} 过长；租约须至少为每个渠道超时的 "
                        f"{LEASE_PER_TIMEOUT} 倍，发送方才能在持有投递期间完成发送："
                        "请延长 delivery.lease 或缩短该渠道的 timeout",
                        f"channel '{channel.name}': timeout {timeout} is not well within "
                        f"delivery.lease {format_duration(lease)}; the lease must be at least "
                        f"{LEASE_PER_TIMEOUT} times every channel's timeout, so that a send ends "
                        "while its sender still holds the delivery: lengthen delivery.lease or "
                        "shorten the timeout",
                    )
                )
        return self

    def channels_for(self, facts: dict[str, Any]) -> list[str]:
        """The channels an alert goes to, in configuration order, each once."""
        if not self.routes:
            return [channel.name for channel in self.channels]
        chosen = {
            name for route in self.routes if route.match.accepts(facts) for name in route.channels
        }
        return [channel.name for channel in self.channels if channel.name in chosen]


def load_alerting(path: Path) -> AlertingConfig:
    """The alerting file; a missing file is no channels at all (alerts are still stored)."""
    if not path.exists():
        return AlertingConfig()
    return load_yaml_model(path, AlertingConfig, "the alerting file", AlertingConfigError)
