"""UTCDateTime: aware in, aware UTC out; on SQLite, the text SQLAlchemy's DATETIME writes."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, create_engine, insert, select
from sqlalchemy.exc import StatementError

from monitor.storage.types import UTCDateTime

MOMENTS = [
    datetime(2024, 6, 3, 2, 0, tzinfo=UTC),
    datetime(2024, 6, 3, 10, 0, 0, 123, tzinfo=timezone(timedelta(hours=8))),
    datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
]


def table(column_type: object) -> tuple[MetaData, Table]:
    metadata = MetaData()
    return metadata, Table(
        "t", metadata, Column("id", Integer, primary_key=True), Column("at", column_type)
    )


def test_sqlite_text_is_byte_identical_to_sqlalchemy_datetime(tmp_path: Path) -> None:
    plain_meta, plain = table(DateTime(timezone=True))
    ours_meta, ours = table(UTCDateTime())
    plain_engine = create_engine(f"sqlite:///{tmp_path / 'plain.db'}")
    ours_engine = create_engine(f"sqlite:///{tmp_path / 'ours.db'}")
    plain_meta.create_all(plain_engine)
    ours_meta.create_all(ours_engine)
    with plain_engine.begin() as connection:
        naive_utc = [m.astimezone(UTC).replace(tzinfo=None) for m in MOMENTS]
        connection.execute(insert(plain), [{"at": moment} for moment in naive_utc])
    with ours_engine.begin() as connection:
        connection.execute(insert(ours), [{"at": moment} for moment in MOMENTS])
    plain_engine.dispose()
    ours_engine.dispose()
    texts = []
    for name in ("plain.db", "ours.db"):
        connection = sqlite3.connect(tmp_path / name)
        texts.append(connection.execute("select at from t order by id").fetchall())
        connection.close()
    assert (
        texts[0]
        == texts[1]
        == [
            ("2024-06-03 02:00:00.000000",),
            ("2024-06-03 02:00:00.000123",),
            ("1999-12-31 23:59:59.999999",),
        ]
    )


def test_values_come_back_as_the_same_instants_in_utc(tmp_path: Path) -> None:
    metadata, ours = table(UTCDateTime())
    engine = create_engine(f"sqlite:///{tmp_path / 'ours.db'}")
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(insert(ours), [{"at": moment} for moment in MOMENTS])
        later = select(ours.c.at).where(ours.c.at > datetime(2024, 6, 3, 1, tzinfo=UTC))
        assert connection.execute(later).scalars().all() == MOMENTS[:2]
        assert all(m.tzinfo is UTC for m in connection.execute(select(ours.c.at)).scalars())
    engine.dispose()


def test_a_naive_timestamp_is_refused(tmp_path: Path) -> None:
    metadata, ours = table(UTCDateTime())
    engine = create_engine(f"sqlite:///{tmp_path / 'ours.db'}")
    metadata.create_all(engine)
    with pytest.raises(StatementError, match="timezone-aware"), engine.begin() as connection:
        connection.execute(insert(ours), [{"at": datetime(2024, 6, 3, 2, 0)}])
    engine.dispose()
