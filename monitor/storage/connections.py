"""Connections the storage functions share: a bind used as given or opened for the call, and
the insert construct of the connection's dialect (for ON CONFLICT upserts)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.dialects import postgresql, sqlite


def dialect_insert(connection: Connection) -> Any:
    """PostgreSQL's or SQLite's insert(), which both know on_conflict_do_update."""
    return postgresql.insert if connection.dialect.name == "postgresql" else sqlite.insert


class connected:
    """Use a given connection as it is, or open (and close) one from an engine."""

    def __init__(self, bind: Engine | Connection) -> None:
        self._bind = bind
        self._opened: Connection | None = None

    def __enter__(self) -> Connection:
        if isinstance(self._bind, Connection):
            return self._bind
        self._opened = self._bind.connect()
        return self._opened

    def __exit__(self, *_exc: object) -> None:
        if self._opened is not None:
            self._opened.close()
