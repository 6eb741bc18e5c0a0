"""API bearer tokens: only a SHA-256 of each is stored; checks compare in constant time.

A token writes one source (none: it only reads) and reads and writes the tickets of its pools
(none given: every pool).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from monitor.domain.message import Message, MessageError
from monitor.domain.text import control_problem
from monitor.domain.viewer import Role, Viewer
from monitor.storage.tables import ApiTokenRow

TOKEN = ApiTokenRow.__table__  # type: ignore[attr-defined]
PREFIX = "slamon_"


class TokenError(MessageError):
    """A token name that is taken or unknown, or a source or pool it cannot have."""


@dataclass(frozen=True, slots=True)
class Token:
    """An active token: the source it writes (None: reads only) and its pools (None: all)."""

    id: int
    name: str
    source: str | None
    pools: tuple[str, ...] | None

    @property
    def viewer(self) -> Viewer:
        """What it may read, as a dashboard viewer: every pool (as 建设单位) or its pools."""
        if self.pools is None:
            return Viewer(self.name, Role.OWNER)
        return Viewer(self.name, Role.OPERATOR, self.pools)

    def holds_pool(self, pool: str | None) -> bool:
        """Whether a ticket in `pool` is within the token's pools (one without a pool is not,
        unless the token has every pool)."""
        return self.pools is None or (pool is not None and pool in self.pools)


def token_hash(token: str) -> str:
    # Tokens are 256 random bits: a plain SHA-256 cannot be brute-forced, no salt or KDF needed.
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(
    engine: Engine,
    name: str,
    now: datetime,
    *,
    source: str | None,
    pools: Sequence[str] | None,
) -> str:
    """A new token under `name` writing `source` (None: reads only) in `pools` (None: every
    pool); the token itself is returned once and never stored."""
    _check_scope(source, pools)
    token = PREFIX + secrets.token_urlsafe(32)
    values = {
        "name": name,
        "token_hash": token_hash(token),
        "source": source,
        "pools": None if pools is None else json.dumps(list(pools), ensure_ascii=False),
        "created_at": now,
    }
    try:
        with engine.begin() as connection:
            connection.execute(insert(TOKEN), values)
    except IntegrityError:
        raise TokenError(
            Message(
                f"已有名为 '{name}' 的令牌：请吊销它或另取一个名字",
                f"a token named '{name}' exists already; revoke it or pick another name",
            )
        ) from None
    return token


def _check_scope(source: str | None, pools: Sequence[str] | None) -> None:
    source_named = Message("来源", "source")
    named = [(source_named, source), *((Message("资源池", "pool"), pool) for pool in pools or ())]
    for what, value in named:
        if value is None:
            continue
        if not value.strip() or len(value) > 100:
            raise TokenError(
                Message(
                    f"{what.zh} '{value}'：须为 1 到 100 个字符",
                    f"{what.en} '{value}': must have 1 to 100 characters",
                )
            )
        problem = control_problem(value)
        if problem is not None:
            raise TokenError(Message(f"{what.zh}：", f"{what.en}: ") + problem)
    if pools is not None and not pools:
        raise TokenError(Message("至少指定一个资源池", "name at least one pool, or every pool"))


def revoke_token(engine: Engine, name: str, now: datetime) -> None:
    with engine.begin() as connection:
        done = connection.execute(
            update(TOKEN)
            .where(TOKEN.c.name == name, TOKEN.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    if done.rowcount == 0:
        raise TokenError(
            Message(f"没有名为 '{name}' 的有效令牌", f"no active token named '{name}'")
        )


def list_tokens(engine: Engine) -> list[Any]:
    query = select(
        TOKEN.c.name, TOKEN.c.source, TOKEN.c.pools, TOKEN.c.created_at, TOKEN.c.revoked_at
    ).order_by(TOKEN.c.id)
    with engine.connect() as connection:
        return list(connection.execute(query))


def stored_pools(text: str | None) -> tuple[str, ...] | None:
    """A token's pools as stored (a JSON list; NULL: every pool)."""
    return None if text is None else tuple(json.loads(text))


def find_token(engine: Engine, presented: str) -> Token | None:
    """The active token equal to `presented`, compared in constant time."""
    digest = token_hash(presented)
    query = select(
        TOKEN.c.id, TOKEN.c.name, TOKEN.c.source, TOKEN.c.pools, TOKEN.c.token_hash
    ).where(TOKEN.c.revoked_at.is_(None))
    with engine.connect() as connection:
        rows = list(connection.execute(query))
    found = None
    for row in rows:  # every row is compared, so the time does not say which one matched
        if hmac.compare_digest(row.token_hash, digest):
            found = row
    if found is None:
        return None
    return Token(found.id, found.name, found.source, stored_pools(found.pools))
