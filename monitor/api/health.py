"""/healthz (the process answers), /readyz (database, scheduler, collectors) and /metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from monitor.api.auth import METRICS_REFUSED, Context, scraper
from monitor.api.errors import ApiRoute
from monitor.api.schemas import Health, Readiness

router = APIRouter(tags=["health"])
# The exposition is text, not JSON: the spec says so, with the format's version in words.
_EXPOSITION: dict[int | str, dict[str, Any]] = {
    200: {
        "description": f"Prometheus text exposition ({CONTENT_TYPE_LATEST})",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}


@router.get("/healthz")
def healthz() -> Health:
    """Liveness: the process is up and serving."""
    return Health(status="ok")


@router.get(
    "/readyz",
    response_model=Readiness,
    responses={
        200: {"description": "ready"},
        503: {"model": Readiness, "description": "not ready; `checks` says why"},
    },
)
def readyz(context: Context) -> JSONResponse:
    """Readiness: database reachable, scheduler running, start-up evaluation done.

    Collector health (last success, failures in a row, last error) is listed in `collectors`;
    a failing collector is a data gap, not a reason to stop serving.
    """
    ready, details = context.readiness()
    body = Readiness.model_validate({"status": "ready" if ready else "not ready", **details})
    # A JSONResponse, not the model, so that the status code can say 503.
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ready else 503)


def metrics(request: Request) -> Response:
    """Prometheus text exposition, read from the stored state at scrape time."""
    return Response(generate_latest(request.app.state.registry), media_type=CONTENT_TYPE_LATEST)


# An ApiRoute, unlike /healthz and /readyz: a scrape reads the database (503 when it fails).
router.add_api_route(
    "/metrics",
    metrics,
    methods=["GET"],
    dependencies=[Depends(scraper)],
    response_class=Response,
    responses={**METRICS_REFUSED, **_EXPOSITION},
    route_class_override=ApiRoute,
)
