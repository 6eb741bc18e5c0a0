"""Column types shared by the tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, String
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
