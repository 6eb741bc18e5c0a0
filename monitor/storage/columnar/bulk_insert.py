"""Bulk inserts of rows given as columns: the driver's cheapest path, inside the caller's
transaction (SQLite executemany of ready values, PostgreSQL COPY)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
from sqlalchemy import Connection

from monitor.rules.status_arrays import MISSING
from monitor.storage.columnar.packed import civil_from_days

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
        stored_times(column, on_sqlite) if place in times else column.tolist()
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


def _texts(moments: Ints, on_sqlite: bool) -> list[str | None]:
    """µs as UTCDateTime's SQLite text ("2024-06-03 02:00:00.000000"), or for PostgreSQL an
    ISO instant in UTC ("2024-06-03T02:00:00.000000Z"); None for MISSING."""
    text = np.datetime_as_string(moments.view("datetime64[us]"), unit="us")
    if on_sqlite and text.dtype.itemsize // 4 == 26:
        letters = text.view("U1").reshape(len(text), 26)
        letters[:, 10] = " "
    elif on_sqlite:  # a year outside 0000–9999: not the fixed layout, fix it one by one
        text = np.array([t.replace("T", " ") for t in text.tolist()], dtype=object)
    written: Any = text.astype(object)
    if not on_sqlite:
        written = written + "Z"
    written[moments == MISSING] = None
    return written.tolist()  # type: ignore[no-any-return]


# µs of 1900-01-01 and of 2200-01-01: the years stored_times writes itself.
_OWN_RANGE_US = (-2_208_988_800_000_000, 7_258_118_400_000_000)
_LAYOUT = "0000-00-00 00:00:00.000000"
_DIGITS = (0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22, 23, 24, 25)


def stored_times(moments: Ints, on_sqlite: bool) -> list[str | None]:
    """What _texts gives (µs → SQLite's stored text "2024-06-03 02:00:00.000000", or
    PostgreSQL's ISO instant "2024-06-03T02:00:00.000000Z"; None for MISSING), written digit
    by digit with integer arithmetic, in half the time of NumPy's datetime_as_string."""
    present = moments != MISSING
    values = moments[present]
    if len(values) and (values.min() < _OWN_RANGE_US[0] or values.max() >= _OWN_RANGE_US[1]):
        return _texts(moments, on_sqlite)
    days, micros = np.divmod(values, 86_400_000_000)
    year, month, day = civil_from_days(days)
    seconds, fraction = np.divmod(micros, 1_000_000)
    numbers = (
        (year, 4),
        (month, 2),
        (day, 2),
        (seconds // 3600, 2),
        (seconds // 60 % 60, 2),
        (seconds % 60, 2),
        (fraction, 6),
    )
    layout = _LAYOUT if on_sqlite else _LAYOUT.replace(" ", "T") + "Z"
    letters = np.empty((len(values), len(layout)), dtype=np.uint32)
    letters[:] = np.frombuffer(layout.encode("utf-32-le"), dtype=np.uint32)
    places = iter(_DIGITS)
    for number, width in numbers:
        for power in range(width - 1, -1, -1):
            letters[:, next(places)] = number // 10**power % 10 + ord("0")
    texts = letters.view(f"<U{len(layout)}").reshape(len(values))
    if len(values) == len(moments):
        return texts.tolist()
    written: Any = np.full(len(moments), None, dtype=object)
    written[present] = texts
    return written.tolist()  # type: ignore[no-any-return]


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
