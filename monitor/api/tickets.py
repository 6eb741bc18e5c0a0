"""POST /api/v1/tickets (batch upsert, validated like a file import) and GET /api/v1/tickets."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel, Field

from monitor import clock
from monitor.api.auth import Context, reader, writer
from monitor.api.timefmt import local_iso
from monitor.storage.ingest import keys_of, store_batch
from monitor.storage.live import ticket_pks_for
from monitor.storage.queries import TicketFilter, list_tickets
from monitor.storage.tickets import TICKET_FIELDS

log = logging.getLogger(__name__)
# PostgreSQL cannot hold a NUL in text: a value with one is refused with 422, not a 500.
NO_NUL = r"^[^\x00]*$"
router = APIRouter(prefix="/api/v1", tags=["tickets"])


class TicketBatch(BaseModel):
    """Tickets keyed by field names or the import file's headers (English or 中文)."""

    source: str = Field(default="api", min_length=1, max_length=100, pattern=NO_NUL)
    tickets: list[Any] = Field(
        description="objects such as {ticket_id, kind, severity, reported_at, arrived_at …}; "
        "times without an offset are in the contract's zone",
    )


class Rejected(BaseModel):
    index: int = Field(description="1-based position in `tickets`")
    ticket_id: str | None
    column: str | None
    reason: str


class BatchOutcome(BaseModel):
    received: int
    inserted: int
    updated: int
    unchanged: int
    rejected: list[Rejected]
    evaluated: bool = Field(description="the stored tickets were evaluated and timers re-planned")


@router.post("/tickets", response_model=BatchOutcome)
def upsert_tickets(
    batch: TicketBatch, context: Context, token: Annotated[str, Depends(writer)]
) -> BatchOutcome:
    """Insert or update tickets by (source, ticket_id); bad items are listed, the rest stored.

    An item carries only its own keys: a key it leaves out keeps the stored value.
    """
    limit = context.settings.max_batch
    if len(batch.tickets) > limit:
        raise HTTPException(
            413,
            f"{len(batch.tickets)} tickets in one batch; at most {limit} (SLAMON_MAX_BATCH)",
        )
    parsed = context.parse_records(batch.tickets, context.contract, batch.source)
    with context.engine.begin() as connection:
        counts = store_batch(connection, parsed, batch.source, f"api (token {token})", clock.now())
    evaluated = True
    try:
        context.after_ingest(ticket_pks_for(context.engine, keys_of(parsed.rows)))
    except Exception:  # stored is stored; the next timer or whole evaluation catches up
        log.exception("evaluating the ingested tickets failed")
        evaluated = False
    return BatchOutcome(
        received=len(batch.tickets),
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=[Rejected(**asdict(problem)) for problem in parsed.problems],
        evaluated=evaluated,
    )


class Page(BaseModel):
    items: list[dict[str, Any]]
    next_after: int | None = Field(description="pass as `after` for the next page; null: last")


TextFilter = Annotated[str | None, Query(pattern=NO_NUL)]


def ticket_filter(
    source: TextFilter = None,
    pool: TextFilter = None,
    operator: TextFilter = None,
    kind: TextFilter = None,
    severity: TextFilter = None,
    open: bool | None = Query(default=None, description="true: not closed; false: closed"),
    q: str | None = Query(
        default=None, max_length=200, pattern=NO_NUL, description="part of ticket id or title"
    ),
    reported_from: datetime | None = None,
    reported_before: datetime | None = None,
) -> TicketFilter:
    return TicketFilter(
        source, pool, operator, kind, severity, open, q, reported_from, reported_before
    )


Filter = Annotated[TicketFilter, Depends(ticket_filter)]
Limit = Annotated[int, Query(ge=1, le=1000)]
# An id: the databases' integers are 64-bit, and a larger one is a 422, not a 500.
After = Annotated[int, Query(ge=0, le=2**63 - 1)]


@router.get("/tickets", response_model=Page, dependencies=[Depends(reader)])
def tickets(context: Context, filters: Filter, after: After = 0, limit: Limit = 100) -> Page:
    """Stored tickets matching every given filter, oldest first; times in the contract's zone."""
    zone = context.contract.zone
    rows = list_tickets(context.engine, filters, after, limit)
    items = []
    for row in rows:
        item = {name: getattr(row, name) for name in TICKET_FIELDS if name in row._fields}
        items.append({name: local_iso(value, zone) for name, value in item.items()})
    return Page(items=items, next_after=rows[-1].id if len(rows) == limit else None)
