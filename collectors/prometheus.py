"""Samples from a Prometheus server's HTTP API into quarter-hour rollups, resumably.

A plain selector (`up{job="vm"}`) is fetched as the raw samples Prometheus holds, with a range
vector per chunk: query_range would evaluate it with the 5-minute lookback and turn a missed
scrape into a repeated value, i.e. invent uptime. An expression (node-exporter CPU usage …)
is fetched with query_range at the configured step. Chunks are half-open [from, to); the
rollups of a chunk and the new watermark are written in one transaction, so a run that stops
anywhere resumes from the watermark without gaps or double counting. A failing server is a
recorded gap with its reason (collector_run.error), never an exception and never downtime.
With `rollups: store` the store sums each quarter hour itself (collectors/store_rollups.py) and
the chunks end on whole quarter hours; the watermark, gaps and failures are the same.

A run holds the collector's lease (monitor/storage/collector_leases.py) and renews it in every
chunk's transaction, so several `slamon serve` on one database share the collectors: a run
that finds the lease held does nothing, and one whose lease was taken over stops unwritten.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
from sqlalchemy import Engine

from collectors.promql import is_selector
from collectors.settings import PrometheusSource
from collectors.store_rollups import StoreAnswerError, StoreRollups
from monitor.domain.resources import BUCKET, bucket_floor
from monitor.http import HttpFailure, Retry, json_of, send
from monitor.storage.collector_leases import claim_share, release_share, renew_share
from monitor.storage.collector_state import get_watermark, record_collector_run, set_watermark
from monitor.storage.resources import ensure_resources, load_resources
from monitor.storage.rollups import add_rollups

_MILLISECOND = timedelta(milliseconds=1)


class _LeaseLost(Exception):
    """The run's lease was taken over: the chunk's transaction is rolled back."""


class SourceError(HttpFailure):
    """The server could not answer; `permanent` when retrying cannot help (a bad query)."""


@dataclass(frozen=True, slots=True)
class Sample:
    resource_id: str
    pool: str
    at: datetime
    value: float


@dataclass(frozen=True, slots=True)
class Chunk:
    """One chunk's quarter-hour rollup rows, the resources seen (id → pool label), samples."""

    rollups: list[dict[str, Any]]
    resources: dict[str, str]
    samples: int


@dataclass(frozen=True, slots=True)
class CollectResult:
    name: str
    range_from: datetime
    range_to: datetime  # the watermark reached
    samples: int
    error: str | None = None
    held_elsewhere: bool = False  # another run held the lease: this one did nothing


class PrometheusCollector:
    """One configured query of one Prometheus server; session, sleep and clock are injectable."""

    def __init__(
        self,
        source: PrometheusSource,
        engine: Engine,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.source = source
        self.engine = engine
        self.session = session or requests.Session()
        self.sleep = sleep
        self.store_rollups = StoreRollups(source, self._get)

    def run(self, now: datetime) -> CollectResult:
        """Fetch from the watermark up to `now` minus the lag, chunk by chunk, holding the
        collector's lease; nothing when another run holds it."""
        source = self.source
        started = time.monotonic()

        def lease_until() -> datetime:  # the run's `now` moved on by the time it has taken
            return now + timedelta(seconds=time.monotonic() - started) + source.lease

        token = claim_share(self.engine, source.name, now, lease_until())
        if token is None:
            return CollectResult(source.name, now, now, 0, held_elsewhere=True)
        try:
            return self._collect(now, token, lease_until)
        finally:
            release_share(self.engine, source.name, token)

    def _collect(
        self, now: datetime, token: str, lease_until: Callable[[], datetime]
    ) -> CollectResult:
        source = self.source
        start = get_watermark(self.engine, source.name) or source.start_at()
        until = now - source.lag
        if source.rollups == "store":
            until = bucket_floor(until)  # the store sums whole quarter hours only
        watermark, fetched = start, 0
        pools = {r.resource_id: r.pool or "" for r in load_resources(self.engine)}
        error: str | None = None
        while watermark < until:
            chunk_end = min(watermark + source.chunk, until)
            if source.rollups == "store":
                chunk_end = bucket_floor(chunk_end)
            try:
                chunk = self._chunk(watermark, chunk_end, pools)
            except SourceError as failure:
                error = str(failure)
                break
            try:
                self._store(chunk, chunk_end, now, token, lease_until())
            except _LeaseLost:
                break  # taken over: its new holder goes on from the stored watermark
            fetched += chunk.samples
            watermark = chunk_end
        with self.engine.begin() as connection:
            record_collector_run(
                connection,
                name=source.name,
                started_at=now,
                range_from=start,
                range_to=watermark,
                samples=fetched,
                error=error,
            )
        return CollectResult(source.name, start, watermark, fetched, error)

    def _chunk(self, start: datetime, end: datetime, pools: dict[str, str]) -> Chunk:
        """[start, end)'s rollups: summed by the store, or here from its raw samples."""
        if self.source.rollups == "store":
            try:
                rows = self.store_rollups.rows(start, end, pools)
            except StoreAnswerError as error:
                raise SourceError(
                    f"unexpected answer from {self.source.store_name}: {error}", True
                ) from None
            seen = {row["resource_id"]: row["pool"] for row in rows}
            return Chunk(rows, seen, sum(row["samples"] for row in rows))
        samples = list(self.fetch(start, end))
        seen = {s.resource_id: s.pool for s in samples}
        return Chunk(self._rollups(samples, pools), seen, len(samples))

    def _store(
        self,
        chunk: Chunk,
        chunk_end: datetime,
        now: datetime,
        token: str,
        lease_until: datetime,
    ) -> None:
        """One chunk's rollups and watermark, written only while the run's lease holds."""
        source = self.source
        with self.engine.begin() as connection:
            if not renew_share(connection, source.name, token, lease_until):
                raise _LeaseLost
            resources = [
                {
                    "resource_id": rid,
                    "resource_class": source.resource_class,
                    "pool": pool or None,
                    "source": f"prometheus:{source.name}",
                }
                for rid, pool in chunk.resources.items()
                if rid
            ]
            if source.resource_class and resources:
                ensure_resources(connection, resources, now)
            add_rollups(connection, chunk.rollups)
            set_watermark(connection, source.name, chunk_end, now)

    def _rollups(self, samples: list[Sample], pools: dict[str, str]) -> list[dict[str, Any]]:
        step = self.source.step.total_seconds()
        rows: dict[tuple[str, str, datetime], dict[str, Any]] = {}
        for sample in samples:
            pool = sample.pool or pools.get(sample.resource_id, "")
            key = (pool, sample.resource_id, bucket_floor(sample.at))
            row = rows.get(key)
            if row is None:
                row = rows[key] = {
                    "metric": self.source.metric,
                    "pool": pool,
                    "resource_id": sample.resource_id,
                    "bucket_start": key[2],
                    "samples": 0,
                    "total": 0.0,
                    "peak": -math.inf,
                    "covered_seconds": 0.0,
                }
            row["samples"] += 1
            row["total"] += sample.value
            row["peak"] = max(row["peak"], sample.value)
            row["covered_seconds"] += min(step, BUCKET.total_seconds())
        return list(rows.values())

    def fetch(self, start: datetime, end: datetime) -> Iterator[Sample]:
        """The samples in [start, end), raw for a selector, evaluated at the step otherwise."""
        source = self.source
        if is_selector(source.query):
            milliseconds = (end - start) // _MILLISECOND
            params = {
                "query": f"{source.query}[{milliseconds}ms]",
                # Ranges are closed in Prometheus 2 and left-open in 3: ending 1 ms early and
                # filtering below gives [start, end) from either.
                "time": _unix(end - _MILLISECOND),
            }
            data = self._get("/api/v1/query", params)
        else:
            step = source.step.total_seconds()
            first = math.ceil(start.timestamp() / step) * step
            params = {
                "query": source.query,
                "start": f"{first:.3f}",
                "end": _unix(end - _MILLISECOND),
                "step": f"{step:g}",
            }
            data = self._get("/api/v1/query_range", params)
        yield from self._samples(data, start, end)

    def _samples(self, data: Any, start: datetime, end: datetime) -> Iterator[Sample]:
        source = self.source
        try:
            series = data["result"]
            for item in series:
                labels = item.get("metric", {})
                resource_id = labels.get(source.resource_label, "")
                pool = labels.get(source.pool_label, "") if source.pool_label else ""
                for stamp, text in item.get("values", ()):
                    at = datetime.fromtimestamp(float(stamp), UTC)
                    value = float(text)
                    if start <= at < end and math.isfinite(value):
                        yield Sample(resource_id, pool, at, value * source.scale)
        except (KeyError, TypeError, ValueError) as error:
            raise SourceError(
                f"unexpected answer from {source.store_name}: {error!r}", True
            ) from None

    def _get(self, path: str, params: dict[str, str]) -> Any:
        source = self.source
        url = source.api_url + path
        retry = Retry(
            retries=source.retries, backoff=source.backoff.total_seconds(), sleep=self.sleep
        )
        try:
            response = send(
                self.session, "GET", url, params=params, timeout=source.timeout_seconds, retry=retry
            )
            body = json_of(response)
        except HttpFailure as failure:
            raise SourceError.of(failure, url) from None
        # A 2xx that is not a success is about the query or the server; asking again repeats it.
        if not isinstance(body, dict):
            raise SourceError(
                f"{url}: unexpected answer from {source.store_name}: {body!r:.200}", True
            )
        if body.get("status") != "success" or "data" not in body:
            raise SourceError(f"{url}: {body.get('errorType')}: {body.get('error')}", True)
        return body["data"]


def _unix(moment: datetime) -> str:
    return f"{moment.timestamp():.3f}"
