"""Columns read and written packed (monitor.storage.columnar.packed) are exactly what the ORM reads
and writes: every time to the microsecond, NULLs, integers at the int64 limits, text outside
the given vocabulary, SQLite text not in UTCDateTime's fixed layout; on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import BigInteger, Engine, Integer, MetaData, String, Table, insert, select
from sqlalchemy import Column as SqlColumn

from monitor.domain.instants import MISSING, civil_from_days, days_from_civil, to_us
from monitor.storage.columnar import packed
from monitor.storage.columnar.packed import Column, Values, insert_rows, read_columns
from monitor.storage.stored_time import text_block
from monitor.storage.types import UTCDateTime

METADATA = MetaData()
SAMPLE = Table(
    "packed_sample",
    METADATA,
    SqlColumn("id", Integer, primary_key=True),
    SqlColumn("number", BigInteger, nullable=True),
    SqlColumn("word", String(20), nullable=True),
    SqlColumn("moment", UTCDateTime(), nullable=True),
)
MOMENTS = [
    datetime(2024, 6, 3, 2, 0, tzinfo=UTC),
    datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),  # a leap day, the last µs
    datetime(1969, 12, 31, 23, 59, 59, 1, tzinfo=UTC),  # before the epoch
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
    datetime(2000, 3, 1, tzinfo=UTC) - timedelta(microseconds=1),  # 2000 is a leap year
    None,
]
NUMBERS = [0, -1, 2**63 - 1, -(2**63) + 2, None, 7, 123456789012]
WORDS = ["甲运营", None, "b", "a", "it's", "a", None]


def filled(engine: Engine) -> None:
    METADATA.create_all(engine)
    rows = [
        {"id": 10 + 3 * n, "number": number, "word": word, "moment": moment}
        for n, (number, word, moment) in enumerate(zip(NUMBERS, WORDS, MOMENTS, strict=True))
    ]
    with engine.begin() as connection:
        connection.execute(insert(SAMPLE), rows)


def as_us(moment: datetime | None) -> int:
    return MISSING if moment is None else to_us(moment)


COLUMNS = [
    Column("number", "int", null=-99),
    Column("word", "code", vocabulary=["a", None]),
    Column("moment", "time"),
]


@pytest.mark.parametrize("chunk", [2, packed.CHUNK])
def test_every_value_reads_back_exactly(
    engine: Engine, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    filled(engine)
    monkeypatch.setattr(packed, "CHUNK", chunk)  # several chunks, and one
    with engine.connect() as connection:
        found = read_columns(connection, SAMPLE.name, COLUMNS)
    assert found.arrays["id"].tolist() == [10 + 3 * n for n in range(len(NUMBERS))]
    assert found.arrays["number"].tolist() == [-99 if n is None else n for n in NUMBERS]
    assert found.decoded("word", found.arrays["word"]) == WORDS
    assert found.vocabulary["word"][:2] == ["a", None]  # the given words keep their codes
    assert found.arrays["moment"].tolist() == [as_us(m) for m in MOMENTS]


def test_only_some_rows(engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    filled(engine)
    monkeypatch.setattr(packed, "KEYS_PER_STATEMENT", 2)
    with engine.connect() as connection:
        found = read_columns(connection, SAMPLE.name, COLUMNS, only=("id", [28, 13, 16, 99]))
    assert found.arrays["id"].tolist() == [13, 16, 28]
    assert found.decoded("word", found.arrays["word"]) == [None, "b", None]
    assert found.arrays["moment"].tolist() == [as_us(m) for m in (MOMENTS[1], MOMENTS[2], None)]
    with engine.connect() as connection:
        nothing = read_columns(connection, SAMPLE.name, COLUMNS, only=("id", []))
    assert len(nothing.arrays["id"]) == 0


def test_sqlite_text_outside_the_fixed_layout_is_read_as_utcdatetime_reads_it(
    sqlite_engine: Engine,
) -> None:
    filled(sqlite_engine)
    odd = {
        10: "2024-06-03 10:00:00+08:00",  # an offset: the same instant as 02:00 UTC
        13: "2024-06-03 02:00:00",  # no fraction
        16: "2024-06-03T02:00:00.000001",  # the T layout, 26 characters
    }
    with sqlite_engine.begin() as connection:
        for key, text in odd.items():
            connection.exec_driver_sql(
                "UPDATE packed_sample SET moment = ? WHERE id = ?", (text, key)
            )
        expected = [
            as_us(moment)
            for moment in connection.execute(select(SAMPLE.c.moment).order_by(SAMPLE.c.id))
            .scalars()
            .all()
        ]
        found = read_columns(connection, SAMPLE.name, [Column("moment", "time")])
    assert found.arrays["moment"].tolist() == expected
    assert expected[0] == expected[1] == as_us(datetime(2024, 6, 3, 2, tzinfo=UTC))


def test_an_impossible_sqlite_time_is_an_error_as_with_the_orm(sqlite_engine: Engine) -> None:
    filled(sqlite_engine)
    with sqlite_engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE packed_sample SET moment = '2023-02-29 00:00:00.000000' WHERE id = 10"
        )
        with pytest.raises(ValueError):
            read_columns(connection, SAMPLE.name, [Column("moment", "time")])


def test_rows_written_packed_read_back_through_the_orm(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    METADATA.create_all(engine)
    monkeypatch.setattr(packed, "WRITE_CHUNK", 3)
    moments = np.array([as_us(m) for m in MOMENTS], dtype=np.int64)
    numbers = np.array([-99 if n is None else n for n in NUMBERS], dtype=np.int64)
    words = ["a", None, "b", "it's", "甲运营"]
    codes = np.array([words.index(w) for w in WORDS], dtype=np.int64)
    columns = [
        Values("id", "int", np.arange(len(MOMENTS), dtype=np.int64) + 1),
        Values("number", "int", numbers, null=-99),
        Values("word", "code", codes, words=words),
        Values("moment", "time", moments),
    ]
    with engine.begin() as connection:
        if connection.dialect.name == "sqlite":
            insert_rows(connection, SAMPLE.name, columns)
        else:  # PostgreSQL writes by COPY (columnar.bulk_insert); only the reading is packed
            rows = [
                {"id": n + 1, "number": number, "word": word, "moment": moment}
                for n, (number, word, moment) in enumerate(
                    zip(NUMBERS, WORDS, MOMENTS, strict=True)
                )
            ]
            connection.execute(insert(SAMPLE), rows)
        stored = connection.execute(select(SAMPLE).order_by(SAMPLE.c.id)).all()
    assert [row.number for row in stored] == NUMBERS
    assert [row.word for row in stored] == WORDS
    assert [row.moment for row in stored] == MOMENTS


def test_a_time_outside_the_years_of_the_text_layout_is_refused() -> None:
    with pytest.raises(ValueError):
        text_block(np.array([to_us(datetime(1, 1, 1, tzinfo=UTC)) - 1], dtype=np.int64))


def test_dates_convert_both_ways_over_every_year_of_datetime() -> None:
    days = np.arange(-719_162, 2_932_897, 7, dtype=np.int64)  # 0001-01-01 … 9999-12-31
    year, month, day = civil_from_days(days)
    assert (days_from_civil(year, month, day) == days).all()
    calendar = days.astype("datetime64[D]").astype(object)
    sample = slice(None, None, 997)
    assert [(d.year, d.month, d.day) for d in calendar[sample]] == list(
        zip(year[sample].tolist(), month[sample].tolist(), day[sample].tolist(), strict=True)
    )


def test_a_packed_insert_is_part_of_the_callers_transaction(sqlite_engine: Engine) -> None:
    METADATA.create_all(sqlite_engine)
    one = [Values("id", "int", np.array([1], dtype=np.int64))]
    with sqlite_engine.connect() as connection:
        transaction = connection.begin()
        insert_rows(connection, SAMPLE.name, one)  # the first statement of the transaction
        transaction.rollback()
        assert connection.execute(select(SAMPLE.c.id)).all() == []
