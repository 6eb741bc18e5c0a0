"""Recognising the database failures a caller can act on: a full disk, a lost connection, a
write that collided with another. Each was rolled back whole; the command or request can be
run again once the disk has room, the server is back or the other writer is done."""

from __future__ import annotations

import errno
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from sqlalchemy.exc import DBAPIError

from monitor.domain.message import Message

# SQLite's own words for SQLITE_FULL; PostgreSQL says "could not extend file … No space left".
_FULL_TEXTS = ("database or disk is full", "no space left on device")
_FULL_ERRNOS = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)
# PostgreSQL's SQLSTATEs for a connection that is gone: class 08 (connection exception) and
# the server shutting down or starting up (a restart, pg_terminate_backend).
_GONE_STATES = ("57P01", "57P02", "57P03")
# A deadlock or a serialisation failure: PostgreSQL chose this transaction to roll back.
_CONFLICT_STATES = ("40001", "40P01")
_BUSY_TEXT = "database is locked"  # SQLite's SQLITE_BUSY, after its busy timeout

Kind = Literal["full", "disconnected", "conflict"]


@dataclass(frozen=True, slots=True)
class StorageFailure:
    """What went wrong under the database, and the database's own words for it (one line)."""

    kind: Kind
    reason: str

    @property
    def retry_after_seconds(self) -> int:
        """How long an API caller should wait: room on a disk takes someone's hand."""
        return {"full": 60, "disconnected": 5, "conflict": 1}[self.kind]

    def message(self, again: str) -> str:
        """中文 first, then English, ending with `again` (run the command / send the request)."""
        return f"{_LEADS[self.kind]} {self._english(again)}"

    def said(self, again: Message) -> Message:
        """The failure in each language, ending with `again` in that language."""
        zh = {
            "full": f"存储空间不足（{self.reason}），失败的写入已回滚：请释放空间后{again.zh}",
            "disconnected": f"数据库连接中断（{self.reason}），本次写入已全部回滚，请{again.zh}",
            "conflict": f"数据库写入冲突（{self.reason}），已回滚，请{again.zh}",
        }[self.kind]
        return Message(zh, self._english(again.en))

    def _english(self, again: str) -> str:
        if self.kind == "full":
            return (
                f"no space left for the database ({self.reason}); "
                f"the failed write was rolled back: free some space and {again}"
            )
        if self.kind == "disconnected":
            return (
                f"the database connection was lost ({self.reason}); "
                f"everything of this write was rolled back: {again}"
            )
        return f"the write collided with another one ({self.reason}) and was rolled back: {again}"


# The Chinese lead of `message`, before its English, where one text serves both languages.
_LEADS: dict[Kind, str] = {
    "full": "存储空间不足",
    "disconnected": "数据库连接中断，已回滚，可重试",
    "conflict": "数据库写入冲突，已回滚，可重试",
}


def storage_failure(error: BaseException) -> StorageFailure | None:
    """The failure when `error` (or what caused it) is one of a full disk, a lost connection
    or a conflicting write, else None."""
    for current in _chain(error):
        kind = _kind(current)
        if kind is not None:
            return StorageFailure(kind, _one_line(current))
    return None


def storage_full(error: BaseException) -> str | None:
    """The reason when `error` (or what caused it) is a full disk, else None."""
    failure = storage_failure(error)
    return failure.reason if failure is not None and failure.kind == "full" else None


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _kind(error: BaseException) -> Kind | None:
    if isinstance(error, OSError) and error.errno in _FULL_ERRNOS:
        return "full"
    driver = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    text = str(driver).lower()
    if any(words in text for words in _FULL_TEXTS):
        return "full"
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return "disconnected"
    if _BUSY_TEXT in text and type(driver).__module__.startswith("sqlite3"):
        return "conflict"
    if type(driver).__module__.startswith("psycopg"):
        return _psycopg_kind(driver)
    return None


def _psycopg_kind(error: BaseException) -> Kind | None:
    import psycopg  # only once the error is psycopg's: SQLite runs need not load it

    state = getattr(error, "sqlstate", None)
    if state in _CONFLICT_STATES:
        return "conflict"
    if state is not None:
        return "disconnected" if state.startswith("08") or state in _GONE_STATES else None
    # No SQLSTATE: not the server's answer but the connection's own failure (refused, lost).
    lost = isinstance(error, psycopg.OperationalError | psycopg.InterfaceError)
    return "disconnected" if lost else None


def _one_line(error: BaseException) -> str:
    driver = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    text = str(driver).strip()
    return text.splitlines()[0] if text else type(driver).__name__
