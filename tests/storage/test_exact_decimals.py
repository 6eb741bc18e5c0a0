"""Exact decimals (money, quantities) read back as the plain decimal whatever text SQLite
holds: the canonical text slamon writes, and any other decimal text written by hand."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Column, Engine, Integer, MetaData, Table, insert, select, text

from monitor.storage.types import ExactDecimal, plain_decimal

AMOUNTS = st.decimals(
    min_value=Decimal("-99999999999999"), max_value=Decimal("99999999999999"), places=6
)


def _table(engine: Engine) -> Table:
    table = Table("amounts", MetaData(), Column("id", Integer, primary_key=True),
                  Column("amount", ExactDecimal()))  # fmt: skip
    table.create(engine, checkfirst=True)
    return table


def _same(read: Decimal, value: Decimal) -> bool:
    """Equal and written alike: the digits and exponent of the plain decimal."""
    return read.as_tuple() == plain_decimal(value).as_tuple()


# The table is emptied at each example: the engine fixture's database serves them all.
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(AMOUNTS, min_size=1, max_size=20))
def test_what_is_written_reads_back_as_the_plain_decimal(
    sqlite_engine: Engine, values: list[Decimal]
) -> None:
    table = _table(sqlite_engine)
    with sqlite_engine.begin() as connection:
        connection.execute(table.delete())
        connection.execute(insert(table), [{"id": i, "amount": v} for i, v in enumerate(values)])
        read = connection.execute(select(table.c.amount).order_by(table.c.id)).scalars().all()
    assert all(_same(r, v) for r, v in zip(read, values, strict=True))


def test_other_decimal_texts_read_back_plain(sqlite_engine: Engine) -> None:
    table = _table(sqlite_engine)
    texts = ["12.500000", "100.000000", "1E+2", "0.0", "-0.50", "420.00", "7", "0.035", "1e-3"]
    with sqlite_engine.begin() as connection:
        for index, written in enumerate(texts):
            connection.execute(
                text("INSERT INTO amounts (id, amount) VALUES (:i, :t)"), {"i": index, "t": written}
            )
        read = connection.execute(select(table.c.amount).order_by(table.c.id)).scalars().all()
    assert [str(r) for r in read] == ["12.5", "100", "100", "0", "-0.5", "420", "7", "0.035",
                                      "0.001"]  # fmt: skip
