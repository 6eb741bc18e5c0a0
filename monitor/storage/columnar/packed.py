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
from typing import Any, Literal

import numpy as np
from sqlalchemy import Connection

from monitor.domain.instants import MISSING
from monitor.storage.stored_time import NOT_A_TIME, WIDTH, decimal, read_block, read_us, text_block

Ints = np.ndarray[Any, np.dtype[np.int64]]
CHUNK = 50_000  # rows per statement: a few MB of text at a time
KEYS_PER_STATEMENT = 5_000  # values in one IN (…) list
_INT_WIDTH = 20  # "%+020d": a sign and 19 digits, every int64
_CODE_WIDTH = 3
_BLANK_TIME = " " * WIDTH
_UNKNOWN_CODE = -1  # a value (or NULL) not (yet) in the vocabulary


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
            odd = values == NOT_A_TIME
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
            values[odd] = [read_us(found[k]) for k in keys]


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
            odd = "'?" + " " * (WIDTH - 1) + "'"
            return (
                f"CASE WHEN length({name}) = {WIDTH} THEN {name} "
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
                arrays[column.name] = read_block(part)
            else:
                arrays[column.name] = _codes(part)
        return arrays


def _width(column: Column) -> int:
    return {"int": _INT_WIDTH, "time": WIDTH, "code": _CODE_WIDTH}[column.kind]


def _signed(part: np.ndarray[Any, Any]) -> Ints:
    """ "%+020d" text as numbers (the most negative int64 comes out right: it wraps)."""
    magnitude = decimal(part[1:])
    return np.where(part[0] == ord("-"), -magnitude, magnitude)


def _codes(part: np.ndarray[Any, Any]) -> Ints:
    codes = decimal(part)
    codes[part[0] == ord("?")] = _UNKNOWN_CODE
    return codes


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
        return text_block(column.values)
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
