"""Bulk inserts of rows given as columns: the driver's cheapest path, inside the caller's
transaction (SQLite executemany of ready values, PostgreSQL COPY)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Connection

from monitor.storage.stored_time import stored_texts

Ints = np.ndarray[Any, np.dtype[np.int64]]


def bulk_insert(
    connection: Connection,
    table: str,
    columns: tuple[str, ...],
    values: list[Any],
    times: set[int],
) -> None:
    """Rows given as columns; those at `times` hold µs (MISSING for NULL). Written by the
    driver's bulk path: SQLite executemany of ready values, PostgreSQL COPY."""
    if not len(values[0]):
        return
    on_sqlite = connection.dialect.name == "sqlite"
    ready = [
        stored_texts(column, on_sqlite) if place in times else column.tolist()
        for place, column in enumerate(values)
    ]
    rows = list(zip(*ready, strict=True))
    names = ", ".join(f'"{name}"' for name in columns)
    if on_sqlite:
        marks = ", ".join("?" * len(columns))
        connection.exec_driver_sql(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
        return
    raw: Any = connection.connection.driver_connection
    with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


# SQLite's page cache while a bulk write runs (its default is 2 MiB): inserting rows in key
# order of no index touches index pages all over the file, and re-reading them from the WAL
# costs more than the inserts. 64 MiB holds the indexes of a few hundred thousand tickets.
BULK_CACHE_KIB = 64 * 1024


@contextmanager
def bulk_page_cache(connection: Connection) -> Iterator[None]:
    """A larger SQLite page cache for the connection while the block runs, then the old size
    (the connection goes back to the pool). Nothing on PostgreSQL."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = connection.exec_driver_sql("PRAGMA cache_size").scalar_one()
    connection.exec_driver_sql(f"PRAGMA cache_size=-{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size={int(before)}")
