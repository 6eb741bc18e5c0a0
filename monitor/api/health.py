"""/healthz (the process answers), /readyz (database, scheduler, collectors) and /metrics."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from monitor.api.auth import Context, reader

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Liveness: the process is up and serving."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "not ready; `checks` says why"}})
def readyz(context: Context) -> JSONResponse:
    """Readiness: database reachable, scheduler running, start-up evaluation done.

    Collector health (last success, failures in a row, last error) is listed in `collectors`;
    a failing collector is a data gap, not a reason to stop serving.
    """
    ready, details = context.readiness()
    body: dict[str, Any] = {"status": "ready" if ready else "not ready", **details}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", dependencies=[Depends(reader)], response_class=Response)
def metrics(request: Request) -> Response:
    """Prometheus text exposition, read from the stored state at scrape time."""
    return Response(generate_latest(request.app.state.registry), media_type=CONTENT_TYPE_LATEST)
