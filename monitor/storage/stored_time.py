"""How a timestamp is stored, written and read in one place.

SQLite has no zone-aware type, so an instant is stored as its UTC wall time in SQLAlchemy's
DATETIME layout ("2024-06-03 02:00:00.000000"), which keeps text comparisons in SQL in time
order. PostgreSQL keeps timestamptz; its bulk path (COPY) takes an ISO instant in UTC
("2024-06-03T02:00:00.000000Z"). Every reader and writer of stored times goes through here:
the column type (scalar), the bulk inserts (lists of text) and the packed column reads and
writes (byte blocks).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np

from monitor.domain.instants import (
    DAY_US,
    MISSING,
    Ints,
    civil_from_days,
    days_from_civil,
    real_dates,
    to_us,
)

SQLITE_LAYOUT = "0000-00-00 00:00:00.000000"
COPY_LAYOUT = "0000-00-00T00:00:00.000000Z"
WIDTH = len(SQLITE_LAYOUT)
_DIGIT_PLACES = [place for place, letter in enumerate(SQLITE_LAYOUT) if letter == "0"]
_FIELD_WIDTHS = (4, 2, 2, 2, 2, 2, 6)  # year month day hour minute second microsecond
# µs of 1900-01-01 and of 2200-01-01: the years the digit writer is used for in text lists;
# outside them NumPy's own formatting decides (it writes years beyond four digits its way).
_OWN_RANGE_US = (-2_208_988_800_000_000, 7_258_118_400_000_000)


NOT_A_TIME = MISSING + 1  # read_block's mark for text that is no time; PostgreSQL never has it
_FIELDS = {
    "year": slice(0, 4),
    "month": slice(5, 7),
    "day": slice(8, 10),
    "hour": slice(11, 13),
    "minute": slice(14, 16),
    "second": slice(17, 19),
    "micro": slice(20, 26),
}
_PUNCTUATION = {place: letter for place, letter in enumerate(SQLITE_LAYOUT) if letter != "0"}


def utc_text(moment: Any) -> str:
    """An aware datetime as its stored SQLite text: the UTC isoformat without "+00:00"."""
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"timestamps must be timezone-aware datetimes, got {moment!r}")
    return moment.astimezone(UTC).isoformat(" ", "microseconds")[:-6]


def read_moment(value: Any) -> datetime:
    """A stored time (SQLite text, or the driver's datetime) as an aware UTC datetime."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def read_us(value: Any) -> int:
    """A stored time as µs since the epoch; MISSING for NULL."""
    return MISSING if value is None else to_us(read_moment(value))


def stored_texts(moments: Ints, on_sqlite: bool) -> list[str | None]:
    """µs since the epoch as the text a bulk insert binds: SQLite's stored text, or the ISO
    instant PostgreSQL's COPY takes; None for MISSING."""
    present = moments != MISSING
    values = moments[present]
    if len(values) and (values.min() < _OWN_RANGE_US[0] or values.max() >= _OWN_RANGE_US[1]):
        return _numpy_texts(moments, on_sqlite)
    layout = SQLITE_LAYOUT if on_sqlite else COPY_LAYOUT
    # UTF-32 letters view as a NumPy str array directly, so tolist() makes the str objects.
    texts = _letters(values, layout, np.uint32).view(f"<U{len(layout)}").reshape(len(values))
    if len(values) == len(moments):
        return texts.tolist()  # type: ignore[no-any-return]
    written: Any = np.full(len(moments), None, dtype=object)
    written[present] = texts
    return written.tolist()  # type: ignore[no-any-return]


def text_block(moments: Ints) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """µs since the epoch as SQLite's stored text in ASCII bytes (rows × WIDTH), blank for
    MISSING. A year outside 1–9999 is a ValueError, as for datetime."""
    present = moments != MISSING
    values = moments[present]
    years = civil_from_days(values // DAY_US)[0]
    if ((years < 1) | (years > 9999)).any():
        raise ValueError("a time outside the years 1–9999 (as datetime)")
    block = np.full((len(moments), WIDTH), ord(" "), dtype=np.uint8)
    block[present] = _letters(values, SQLITE_LAYOUT, np.uint8)
    return block


def _letters(values: Ints, layout: str, dtype: type[np.unsignedinteger[Any]]) -> Any:
    """The layout filled in with each instant's digits, one row of letter codes per value,
    written with integer arithmetic (twice as fast as NumPy's datetime_as_string)."""
    days, micros = np.divmod(values, DAY_US)
    year, month, day = civil_from_days(days)
    seconds, fraction = np.divmod(micros, 1_000_000)
    fields = (year, month, day, seconds // 3600, seconds // 60 % 60, seconds % 60, fraction)
    letters = np.empty((len(values), len(layout)), dtype=dtype)
    letters[:] = np.array([ord(letter) for letter in layout], dtype=dtype)
    places = iter(_DIGIT_PLACES)
    for number, width in zip(fields, _FIELD_WIDTHS, strict=True):
        for power in range(width - 1, -1, -1):
            letters[:, next(places)] = number // 10**power % 10 + ord("0")
    return letters


def _numpy_texts(moments: Ints, on_sqlite: bool) -> list[str | None]:
    """stored_texts by NumPy's datetime_as_string, for years the digit writer does not cover."""
    text = np.datetime_as_string(moments.view("datetime64[us]"), unit="us")
    if on_sqlite and text.dtype.itemsize // 4 == WIDTH:
        letters = text.view("U1").reshape(len(text), WIDTH)
        letters[:, 10] = " "
    elif on_sqlite:  # a year outside 0000–9999: not the fixed layout, fix it one by one
        text = np.array([t.replace("T", " ") for t in text.tolist()], dtype=object)
    written: Any = text.astype(object)
    if not on_sqlite:
        written = written + "Z"
    written[moments == MISSING] = None
    return written.tolist()  # type: ignore[no-any-return]


def read_block(part: np.ndarray[Any, Any]) -> Ints:
    """SQLite's stored text as ASCII bytes, one row of `part` per place (WIDTH × n), as µs
    since the epoch; blank → MISSING, anything else not a valid time in the layout →
    NOT_A_TIME (the caller reads those one by one with read_us)."""
    blank = part[0] == ord(" ")
    blank &= (part == ord(" ")).all(axis=0)
    digits = part[_DIGIT_PLACES] - ord("0")  # uint8: a non-digit wraps to more than 9
    valid = (digits <= 9).all(axis=0)
    for place, mark in _PUNCTUATION.items():
        valid &= part[place] == ord(mark)
    number = {name: decimal(part[places]) for name, places in _FIELDS.items()}
    year, month, day = number["year"], number["month"], number["day"]
    valid &= real_dates(year, month, day)
    valid &= (number["hour"] < 24) & (number["minute"] < 60) & (number["second"] < 60)
    moments = days_from_civil(year, month, day)
    for name, size in (("hour", 24), ("minute", 60), ("second", 60)):
        moments *= size
        moments += number[name]
    moments *= 1_000_000
    moments += number["micro"]
    moments[~valid] = NOT_A_TIME
    moments[blank] = MISSING
    return moments


def decimal(part: np.ndarray[Any, Any]) -> Ints:
    """Unsigned decimal digits in ASCII, one row of `part` per place, as numbers."""
    values: Ints = part[0].astype(np.int64) - 48
    for place in range(1, len(part)):
        values *= 10
        values += part[place]
        values -= 48
    return values
