"""Recognising a full disk (or a file-size limit) under the database, for a clear message."""

from __future__ import annotations

import errno

from sqlalchemy.exc import OperationalError

# SQLite's own words for SQLITE_FULL; PostgreSQL says "could not extend file … No space left".
_FULL_TEXTS = ("database or disk is full", "no space left on device")
_FULL_ERRNOS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def storage_full(error: BaseException) -> str | None:
    """The reason when `error` (or what caused it) is a full disk, else None."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return str(current)
        text = str(current.orig if isinstance(current, OperationalError) else current)
        if any(words in text.lower() for words in _FULL_TEXTS):
            return text.strip().splitlines()[0] if text.strip() else type(current).__name__
        current = current.__cause__ or current.__context__
    return None
