"""Named locks across threads and, on PostgreSQL, across `slamon serve` processes.

PostgreSQL: a session advisory lock on a connection of its own — released by the server when
the process dies, so a crash never leaves a lock behind. SQLite has one writer at a time and
one service process; a thread lock per name is enough there.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock."""
    return int.from_bytes(
        hashlib.sha256(f"slamon:{name}".encode()).digest()[:8], "big", signed=True
    )


class Locks:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.shared = engine.dialect.name == "postgresql"
        self._local: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _thread_lock(self, name: str) -> threading.Lock:
        with self._guard:
            return self._local.setdefault(name, threading.Lock())

    @contextmanager
    def hold(self, name: str) -> Iterator[None]:
        """Wait for the lock, then hold it for the block."""
        with self._thread_lock(name):
            if not self.shared:
                yield
                return
            with self.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                connection.execute(text("SELECT pg_advisory_lock(:k)"), {"k": lock_key(name)})
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": lock_key(name)})

    @contextmanager
    def attempt(self, name: str) -> Iterator[bool]:
        """Hold the lock for the block if it is free; yields False (at once) if it is not."""
        local = self._thread_lock(name)
        if not local.acquire(blocking=False):
            yield False
            return
        try:
            if not self.shared:
                yield True
                return
            with self.engine.connect() as connection:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                key = {"k": lock_key(name)}
                got = connection.execute(text("SELECT pg_try_advisory_lock(:k)"), key).scalar()
                try:
                    yield bool(got)
                finally:
                    if got:
                        connection.execute(text("SELECT pg_advisory_unlock(:k)"), key)
        finally:
            local.release()
