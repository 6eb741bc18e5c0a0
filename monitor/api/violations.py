"""GET /api/v1/violations: target results as of the request, violations by default, with
filters."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.exceptions import RequestValidationError

from monitor import clock
from monitor.api.auth import READ_REFUSED, Context, Reader
from monitor.api.errors import ApiRoute
from monitor.api.schemas import ViolationItem, ViolationPage
from monitor.api.tickets import After, Filter, Limit, TextFilter
from monitor.api.timefmt import local_iso
from monitor.domain.tickets import Status
from monitor.storage.queries import list_results

router = APIRouter(prefix="/api/v1", tags=["violations"], route_class=ApiRoute)
_DEFAULT = [Status.BREACHED.value, Status.MISSING_EVIDENCE.value]


@router.get("/violations", responses=READ_REFUSED)
def violations(
    context: Context,
    viewer: Reader,
    filters: Filter,
    status_: Annotated[
        list[str] | None,
        Query(alias="status", description="repeatable; default breached and missing_evidence"),
    ] = None,
    target: TextFilter = None,
    open_clock: Annotated[
        bool | None, Query(description="true: stop event not recorded yet")
    ] = None,
    after: After = 0,
    limit: Limit = 100,
) -> ViolationPage:
    """Results of the token's pools by status, target and the ticket filters; status labels
    in Chinese too."""
    statuses = status_ or _DEFAULT
    unknown = sorted(set(statuses) - {s.value for s in Status})
    if unknown:
        # In the shape the schema declares for 422: a list of {loc, msg, type}.
        message = f"unknown status {', '.join(unknown)}; use {', '.join(s.value for s in Status)}"
        raise RequestValidationError(
            [{"loc": ("query", "status"), "msg": message, "type": "enum", "input": unknown}]
        )
    zone = context.contract.zone
    now = clock.now()  # one instant for every row of the page
    rows = list_results(
        context.engine, filters, statuses, target, open_clock, after, limit, viewer, now=now
    )
    items = []
    for row in rows:
        item = {name: local_iso(value, zone) for name, value in row._mapping.items()}
        item["status_zh"] = Status(row.status).label_zh
        items.append(ViolationItem.model_validate(item))
    return ViolationPage(items=items, next_after=rows[-1].id if len(rows) == limit else None)
