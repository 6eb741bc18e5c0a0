"""Typed settings from the environment (SLAMON_*), validated at start-up: where the data and
the contract are (every command), and how `slamon serve` runs."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from monitor.contract.model import DEFAULT_CONTRACT_PATH
from monitor.contract.validation_words import worded
from monitor.domain.durations import parse_duration
from monitor.domain.message import InvalidValue, Message, os_reason

DEFAULT_DATA_DIR = Path("data")
# A scrape token shorter than this is a placeholder, not a secret.
_MIN_TOKEN_CHARS = 16


class Settings(BaseSettings):
    """Where the database and the contract are; everything has a working embedded default."""

    model_config = SettingsConfigDict(env_prefix="SLAMON_", extra="ignore")

    # SQLite under ./data by default; postgresql+psycopg://user@host:5432/db for PostgreSQL.
    database_url: str = f"sqlite:///{DEFAULT_DATA_DIR / 'slamon.db'}"
    contract: Path = DEFAULT_CONTRACT_PATH

    @field_validator("database_url")
    @classmethod
    def _supported(cls, value: str) -> str:
        if not value.startswith(("sqlite://", "postgresql+psycopg://", "postgresql://")):
            raise InvalidValue(
                Message(
                    "SLAMON_DATABASE_URL 须以 sqlite:/// 或 postgresql+psycopg:// 开头",
                    "SLAMON_DATABASE_URL must start with sqlite:/// or postgresql+psycopg://",
                )
            )
        if value.startswith("postgresql://"):
            # psycopg 3 is the driver we ship; spare users the SQLAlchemy dialect detail.
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value


class ServiceSettings(BaseSettings):
    """Everything has a working default: `slamon serve` alone runs on the embedded SQLite."""

    model_config = SettingsConfigDict(env_prefix="SLAMON_", extra="ignore")

    # Where the dashboard is reachable, for the link in every alert.
    dashboard_url: str | None = None
    alerting: Path = Path("config/alerting.yaml")
    collectors: Path = Path("config/collectors.yaml")
    # Reads (/api/v1 queries and /metrics): a bearer token like writes, scoped to its pools;
    # `open` lets callers without one read every pool (a lab).
    read_access: Literal["open", "token"] = "token"
    # /metrics' own bearer token (or a file holding it, as Prometheus's credentials_file does):
    # when set, a scrape needs it and API tokens are not accepted there.
    metrics_token: SecretStr | None = None
    metrics_token_file: Path | None = None
    max_request_bytes: int = Field(default=2 * 1024 * 1024, ge=1024)
    max_batch: int = Field(default=5000, ge=1, le=50_000)
    # A whole evaluation every so often, on top of the exact timers and evaluation on ingest.
    evaluation_interval: timedelta = timedelta(minutes=5)
    # How often the timers are re-planned from the database (another process's new tickets).
    replan_interval: timedelta = timedelta(seconds=30)
    outbox_interval: timedelta = timedelta(seconds=1)
    # How often /metrics' snapshot of the stored aggregates is re-read at the latest (it is
    # re-read after every evaluation and ingest of this process anyway): another process's
    # writes show up within this.
    metrics_refresh: timedelta = timedelta(seconds=15)
    # The service's log level; DEBUG also shows uvicorn's and SQLAlchemy's debug lines.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"
    # SIGTERM (or Ctrl-C) to exit, at most: requests and jobs under way finish meanwhile, and
    # whatever still runs then is abandoned (each write is one transaction: nothing is half
    # stored). Longer than every alert channel's timeout, so that a send under way ends.
    stop_timeout: timedelta = timedelta(seconds=15)
    # PostgreSQL keeps the rollups and result changes in monthly partitions: how many whole
    # UTC months before the current one each keeps ("forever": never dropped; the evaluation
    # year is kept whatever this says), how many months ahead get their partition, and how
    # often that upkeep runs.
    quarter_hour_retention_months: int | None = Field(default=13, ge=1)
    daily_retention_months: int | None = Field(default=None, ge=1)
    result_change_retention_months: int | None = Field(default=None, ge=1)
    partitions_ahead_months: int = Field(default=3, ge=1, le=24)
    partition_upkeep_interval: timedelta = timedelta(hours=6)

    @model_validator(mode="after")
    def _metrics_token_from_file(self) -> ServiceSettings:
        if self.metrics_token_file is not None:
            if self.metrics_token is not None:
                raise InvalidValue(
                    Message(
                        "SLAMON_METRICS_TOKEN 与 SLAMON_METRICS_TOKEN_FILE 只能设置其一",
                        "set SLAMON_METRICS_TOKEN or SLAMON_METRICS_TOKEN_FILE, not both",
                    )
                )
            try:
                text = self.metrics_token_file.read_text("utf-8").strip()
            except OSError as error:
                raise InvalidValue(
                    Message(
                        f"SLAMON_METRICS_TOKEN_FILE：无法读取（{os_reason(error).zh}）",
                        f"SLAMON_METRICS_TOKEN_FILE: {error.strerror}",
                    )
                ) from None
            self.metrics_token = SecretStr(text)
        token = self.metrics_token
        if token is not None and len(token.get_secret_value()) < _MIN_TOKEN_CHARS:
            example = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
            raise InvalidValue(
                Message(
                    f"SLAMON_METRICS_TOKEN 至少需要 {_MIN_TOKEN_CHARS} 个字符"
                    f"（可用 {example} 生成）",
                    f"SLAMON_METRICS_TOKEN must have at least {_MIN_TOKEN_CHARS} characters "
                    f"(e.g. {example})",
                )
            )
        return self

    @field_validator(
        "quarter_hour_retention_months",
        "daily_retention_months",
        "result_change_retention_months",
        mode="before",
    )
    @classmethod
    def _forever(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip().lower() in ("", "forever"):
            return None
        return value

    @field_validator(
        "evaluation_interval",
        "replan_interval",
        "outbox_interval",
        "metrics_refresh",
        "stop_timeout",
        "partition_upkeep_interval",
        mode="before",
    )
    @classmethod
    def _duration(cls, value: Any) -> Any:
        if isinstance(value, str) and value.strip() and not value.strip().isdigit():
            return parse_duration(value)
        return value

    @field_validator(
        "evaluation_interval", "replan_interval", "outbox_interval", "metrics_refresh",
        "stop_timeout", "partition_upkeep_interval",
    )  # fmt: skip
    @classmethod
    def _positive(cls, value: timedelta) -> timedelta:
        if value <= timedelta(0):
            raise InvalidValue(Message("须大于零", "must be longer than zero"))
        return value


def settings_problems(error: ValidationError) -> Message:
    """Settings refused at start-up, each by its variable (SLAMON_…), in both languages."""
    found = [(_variable(details["loc"]), worded(details)) for details in error.errors()]
    return Message(
        "设置有误：" + "；".join(f"{name}：{said.zh}" if name else said.zh for name, said in found),
        "bad setting: "
        + "; ".join(f"{name}: {said.en}" if name else said.en for name, said in found),
    )


def _variable(loc: tuple[int | str, ...]) -> str:
    # A check of several settings together has no one variable: its words name them.
    return f"SLAMON_{'_'.join(map(str, loc)).upper()}" if loc else ""
