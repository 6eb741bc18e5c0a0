"""Bearer tokens: writes always need one with a source; reads one too unless
SLAMON_READ_ACCESS=open; /metrics its own scrape token when SLAMON_METRICS_TOKEN is set.

A token's pools scope everything it reads and writes.
"""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from monitor.api.context import ApiContext, api_context
from monitor.api.schemas import ErrorDetail
from monitor.domain.viewer import Role, Viewer
from monitor.storage.tokens import Token, find_token

_bearer = HTTPBearer(
    auto_error=False, description="a token from `slamon token create NAME --source … --pool …`"
)
_CHALLENGE = {"description": "always `Bearer`", "schema": {"type": "string"}}
_UNAUTHORISED: dict[str, Any] = {
    "model": ErrorDetail,
    "description": "no token, or an unknown or revoked one",
    "headers": {"WWW-Authenticate": _CHALLENGE},
}
# The 401 and 403 answers in the spec: `detail` says what is missing.
WRITE_REFUSED: dict[int | str, dict[str, Any]] = {
    401: _UNAUTHORISED,
    403: {"model": ErrorDetail, "description": "a token for reads only (it has no source)"},
}
READ_REFUSED: dict[int | str, dict[str, Any]] = {
    401: {**_UNAUTHORISED, "description": "no valid token (unless SLAMON_READ_ACCESS=open)"}
}
METRICS_REFUSED: dict[int | str, dict[str, Any]] = {
    401: {
        **_UNAUTHORISED,
        "description": "not SLAMON_METRICS_TOKEN when it is set, else as the other reads",
    },
    403: {"model": ErrorDetail, "description": "a token limited to some pools"},
}
# Whoever reads while reads are open: every pool, like a 建设单位.
OPEN_READS = Viewer("open", Role.OWNER)


def _refused(detail: str) -> HTTPException:
    return HTTPException(
        status.HTTP_401_UNAUTHORIZED, detail, headers={"WWW-Authenticate": "Bearer"}
    )


def _token(context: ApiContext, credentials: HTTPAuthorizationCredentials | None) -> Token:
    if credentials is None:
        raise _refused("需要令牌 a bearer token is required (Authorization: Bearer …)")
    token = find_token(context.engine, credentials.credentials)
    if token is None:
        raise _refused("令牌无效或已吊销 the token is unknown or revoked")
    return token


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
Context = Annotated[ApiContext, Depends(api_context)]


def writer(context: Context, credentials: Credentials) -> Token:
    """The token that authorises a write: one with a source."""
    token = _token(context, credentials)
    if token.source is None:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            f"只读令牌不能写入 token '{token.name}' only reads; a token that writes is made "
            "with `slamon token create NAME --source SOURCE --pool POOL`",
        )
    return token


def reader(context: Context, credentials: Credentials) -> Viewer:
    """What the caller may read: its token's pools, or every pool while reads are open and
    it shows no token."""
    if credentials is None and context.settings.read_access == "open":
        return OPEN_READS
    return _token(context, credentials).viewer


def scraper(context: Context, credentials: Credentials) -> None:
    """/metrics: the scrape token when one is set; else a reader that sees every pool, since
    the figures cover them all."""
    expected = context.settings.metrics_token
    if expected is not None:
        presented = "" if credentials is None else credentials.credentials
        if not hmac.compare_digest(presented.encode(), expected.get_secret_value().encode()):
            raise _refused("需要抓取令牌 /metrics needs the scrape token (SLAMON_METRICS_TOKEN)")
        return
    if not reader(context, credentials).sees_everything:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "/metrics 含全部资源池的数字，此令牌只限部分资源池 /metrics covers every pool; "
            "this token is limited to some",
        )


Reader = Annotated[Viewer, Depends(reader)]
