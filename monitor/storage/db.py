"""The database engine and schema migrations (Alembic)."""

from __future__ import annotations

import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError, OperationalError, SQLAlchemyError

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


# Connections kept open to PostgreSQL per process. `slamon serve` answers requests on up to 40
# threads beside its own jobs; a connection past the kept ones is closed when handed back, and
# the next one forks a new server process that fills its catalogue caches again, which cost
# PostgreSQL more than the statements of an API batch. The overflow bounds a process at 40, so
# two services, the dashboard and a command stay inside the server's default 100 connections.
PG_POOL_KEPT = 20
PG_PING_AFTER_S = 1.0
PG_POOL_OVERFLOW = 20


class DatabaseError(Exception):
    """The database cannot be reached or is not at the schema this version needs."""


def make_engine(url: str) -> Engine:
    """An engine for a SQLite file or a PostgreSQL server; creates the SQLite folder if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    engine = create_engine(url, pool_size=PG_POOL_KEPT, max_overflow=PG_POOL_OVERFLOW)
    _ping_after_rest(engine)
    return engine


def _ping_after_rest(engine: Engine) -> None:
    """Ping a kept connection before it is used once it has rested PG_PING_AFTER_S: one that
    died with a server restart is replaced before a statement fails on it. A ping on every
    checkout is a round trip more on every request under load, where connections rest for
    milliseconds; a connection that dies while in use is a disconnect, which empties the pool
    and is answered as the database unreachable (monitor.storage.failures)."""

    @event.listens_for(engine, "checkin")
    def rested(_connection: Any, record: Any) -> None:
        record.info["rested_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def ping(connection: Any, record: Any, _proxy: Any) -> None:
        rested_from = record.info.get("rested_from")
        if rested_from is None or time.monotonic() - rested_from < PG_PING_AFTER_S:
            return
        try:
            engine.dialect.do_ping(connection)
        except Exception as error:
            raise DisconnectionError(f"a kept connection is gone: {error}") from error


def open_kept_connections(engine: Engine) -> None:
    """Open the connections a PostgreSQL engine keeps, before they are asked for: a service
    started while its clients wait gets all of them at once, and each of the first requests
    would otherwise wait for a server process of its own to be forked and authenticated."""
    if engine.dialect.name != "postgresql":
        return
    try:
        with ExitStack() as opened:
            for _ in range(PG_POOL_KEPT):
                opened.enter_context(engine.connect())
    except SQLAlchemyError:
        pass  # a database not reachable yet: requests open connections as they come


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    # WAL lets the dashboard read while the service writes; foreign keys are off by default.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """The schema revision(s) this slamon needs, comma-joined when branches are open."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ",".join(sorted(ScriptDirectory.from_config(config).get_heads()))


def current_revision(engine: Engine) -> str | None:
    """The database's schema revision(s), comma-joined; None for an empty database."""
    try:
        with engine.connect() as connection:
            heads = MigrationContext.configure(connection).get_current_heads()
    except OperationalError as error:
        raise DatabaseError(f"cannot open the database {engine.url!r}: {error.orig}") from None
    return ",".join(sorted(heads)) or None


def upgrade(engine: Engine, revision: str = "heads") -> None:
    """Apply migrations up to `revision`; data is kept, only the schema changes."""
    command.upgrade(alembic_config(engine), revision)


def ensure_schema(engine: Engine) -> None:
    """Create the schema in an empty database; refuse to work on an out-of-date one."""
    current = current_revision(engine)
    if current is None:
        upgrade(engine)
    elif current != head_revision():
        raise DatabaseError(
            f"the database schema is at revision {current}, this slamon needs {head_revision()}: "
            "run `slamon db upgrade` first (your data is kept)"
        )
