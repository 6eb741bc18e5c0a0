"""The contains test finds exactly the values that hold the text as written, ASCII letters of
either case alike, with or without letters in the text (two different SQL forms), on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Engine, Integer, MetaData, Table, Text, select

from monitor.storage.text_match import contains_text

VALUES = [
    "系统123 预约挂号", "CPU使用率持续超过90%", "预约挂号缓慢_排队", "路径 C:\\data\\x",
    "Host-07 宕机", "host-07", "云主机", None, "", "50%_\\", "ÄÖ ä", "系统1234",
]  # fmt: skip
ALPHABET = "系统统123%_\\aAhHoOsStT-7 宕机ÄäC:"


def _table(engine: Engine) -> Table:
    metadata = MetaData()
    table = Table("probe", metadata, Column("id", Integer, primary_key=True), Column("v", Text))
    metadata.drop_all(engine)
    metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(table.insert(), [{"id": n, "v": v} for n, v in enumerate(VALUES)])
    return table


def _ascii_lower(text: str) -> str:
    return "".join(char.lower() if char.isascii() else char for char in text)


def expected(text: str) -> list[int]:
    return [
        n for n, v in enumerate(VALUES) if v is not None and _ascii_lower(text) in _ascii_lower(v)
    ]


@pytest.mark.parametrize(
    "text", ["系统123", "90%", "%", "_", "\\", "\\data", "host-07", "HOST", "宕机", "ä", "Ä", ""]
)
def test_each_value_that_holds_the_text_and_no_other(engine: Engine, text: str) -> None:
    table = _table(engine)
    with engine.connect() as connection:
        query = select(table.c.id).where(contains_text(table.c.v, text)).order_by(table.c.id)
        assert list(connection.execute(query).scalars()) == expected(text)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(alphabet=ALPHABET, min_size=1, max_size=4))
def test_any_text_finds_what_a_substring_test_finds(engine: Engine, text: str) -> None:
    table = _table(engine)
    with engine.connect() as connection:
        query = select(table.c.id).where(contains_text(table.c.v, text)).order_by(table.c.id)
        assert list(connection.execute(query).scalars()) == expected(text)
