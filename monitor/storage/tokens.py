"""API bearer tokens: only a SHA-256 of each is stored; checks compare in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from monitor.storage.tables import ApiTokenRow

TOKEN = ApiTokenRow.__table__  # type: ignore[attr-defined]
PREFIX = "slamon_"


class TokenError(Exception):
    """A token name that is taken or unknown."""


def token_hash(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 cannot be brute-forced, no salt or KDF needed.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(engine: Engine, name: str, now: datetime) -> str:
    """A new token under `name`; the token itself is returned once and never stored."""
    token = PREFIX + secrets.token_urlsafe(32)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(TOKEN), {"name": name, "token_hash": token_hash(token), "created_at": now}
            )
    except IntegrityError:
        raise TokenError(
            f"a token named '{name}' exists already; revoke it or pick another name"
        ) from None
    return token


def revoke_token(engine: Engine, name: str, now: datetime) -> None:
    with engine.begin() as connection:
        done = connection.execute(
            update(TOKEN)
            .where(TOKEN.c.name == name, TOKEN.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    if done.rowcount == 0:
        raise TokenError(f"no active token named '{name}'")


def list_tokens(engine: Engine) -> list[Any]:
    query = select(TOKEN.c.name, TOKEN.c.created_at, TOKEN.c.revoked_at).order_by(TOKEN.c.id)
    with engine.connect() as connection:
        return list(connection.execute(query))


def token_owner(engine: Engine, presented: str) -> str | None:
    """The name of the active token equal to `presented`, compared in constant time."""
    digest = token_hash(presented)
    query = select(TOKEN.c.name, TOKEN.c.token_hash).where(TOKEN.c.revoked_at.is_(None))
    with engine.connect() as connection:
        rows = list(connection.execute(query))
    owner = None
    for row in rows:  # every row is compared, so the time does not say which one matched
        if hmac.compare_digest(row.token_hash, digest):
            owner = row.name
    return owner
