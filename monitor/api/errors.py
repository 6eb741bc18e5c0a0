"""The API's routes: a database that fails under a request (full disk, lost connection,
conflicting write) is a 503 with Retry-After, and a 422 can always be sent."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.requests import Request
from starlette.responses import Response

from monitor.api.schemas import ErrorDetail
from monitor.storage.failures import storage_failure

log = logging.getLogger(__name__)
# The 503 in the spec of every route (a route that declares its own 503 keeps it).
UNAVAILABLE: dict[str, Any] = {
    "model": ErrorDetail,
    "description": "存储空间不足 / 数据库连接中断 / 写入冲突: the database failed under the "
    "request and everything it wrote was rolled back; send it again after Retry-After",
    "headers": {"Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}}},
}


class EscapedJSONResponse(JSONResponse):
    """JSON with every non-ASCII character escaped: a lone surrogate echoed from a body can be
    written as \\udc00, never as UTF-8."""

    def render(self, content: Any) -> bytes:
        return json.dumps(content, separators=(",", ":")).encode("ascii")


class ApiRoute(APIRoute):
    """A route whose storage failures are answered 503 and whose 422 echoes any input."""

    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        kwargs["responses"] = {503: UNAVAILABLE, **(kwargs.get("responses") or {})}
        super().__init__(path, endpoint, **kwargs)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer(request: Request) -> Response:
            try:
                return await handler(request)
            except RequestValidationError as error:
                return _refused(error)
            except Exception as error:
                failure = storage_failure(error)
                if failure is None:
                    raise
                log.warning("%s %s: %s", request.method, request.url.path, failure.reason)
                return JSONResponse(
                    {"detail": failure.message("send the request again")},
                    status_code=503,
                    headers={"Retry-After": str(failure.retry_after_seconds)},
                )

        return answer


def _refused(error: RequestValidationError) -> Response:
    """FastAPI's own 422 body; escaped when the input it echoes cannot be UTF-8."""
    content = {"detail": jsonable_encoder(error.errors())}
    try:
        return JSONResponse(content, status_code=422)
    except UnicodeEncodeError:
        return EscapedJSONResponse(content, status_code=422)
