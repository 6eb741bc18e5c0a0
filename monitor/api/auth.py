"""Bearer tokens: writes always need one; reads when SLAMON_READ_ACCESS=token."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException, status
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from monitor.api.context import ApiContext, api_context
from monitor.api.schemas import ErrorDetail
from monitor.storage.tokens import token_owner

_bearer = HTTPBearer(auto_error=False, description="a token from `slamon token create NAME`")
_CHALLENGE = {"description": "always `Bearer`", "schema": {"type": "string"}}
# The 401 answers in the spec: `detail` says whether the token is missing or unknown.
WRITE_REFUSED: dict[int | str, dict[str, Any]] = {
    401: {
        "model": ErrorDetail,
        "description": "no token, or an unknown or revoked one",
        "headers": {"WWW-Authenticate": _CHALLENGE},
    }
}
READ_REFUSED: dict[int | str, dict[str, Any]] = {
    401: {**WRITE_REFUSED[401], "description": "with SLAMON_READ_ACCESS=token: no valid token"}
}


def _owner(context: ApiContext, credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "需要令牌 a bearer token is required (Authorization: Bearer …)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    owner = token_owner(context.engine, credentials.credentials)
    if owner is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "令牌无效或已吊销 the token is unknown or revoked",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return owner


Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
Context = Annotated[ApiContext, Depends(api_context)]


def writer(context: Context, credentials: Credentials) -> str:
    """The name of the token that authorises a write."""
    return _owner(context, credentials)


def reader(context: Context, credentials: Credentials) -> str | None:
    """The name of the token that authorises a read; None while reads are open."""
    if context.settings.read_access == "open":
        return None
    return _owner(context, credentials)
