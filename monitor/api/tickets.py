"""POST /api/v1/tickets (batch upsert, validated like a file import) and GET /api/v1/tickets."""

from __future__ import annotations

import logging
from dataclasses import asdict
from datetime import UTC, datetime, tzinfo
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.exceptions import RequestValidationError

from monitor import clock
from monitor.api.auth import READ_REFUSED, WRITE_REFUSED, Context, Reader, writer
from monitor.api.context import ApiContext
from monitor.api.errors import ApiRoute
from monitor.api.schemas import (
    NO_NUL,
    BatchOutcome,
    ErrorDetail,
    Rejected,
    TicketBatch,
    TicketItem,
    TicketPage,
)
from monitor.api.timefmt import local_iso
from monitor.storage.batch_writes import BatchWrite
from monitor.storage.queries import TicketFilter, list_tickets
from monitor.storage.tickets import TICKET_FIELDS
from monitor.storage.tokens import Token

log = logging.getLogger(__name__)
router = APIRouter(prefix="/api/v1", tags=["tickets"], route_class=ApiRoute)
# The 413 in the spec: the body limit (monitor.api.limits) and the batch limit give one shape.
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {
        "model": ErrorDetail,
        "description": "the body is over SLAMON_MAX_REQUEST_BYTES (refused unread), "
        "or the batch over SLAMON_MAX_BATCH tickets",
    }
}


Wait = Annotated[
    Literal["stored", "evaluated"],
    Query(
        description="stored (default): answer once the batch is stored, its evaluation under "
        "way; evaluated: answer once the stored tickets are evaluated and timers re-planned"
    ),
]


@router.post("/tickets", responses={**WRITE_REFUSED, **TOO_LARGE})
def upsert_tickets(
    batch: TicketBatch,
    context: Context,
    token: Annotated[Token, Depends(writer)],
    wait: Wait = "stored",
) -> BatchOutcome:
    """Insert or update tickets by (source, ticket_id); bad items are listed, the rest stored.

    An item carries only its own keys: a key it leaves out keeps the stored value. A token
    writes only its own source's tickets in its pools: an item that would change another
    source's ticket, or one outside its pools, or move one out of or into them, is rejected.

    The stored tickets are evaluated and the timers re-planned right after; the answer waits
    for that only with wait=evaluated. Concurrent batches share one evaluation either way.
    """
    limit = context.settings.max_batch
    if len(batch.tickets) > limit:
        raise HTTPException(
            413,
            f"{len(batch.tickets)} tickets in one batch; at most {limit} (SLAMON_MAX_BATCH)",
        )
    source = batch.source or token.source
    assert source is not None  # a writer has a source
    read = context.parse_records(batch.tickets, context.contract, source)
    # Stored in one transaction with the batches that came meanwhile; a transaction that
    # collides with another writer is rolled back and run again, and one that keeps colliding
    # is a 503 with Retry-After (monitor.api.errors).
    stored = context.batch_writes.run(BatchWrite(read, batch.tickets, source, token, clock.now()))
    evaluation = _evaluate(context, stored.ticket_pks, wait)
    counts = stored.counts
    return BatchOutcome(
        received=len(batch.tickets),
        inserted=counts.inserted,
        updated=counts.updated,
        unchanged=counts.unchanged,
        rejected=[Rejected(**asdict(problem)) for problem in stored.kept.problems],
        evaluated=evaluation == "done",
        evaluation=evaluation,
    )


def _evaluate(
    context: ApiContext, pks: list[int], wait: str
) -> Literal["done", "queued", "failed"]:
    """Evaluate the batch's stored tickets, waited for or not; stored is stored either way,
    and a failed evaluation is caught up by the next timer or whole evaluation."""
    try:
        if wait == "stored":
            context.queue_ingest(pks)
            return "queued"
        context.after_ingest(pks)
    except Exception:
        log.exception("evaluating the ingested tickets failed")
        return "failed"
    return "done"


TextFilter = Annotated[str | None, Query(pattern=NO_NUL)]


TimeFilter = Annotated[
    datetime | None,
    Query(
        description="ISO 8601, in the years 1–9999 in UTC; without an offset: the contract's zone"
    ),
]


def ticket_filter(
    context: Context,
    source: TextFilter = None,
    pool: TextFilter = None,
    operator: TextFilter = None,
    kind: TextFilter = None,
    severity: TextFilter = None,
    open: bool | None = Query(default=None, description="true: not closed; false: closed"),
    q: str | None = Query(
        default=None, max_length=200, pattern=NO_NUL, description="part of ticket id or title"
    ),
    reported_from: TimeFilter = None,
    reported_before: TimeFilter = None,
) -> TicketFilter:
    zone = context.contract.zone
    return TicketFilter(
        source,
        pool,
        operator,
        kind,
        severity,
        open,
        q,
        _instant("reported_from", reported_from, zone),
        _instant("reported_before", reported_before, zone),
    )


def _instant(name: str, moment: datetime | None, zone: tzinfo) -> datetime | None:
    """The filter's time, aware; a 422 when it has no UTC time (stored times are in UTC)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=zone)
    try:
        return aware.astimezone(UTC)
    except OverflowError:
        message = (
            f"时间超出范围 {moment.isoformat()} is not within the years 1–9999 once in UTC; "
            "give a time between 0001-01-02 and 9999-12-30"
        )
        raise RequestValidationError(
            [{"loc": ("query", name), "msg": message, "type": "datetime_range", "input": moment}]
        ) from None


Filter = Annotated[TicketFilter, Depends(ticket_filter)]
Limit = Annotated[int, Query(ge=1, le=1000)]
# An id: the databases' integers are 64-bit, and a larger one is a 422, not a 500.
After = Annotated[int, Query(ge=0, le=2**63 - 1)]


@router.get("/tickets", responses=READ_REFUSED)
def tickets(
    context: Context, viewer: Reader, filters: Filter, after: After = 0, limit: Limit = 100
) -> TicketPage:
    """Stored tickets of the token's pools matching every given filter, oldest first; times
    in the contract's zone."""
    zone = context.contract.zone
    rows = list_tickets(context.engine, filters, after, limit, viewer)
    items = [
        TicketItem.model_validate(
            {
                name: local_iso(getattr(row, name), zone)
                for name in TICKET_FIELDS
                if name in row._fields
            }
        )
        for row in rows
    ]
    return TicketPage(items=items, next_after=rows[-1].id if len(rows) == limit else None)
