"""Collector settings: which Prometheus servers and queries `slamon collect` reads.

They live in their own YAML file (SLAMON_COLLECTORS, default config/collectors.yaml), not in
the contract: a server address is deployment, not an agreement. Validated whole at start-up.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, Self
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator

from collectors.promql import is_selector
from collectors.ticket_api.settings import TicketApiSource
from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import YamlFileError, load_yaml_model
from monitor.domain.durations import parse_duration
from monitor.domain.message import InvalidValue, Message

DEFAULT_COLLECTORS_PATH = Path("config/collectors.yaml")


class CollectorSettingsError(YamlFileError):
    """A collectors file that cannot be used; the message says where and why."""


class PrometheusSource(StrictModel):
    """One PromQL query of one server, feeding one metric of slamon.

    The server is Prometheus or VictoriaMetrics (whose query API is Prometheus's): a single
    node at its own address (http://vm:8428), a cluster's vmselect with the tenant
    (accountID, or accountID:projectID) whose /select/<tenant>/prometheus the queries use.
    """

    name: str = Field(pattern=r"^[a-z0-9_.-]+$", max_length=100)
    url: str
    store: Literal["prometheus", "victoriametrics"] = "prometheus"
    tenant: str | None = Field(default=None, pattern=r"^\d+(:\d+)?$")
    # availability (1 up / 0 down), utilisation in percent (cpu, memory, storage), or
    # capacity (vcpu, memory_gb, storage_gb: what the billing check holds quantities against)
    metric: Literal["availability", "cpu", "memory", "storage", "vcpu", "memory_gb", "storage_gb"]
    query: str = Field(min_length=1)
    resource_label: str = "instance"
    pool_label: str | None = None
    resource_class: str | None = None  # class of resources the inventory does not know yet
    start: datetime  # where to begin when nothing was fetched yet; no offset means UTC
    step: timedelta = timedelta(minutes=1)  # scrape interval: the seconds one sample covers
    chunk: timedelta = timedelta(hours=6)
    lag: timedelta = timedelta(minutes=2)  # the newest samples may not have landed yet
    scale: float = 1.0  # e.g. 100 when the query gives a 0–1 fraction of a percent metric
    timeout: timedelta = timedelta(seconds=30)
    retries: int = Field(default=3, ge=0, le=10)
    backoff: timedelta = timedelta(seconds=1)  # doubled after every failed attempt
    interval: timedelta = timedelta(minutes=5)  # how often `slamon serve` runs it
    # raw: the samples are fetched and summed here (any query, any fleet size a store answers
    # raw samples for); store: the store sums each resource's quarter hours and answers those,
    # a fraction of the bytes for large fleets (a plain selector only; whole quarter hours only).
    rollups: Literal["raw", "store"] = "raw"
    resources_per_query: int = Field(default=200, ge=1, le=100_000)  # store rollups, per query
    # How long a run holds the collector without renewing it (every chunk renews): longer than
    # a chunk takes; a `slamon serve` that died leaves its collectors to another after this.
    lease: timedelta = Field(default=timedelta(minutes=10), gt=timedelta(0))

    @field_validator(
        "step", "chunk", "lag", "timeout", "backoff", "interval", "lease", mode="before"
    )
    @classmethod
    def _duration(cls, value: Any) -> Any:
        return parse_duration(value) if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise InvalidValue(
                Message(
                    f"'{value}' 不是 http(s) 网址，应如 http://127.0.0.1:9090",
                    f"'{value}' is not an http(s) URL such as http://127.0.0.1:9090",
                )
            )
        return value

    @model_validator(mode="after")
    def _tenant_of_a_cluster(self) -> Self:
        if self.tenant is not None and self.store != "victoriametrics":
            raise InvalidValue(
                Message(
                    "tenant 仅用于 VictoriaMetrics 集群（store: victoriametrics）",
                    "a tenant is a VictoriaMetrics cluster's: write store: victoriametrics",
                )
            )
        return self

    @model_validator(mode="after")
    def _store_rollups_of_a_selector(self) -> Self:
        if self.rollups != "store":
            return self
        if not is_selector(self.query):
            raise InvalidValue(
                Message(
                    'rollups: store 只适用于指标选择器（如 up{job="vm"}），'
                    f"而不是 {self.query!r}",
                    'rollups: store needs a plain series selector such as up{job="vm"}, '
                    f"not {self.query!r}",
                )
            )
        quarter = timedelta(minutes=15)
        if self.chunk < quarter or self.chunk % quarter:
            raise InvalidValue(
                Message(
                    "rollups: store 的 chunk 须为 15 分钟的整数倍",
                    "with rollups: store, chunk is a whole number of quarter hours",
                )
            )
        return self

    @property
    def api_url(self) -> str:
        """Where /api/v1/… is: the server itself, or a cluster tenant's path on vmselect."""
        base = self.url.rstrip("/")
        return base if self.tenant is None else f"{base}/select/{self.tenant}/prometheus"

    @property
    def store_name(self) -> str:
        return "VictoriaMetrics" if self.store == "victoriametrics" else "Prometheus"

    def start_at(self) -> datetime:
        return self.start if self.start.tzinfo else self.start.replace(tzinfo=UTC)

    @property
    def timeout_seconds(self) -> float:
        return self.timeout.total_seconds()


class CollectorSettings(StrictModel):
    prometheus: tuple[PrometheusSource, ...] = ()
    # Service desk APIs read into tickets (`slamon sync-tickets`, collectors/ticket_api).
    tickets: tuple[TicketApiSource, ...] = ()

    @field_validator("prometheus")
    @classmethod
    def _unique(cls, value: tuple[PrometheusSource, ...]) -> tuple[PrometheusSource, ...]:
        names = [source.name for source in value]
        for name in names:
            if names.count(name) > 1:
                raise InvalidValue(
                    Message(f"采集器名称 '{name}' 重复", f"collector name '{name}' is used twice")
                )
        return value


def load_collector_settings(path: Path) -> CollectorSettings:
    return load_yaml_model(path, CollectorSettings, "the collectors file", CollectorSettingsError)
