"""Column types shared by the tables."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Numeric, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator, TypeEngine

from monitor.storage.stored_time import read_moment, utc_text


class UTCDateTime(TypeDecorator[datetime]):
    """An aware timestamp stored in UTC; always read back aware, in UTC.

    PostgreSQL keeps it as timestamptz; SQLite the UTC wall time as text, written and read by
    monitor.storage.stored_time directly: going through SQLAlchemy's DATETIME processors as
    well doubles the cost of every timestamp on the bulk paths (import, evaluation).
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String())
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if dialect.name == "sqlite":
            return utc_text(value)
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise ValueError(f"timestamps must be timezone-aware datetimes, got {value!r}")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return read_moment(value)


class ExactDecimal(TypeDecorator[Decimal]):
    """An exact decimal (money, quantities); always read back a Decimal, never a float.

    PostgreSQL keeps it as NUMERIC(20, 6). SQLite has no decimal type: its NUMERIC affinity
    turns 12.345678 into a binary float, so there it is the canonical decimal text.
    """

    impl = Numeric(20, 6, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(20, 6, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        if not isinstance(value, Decimal) or not value.is_finite():
            raise ValueError(f"exact decimals must be finite Decimals, got {value!r}")
        return format(plain_decimal(value), "f") if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return _read_decimal(value)

    def result_processor(self, dialect: Dialect, coltype: Any) -> Callable[[Any], Any] | None:
        # SQLite's text needs no processor of the String type beneath: reading it straight
        # saves a call per value, 500,000 of them in a statement's 100,000 lines.
        if dialect.name == "sqlite":
            return _read_decimal
        return super().result_processor(dialect, coltype)


def _read_decimal(value: Any) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, str) and _is_plain_text(value):
        # SQLite's text as written above: already the plain decimal (the bulk reads of
        # statements skip normalising every amount again).
        return Decimal(value)
    return plain_decimal(Decimal(value))


def _is_plain_text(text: str) -> bool:
    """Decimal text without an exponent and without trailing fractional zeros."""
    return "E" not in text and "e" not in text and (text[-1:] != "0" or "." not in text)


def plain_decimal(value: Decimal) -> Decimal:
    """The same number without trailing zeros and without an exponent: 12.500000 → 12.5,
    100.000000 → 100 (normalize alone makes it 1E+2), so both databases read back alike."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal
