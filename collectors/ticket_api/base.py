"""The walk every ticket API collector shares: watermark, pages, retries, rate limits, gaps.

A subclass says only how to ask for one page (`request`) and where the records are in the
answer (`records`). The walk asks for records updated at or after a cursor, oldest first, and
moves the cursor to the last record's update time page by page (offsetting only through a
page that is all one instant). A ticket updated during the walk moves to the end of the order,
so it is met again later rather than shifting the pages under the walk: nothing is skipped,
and a record met twice is dropped by its (id, update time). Each page is stored together with
the watermark it reaches, so a failure stops the walk at a known point: a recorded gap, and
the next run resumes there. Stored events are unique, so the overlap re-read is harmless.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from sqlalchemy import Engine

from collectors.ticket_api.settings import TicketApiSource
from collectors.tickets.ingest import IngestCounts, ingest
from collectors.tickets.profile import Profile, load_profile
from collectors.tickets.profile_rows import MappedRow, RowMapper, TimeParser
from monitor.contract.model import Contract
from monitor.http import HttpFailure, Retry, json_of, send
from monitor.storage.collector_state import get_watermark, record_collector_run, set_watermark
from monitor.storage.retry import retried


class SourceError(HttpFailure):
    """The API could not answer; `permanent` when asking again cannot help."""


@dataclass(frozen=True, slots=True)
class SyncResult:
    name: str
    range_from: datetime
    range_to: datetime  # the watermark reached
    records: int  # distinct record versions read
    pages: int
    counts: IngestCounts
    rejected: int
    error: str | None = None
    tickets: tuple[tuple[str, str], ...] = ()  # (source, ticket_id) of every ticket stored


def flatten(record: Any, prefix: str = "") -> dict[str, Any]:
    """{"fields": {"status": {"name": "Open"}}} → {"fields.status.name": "Open"}."""
    if not isinstance(record, dict):
        return {prefix: record}
    flat: dict[str, Any] = {}
    for key, value in record.items():
        name = f"{prefix}.{key}" if prefix else str(key)
        if isinstance(value, dict):
            flat.update(flatten(value, name))
        else:
            flat[name] = value
    return flat


def dig(body: Any, path: str) -> Any:
    for part in filter(None, path.split(".")):
        body = body[part] if isinstance(body, dict) else None
    return body


class TicketApiCollector:
    """One service desk API; session, sleep and the profile are injectable for tests."""

    id_field = "id"
    updated_field = "updated_at"

    def __init__(
        self,
        source: TicketApiSource,
        engine: Engine,
        contract: Contract,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        profile: Profile | None = None,
    ) -> None:
        self.source = source
        self.engine = engine
        self.session = session or requests.Session()
        self.sleep = sleep
        self.profile = profile or load_profile(source.profile_name())
        self.mapper = RowMapper(self.profile, contract)
        self.times = TimeParser(self.profile)
        # Watermark and health rows share collector_state/collector_run with Prometheus.
        self.state_name = f"tickets:{source.name}"

    # --- what a source says -------------------------------------------------------------
    def request(self, cursor: datetime, offset: int) -> tuple[str, dict[str, str]]:
        """The path and query parameters of the page at `offset` of records updated ≥ cursor."""
        raise NotImplementedError

    def records(self, body: Any) -> list[dict[str, Any]]:
        """The records of one answer, oldest update first."""
        raise NotImplementedError

    def cursor_text(self, cursor: datetime) -> str:
        """The cursor as the query writes it; two cursors with one text ask the same thing."""
        return cursor.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def key(self, record: dict[str, Any]) -> tuple[str, datetime]:
        updated = self.times(dig(record, self.updated_field))
        if updated is None:
            raise SourceError(f"a record has no {self.updated_field}", permanent=True)
        return str(dig(record, self.id_field)), updated

    # --- the walk -------------------------------------------------------------------------
    def run(self, now: datetime) -> SyncResult:
        source = self.source
        start = get_watermark(self.engine, self.state_name) or source.start_at()
        cursor, offset, watermark = start - source.overlap, 0, start
        seen: set[tuple[str, datetime]] = set()
        counts, pages, rejected, error = IngestCounts(), 0, 0, None
        stored: dict[tuple[str, str], None] = {}  # in the order met
        try:
            while pages < source.max_pages:
                path, params = self.request(cursor, offset)
                page = self.records(self._get(path, params))
                pages += 1
                keys = [self.key(record) for record in page]
                fresh = [r for r, k in zip(page, keys, strict=True) if k not in seen]
                seen.update(keys)
                done = len(page) < source.page_size
                # Everything updated before the last record met has been met (oldest first).
                newest = max((k[1] for k in keys), default=watermark)
                reached = max(watermark, newest if done else keys[-1][1])
                rejected += self._store(fresh, reached, now, counts, stored)
                watermark = reached
                if done:
                    break
                last = keys[-1][1]
                if self.cursor_text(last) == self.cursor_text(cursor):
                    offset += len(page)  # a page that is all one instant: step through it
                else:
                    cursor, offset = last, 0
        except SourceError as failure:
            error = str(failure)
        with self.engine.begin() as connection:
            record_collector_run(
                connection,
                name=self.state_name,
                started_at=now,
                range_from=start,
                range_to=watermark,
                samples=len(seen),
                error=error,
            )
        return SyncResult(
            source.name, start, watermark, len(seen), pages, counts, rejected, error, tuple(stored)
        )

    def _store(
        self,
        records: list[dict[str, Any]],
        watermark: datetime,
        now: datetime,
        counts: IngestCounts,
        stored: dict[tuple[str, str], None],
    ) -> int:
        rows: list[MappedRow] = []
        rejected = 0
        for index, record in enumerate(records, start=1):
            mapped = self.mapper.map(index, flatten(record))
            if isinstance(mapped, MappedRow):
                rows.append(mapped)
            elif mapped is not None:
                rejected += 1
        source_name = self.source.source or self.source.name

        def store() -> IngestCounts:
            with self.engine.begin() as connection:
                added = ingest(connection, rows, self.profile, source_name, now)
                set_watermark(connection, self.state_name, watermark, now)
            return added

        # A page that collides with another writer is rolled back and stored again.
        counts.add(retried(store, what=f"storing a page of {self.source.name}"))
        stored.update(((source_name, str(row.values["ticket_id"])), None) for row in rows)
        return rejected

    # --- HTTP -----------------------------------------------------------------------------
    def _get(self, path: str, params: dict[str, str]) -> Any:
        source = self.source
        url = source.url + path
        headers = {"Accept": "application/json"}
        if source.token_env and os.environ.get(source.token_env):
            headers["Authorization"] = f"Bearer {os.environ[source.token_env]}"
        retry = Retry(
            retries=source.retries,
            backoff=source.backoff.total_seconds(),
            max_retry_after=source.max_retry_after.total_seconds(),
            sleep=self.sleep,
        )
        timeout = source.timeout.total_seconds()
        try:
            response = send(
                self.session,
                "GET",
                url,
                params=params,
                headers=headers,
                timeout=timeout,
                retry=retry,
            )
            return json_of(response)
        except HttpFailure as failure:
            raise SourceError.of(failure, url) from None
