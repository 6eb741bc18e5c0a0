"""Whole columns read without a Python object per value: a chunk of rows comes back as one
string that NumPy cuts into int64 arrays.

The sqlite3 and psycopg drivers make an object of every value they return, and parsing
timestamp text one value at a time cost more still; at a million tickets that was most of an
evaluation. Here the database packs each chunk of rows into one text value:

* SQLite: every row as fixed-width text (integers as "%+020d", UTCDateTime's stored
  26-character text as it is, a value of a small vocabulary as a 3-digit code), the rows
  concatenated by group_concat. NumPy reads the digits with array arithmetic.
* PostgreSQL: every value as an integer (timestamps as whole µs since the epoch, codes as
  numbers), joined by spaces with string_agg, read by numpy.fromstring.

Times are µs since the epoch (MISSING for NULL); a code is the value's index in the field's
vocabulary (a value the caller did not list is looked up afterwards and appended).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import numpy as np
from sqlalchemy import Connection

from monitor.rules.status_arrays import MISSING, to_us

Ints = np.ndarray[Any, np.dtype[np.int64]]
CHUNK = 50_000  # rows per statement: a few MB of text at a time
KEYS_PER_STATEMENT = 5_000  # values in one IN (…) list
_TIME_WIDTH = 26  # "YYYY-MM-DD HH:MM:SS.ffffff"
_INT_WIDTH = 20  # "%+020d": a sign and 19 digits, every int64
_CODE_WIDTH = 3
_BLANK_TIME = " " * _TIME_WIDTH
_UNKNOWN_CODE = -1  # a value (or NULL) not (yet) in the vocabulary
_NOT_FIXED = MISSING + 1  # PostgreSQL never returns it for a time; marks nothing there


@dataclass(frozen=True, slots=True)
class Column:
    """One column to read: an integer, a UTCDateTime, or a text from a small vocabulary."""

    name: str
    kind: Literal["int", "time", "code"]
    null: int = MISSING  # what an integer column's NULL becomes
    vocabulary: Sequence[str | None] = ()


@dataclass(slots=True)
class Packed:
    """The columns read, in key order; `vocabulary[name]` decodes a code column."""

    arrays: dict[str, Ints]
    vocabulary: dict[str, list[str | None]] = field(default_factory=dict)

    def decoded(self, name: str, codes: Ints) -> list[str | None]:
        words = self.vocabulary[name]
        return [words[code] for code in codes.tolist()]


def read_columns(
    connection: Connection,
    table: str,
    columns: Sequence[Column],
    *,
    key: str = "id",
    only: tuple[str, Sequence[int]] | None = None,
) -> Packed:
    """`columns` of `table` for every row (`only=None`) or those whose column only[0] is one of
    only[1], sorted by `key` (an integer column, read as well)."""
    chosen = [Column(key, "int"), *(c for c in columns if c.name != key)]
    vocabulary = {c.name: list(c.vocabulary) for c in chosen if c.kind == "code"}
    reader = _SQLite if connection.dialect.name == "sqlite" else _PostgreSQL
    parts = [
        reader.parse(texts, chosen)
        for texts in reader.chunks(connection, table, chosen, vocabulary, key, only)
    ]
    arrays = {
        c.name: np.concatenate([part[c.name] for part in parts])
        if parts
        else np.empty(0, dtype=np.int64)
        for c in chosen
    }
    order = np.argsort(arrays[key], kind="stable")
    if len(order) and not np.array_equal(order, np.arange(len(order))):
        arrays = {name: values[order] for name, values in arrays.items()}
    packed = Packed(arrays, vocabulary)
    _resolve(connection, table, chosen, packed, key)
    return packed


def _resolve(
    connection: Connection, table: str, columns: Sequence[Column], packed: Packed, key: str
) -> None:
    """Look up what the packed text could not say: values outside a code column's
    vocabulary, and SQLite times not in UTCDateTime's fixed layout (read as UTCDateTime
    reads them)."""
    for column in columns:
        values = packed.arrays[column.name]
        if column.kind == "code":
            odd = values == _UNKNOWN_CODE
        elif column.kind == "time":
            odd = values == _NOT_FIXED
        else:
            continue
        if not odd.any():
            continue
        keys = packed.arrays[key][odd].tolist()
        found: dict[int, Any] = {}
        for offset in range(0, len(keys), KEYS_PER_STATEMENT):
            chunk = keys[offset : offset + KEYS_PER_STATEMENT]
            marks = ", ".join(["?"] * len(chunk)) if _is_sqlite(connection) else "%s"
            where = f'"{key}" IN ({marks})' if _is_sqlite(connection) else f'"{key}" = ANY(%s)'
            parameters = tuple(chunk) if _is_sqlite(connection) else (chunk,)
            statement = f'SELECT "{key}", "{column.name}" FROM {table} WHERE {where}'
            found.update(tuple(row) for row in connection.exec_driver_sql(statement, parameters))
        if column.kind == "code":
            words = packed.vocabulary[column.name]
            index = {word: number for number, word in enumerate(words)}
            values[odd] = [index.setdefault(found[k], len(index)) for k in keys]
            words.extend(list(index)[len(words) :])
        else:
            values[odd] = [_read_time(found[k]) for k in keys]


def _read_time(value: Any) -> int:
    """A stored time as UTCDateTime.process_result_value reads it, in µs."""
    if value is None:
        return MISSING
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    return to_us(moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC))


def _is_sqlite(connection: Connection) -> bool:
    return connection.dialect.name == "sqlite"


def _chunk_filters(
    key: str, only: tuple[str, Sequence[int]] | None
) -> list[tuple[str, Sequence[int]]]:
    if only is None:
        return []
    column, values = only
    keys = sorted(set(values))
    return [
        (column, keys[offset : offset + KEYS_PER_STATEMENT])
        for offset in range(0, len(keys), KEYS_PER_STATEMENT)
    ]


class _SQLite:
    @staticmethod
    def expression(column: Column, parameters: list[Any]) -> str:
        name = f'"{column.name}"'
        if column.kind == "int":
            null = "'N" + " " * (_INT_WIDTH - 1) + "'"
            return f"CASE WHEN {name} IS NULL THEN {null} ELSE printf('%+020d', {name}) END"
        if column.kind == "time":
            odd = "'?" + " " * (_TIME_WIDTH - 1) + "'"
            return (
                f"CASE WHEN length({name}) = {_TIME_WIDTH} THEN {name} "
                f"WHEN {name} IS NULL THEN '{_BLANK_TIME}' ELSE {odd} END"
            )
        cases = []
        for number, word in enumerate(column.vocabulary):
            if word is not None:
                cases.append(f"WHEN ? THEN '{number:03d}'")
                parameters.append(word)
        null = next((f"{n:03d}" for n, word in enumerate(column.vocabulary) if word is None), "???")
        known = f"CASE {name} {' '.join(cases)} ELSE '???' END" if cases else "'???'"
        return f"CASE WHEN {name} IS NULL THEN '{null}' ELSE {known} END"

    @staticmethod
    def chunks(
        connection: Connection,
        table: str,
        columns: Sequence[Column],
        vocabulary: dict[str, list[str | None]],
        key: str,
        only: tuple[str, Sequence[int]] | None,
    ) -> Any:
        parameters: list[Any] = []
        values = [_SQLite.expression(column, parameters) for column in columns]
        each = ", ".join(f"group_concat(c{i}, '')" for i in range(len(values)))
        named = ", ".join(f"{value} AS c{i}" for i, value in enumerate(values))
        if only is None:
            statement = (
                f'SELECT count(*), max(k), {each} FROM (SELECT "{key}" AS k, {named} '
                f'FROM {table} WHERE "{key}" > ? ORDER BY "{key}" LIMIT {CHUNK})'
            )
            after = -(2**63)
            while True:
                count, last, *texts = connection.exec_driver_sql(
                    statement, (*parameters, after)
                ).one()
                if count:
                    yield texts
                if count < CHUNK:
                    return
                after = last
        for column, chunk in _chunk_filters(key, only):
            marks = ", ".join(["?"] * len(chunk))
            statement = (
                f"SELECT count(*), {each} FROM (SELECT {named} FROM {table} "
                f'WHERE "{column}" IN ({marks}))'
            )
            count, *texts = connection.exec_driver_sql(statement, (*parameters, *chunk)).one()
            if count:
                yield texts

    @staticmethod
    def parse(texts: list[str], columns: Sequence[Column]) -> dict[str, Ints]:
        """One string per column: its fixed-width values one after the other."""
        arrays: dict[str, Ints] = {}
        for column, text in zip(columns, texts, strict=True):
            rows = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
            # part[i]: the i-th character of every value
            part = np.ascontiguousarray(rows.reshape(-1, _width(column)).T)
            if column.kind == "int":
                values = _signed(part)
                values[part[0] == ord("N")] = column.null
                arrays[column.name] = values
            elif column.kind == "time":
                arrays[column.name] = fixed_times(part)
            else:
                arrays[column.name] = _codes(part)
        return arrays


def _width(column: Column) -> int:
    return {"int": _INT_WIDTH, "time": _TIME_WIDTH, "code": _CODE_WIDTH}[column.kind]


def _digits(part: np.ndarray[Any, Any]) -> Ints:
    """Unsigned decimal digits, one row of `part` per place, as numbers."""
    values: Ints = part[0].astype(np.int64) - 48
    for place in range(1, len(part)):
        values *= 10
        values += part[place]
        values -= 48
    return values


def _signed(part: np.ndarray[Any, Any]) -> Ints:
    """ "%+020d" text as numbers (the most negative int64 comes out right: it wraps)."""
    magnitude = _digits(part[1:])
    return np.where(part[0] == ord("-"), -magnitude, magnitude)


def _codes(part: np.ndarray[Any, Any]) -> Ints:
    codes = _digits(part)
    codes[part[0] == ord("?")] = _UNKNOWN_CODE
    return codes


_DATE_DIGITS = {
    "year": slice(0, 4),
    "month": slice(5, 7),
    "day": slice(8, 10),
    "hour": slice(11, 13),
    "minute": slice(14, 16),
    "second": slice(17, 19),
    "micro": slice(20, 26),
}
_PUNCTUATION = {4: "-", 7: "-", 10: " ", 13: ":", 16: ":", 19: "."}
_DIGIT_PLACES = [p for p in range(_TIME_WIDTH) if p not in _PUNCTUATION]
_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])


def fixed_times(part: np.ndarray[Any, Any]) -> Ints:
    """UTCDateTime's SQLite text "YYYY-MM-DD HH:MM:SS.ffffff" (26 places × n) as µs since
    the epoch; blank → MISSING, anything else not a valid time in that layout → _NOT_FIXED."""
    blank = part[0] == ord(" ")
    blank &= (part == ord(" ")).all(axis=0)
    digits = part[_DIGIT_PLACES] - ord("0")  # uint8: a non-digit wraps to more than 9
    valid = (digits <= 9).all(axis=0)
    for place, mark in _PUNCTUATION.items():
        valid &= part[place] == ord(mark)
    number = {name: _digits(part[places]) for name, places in _DATE_DIGITS.items()}
    year, month, day = number["year"], number["month"], number["day"]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    valid &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    valid &= (number["hour"] < 24) & (number["minute"] < 60) & (number["second"] < 60)
    moments = days_from_civil(year, month, day)
    for name, size in (("hour", 24), ("minute", 60), ("second", 60)):
        moments *= size
        moments += number[name]
    moments *= 1_000_000
    moments += number["micro"]
    moments[~valid] = _NOT_FIXED
    moments[blank] = MISSING
    return moments


def days_from_civil(year: Ints, month: Ints, day: Ints) -> Ints:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468  # type: ignore[no-any-return]


class _PostgreSQL:
    @staticmethod
    def expression(column: Column, connection: Connection) -> str:
        name = f'"{column.name}"'
        if column.kind == "int":
            return f"coalesce({name}, {column.null})"
        if column.kind == "time":
            return f"coalesce((extract(epoch from {name}) * 1000000)::bigint, {MISSING})"
        cases = [
            f"WHEN {_literal(connection, word)} THEN {number}"
            for number, word in enumerate(column.vocabulary)
            if word is not None
        ]
        null = next((n for n, w in enumerate(column.vocabulary) if w is None), _UNKNOWN_CODE)
        unknown = str(_UNKNOWN_CODE)
        known = f"CASE {name} {' '.join(cases)} ELSE {unknown} END" if cases else unknown
        return f"CASE WHEN {name} IS NULL THEN {null} ELSE {known} END"

    @staticmethod
    def chunks(
        connection: Connection,
        table: str,
        columns: Sequence[Column],
        vocabulary: dict[str, list[str | None]],
        key: str,
        only: tuple[str, Sequence[int]] | None,
    ) -> Any:
        row = ", ".join(_PostgreSQL.expression(column, connection) for column in columns)
        if only is None:
            statement = (
                f"SELECT count(*), max(k), string_agg(r, ' ' ORDER BY k) FROM (SELECT "
                f'"{key}" AS k, concat_ws(\' \', {row}) AS r FROM {table} WHERE "{key}" > %s '
                f'ORDER BY "{key}" LIMIT {CHUNK}) AS chunk'
            )
            after = -(2**63)
            while True:
                count, last, text = connection.exec_driver_sql(statement, (after,)).one()
                if count:
                    yield [text]
                if count < CHUNK:
                    return
                after = last
        for column, chunk in _chunk_filters(key, only):
            statement = (
                f"SELECT string_agg(concat_ws(' ', {row}), ' ') FROM {table} "
                f'WHERE "{column}" = ANY(%s)'
            )
            (text,) = connection.exec_driver_sql(statement, (list(chunk),)).one()
            if text:
                yield [text]

    @staticmethod
    def parse(texts: list[str], columns: Sequence[Column]) -> dict[str, Ints]:
        values = np.fromstring(texts[0], dtype=np.int64, sep=" ").reshape(-1, len(columns))
        return {column.name: values[:, place].copy() for place, column in enumerate(columns)}


def _literal(connection: Connection, word: str) -> str:
    from psycopg import sql

    raw: Any = connection.connection.driver_connection
    return sql.Literal(word).as_string(raw)


# Writing: SQLite inserts rows given as arrays from one packed parameter per chunk.

WRITE_CHUNK = 100_000  # rows per INSERT: ~20 MB of packed text


@dataclass(frozen=True, slots=True)
class Values:
    """One column to write: integers (`null` → NULL), µs since the epoch (MISSING → NULL),
    or codes into `words` (the text written)."""

    name: str
    kind: Literal["int", "time", "code"]
    values: Ints
    null: int | None = None
    words: Sequence[str | None] = ()


def insert_rows(connection: Connection, table: str, columns: Sequence[Values]) -> None:
    """INSERT the rows into `table` in the caller's transaction, on SQLite: every row packed
    as fixed-width text into one blob per chunk, which one INSERT … SELECT cuts up (no
    Python object per row or value)."""
    count = len(columns[0].values)
    for offset in range(0, count, WRITE_CHUNK):
        part = [
            Values(c.name, c.kind, c.values[offset : offset + WRITE_CHUNK], c.null, c.words)
            for c in columns
        ]
        _insert_chunk(connection, table, part)


def _insert_chunk(connection: Connection, table: str, columns: Sequence[Values]) -> None:
    count = len(columns[0].values)
    blocks = [_packed_block(column) for column in columns]
    width = sum(block.shape[1] for block in blocks)
    record = np.empty((count, width), dtype=np.uint8)
    selected: list[str] = []
    parameters: list[tuple[str, Any]] = []
    offset = 0
    for column, block in zip(columns, blocks, strict=True):
        size = block.shape[1]
        record[:, offset : offset + size] = block
        text = f"CAST(substr(:packed, i * {width} + {offset + 1}, {size}) AS TEXT)"
        if column.kind == "int":
            value = f"CAST({text} AS INTEGER)"
            selected.append(value if column.null is None else f"nullif({value}, {column.null})")
        elif column.kind == "time":
            selected.append(f"nullif({text}, '{_BLANK_TIME}')")
        else:
            cases = []
            for number, word in enumerate(column.words):
                name = f"w{len(parameters)}"
                parameters.append((name, word))
                cases.append(f"WHEN '{number:03d}' THEN :{name}")
            selected.append(f"CASE {text} {' '.join(cases)} END")
        offset += size
    names = ", ".join(f'"{column.name}"' for column in columns)
    # INSERT first: the sqlite3 module opens the caller's transaction only before a statement
    # that starts with INSERT (one starting with WITH would run in autocommit).
    statement = (
        f"INSERT INTO {table} ({names}) WITH RECURSIVE r(i) AS "
        "(SELECT 0 UNION ALL SELECT i + 1 FROM r WHERE i + 1 < :count) "
        f"SELECT {', '.join(selected)} FROM r"
    )
    bound = {"packed": record.tobytes(), "count": count, **dict(parameters)}
    connection.exec_driver_sql(statement, bound)


def _packed_block(column: Values) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """(rows, width) ASCII bytes of one column."""
    if column.kind == "int":
        return _signed_text(column.values)
    if column.kind == "time":
        return time_text(column.values)
    return _unsigned_text(column.values, _CODE_WIDTH)


def _unsigned_text(values: Ints, width: int) -> np.ndarray[Any, np.dtype[np.uint8]]:
    block = np.empty((len(values), width), dtype=np.uint8)
    rest = values.copy()
    for place in range(width - 1, -1, -1):
        block[:, place] = rest % 10 + 48
        rest //= 10
    return block


def _signed_text(values: Ints) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """ "%+020d" (the most negative int64 written via its wrapped magnitude, which reads back)."""
    block = np.empty((len(values), _INT_WIDTH), dtype=np.uint8)
    block[:, 0] = np.where(values < 0, ord("-"), ord("+"))
    magnitude = np.abs(values).view(np.uint64)
    for place in range(_INT_WIDTH - 1, 0, -1):
        block[:, place] = magnitude % 10 + 48
        magnitude //= 10
    return block


def time_text(moments: Ints) -> np.ndarray[Any, np.dtype[np.uint8]]:
    """µs since the epoch as UTCDateTime's SQLite text (rows × 26 bytes), blank for
    MISSING. A year outside 1–9999 is a ValueError, as for datetime."""
    present = moments != MISSING
    seconds, micro = np.divmod(np.where(present, moments, 0), 1_000_000)
    days, second_of_day = np.divmod(seconds, 86_400)
    year, month, day = civil_from_days(days)
    if ((year[present] < 1) | (year[present] > 9999)).any():
        raise ValueError("a time outside the years 1–9999 (as datetime)")
    block = np.empty((len(moments), _TIME_WIDTH), dtype=np.uint8)
    for number, places in (
        (year, _DATE_DIGITS["year"]),
        (month, _DATE_DIGITS["month"]),
        (day, _DATE_DIGITS["day"]),
        (second_of_day // 3600, _DATE_DIGITS["hour"]),
        (second_of_day // 60 % 60, _DATE_DIGITS["minute"]),
        (second_of_day % 60, _DATE_DIGITS["second"]),
        (micro, _DATE_DIGITS["micro"]),
    ):
        block[:, places] = _unsigned_text(number, places.stop - places.start)
    for place, mark in _PUNCTUATION.items():
        block[:, place] = ord(mark)
    block[~present] = ord(" ")
    return block


def civil_from_days(days: Ints) -> tuple[Ints, Ints, Ints]:
    """(year, month, day) of days since 1970-01-01 (H. Hinnant's algorithm)."""
    shifted = days + 719468
    era = shifted // 146097
    day_of_era = shifted - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < 10, shifted_month + 3, shifted_month - 9)
    year = year_of_era + era * 400 + (month <= 2)
    return year, month, day
