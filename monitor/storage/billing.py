"""Reading and writing the service catalogue (服务目录) and operators' statements (结算清单)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, delete, func, not_, select

from monitor.domain.billing import CatalogueItem, StatementLine
from monitor.domain.resources import CAPACITY_METRICS
from monitor.storage.records import upsert_records
from monitor.storage.tables import (
    CatalogueItemRow,
    MetricRollupRow,
    ResourceRow,
    StatementLineRow,
)
from monitor.storage.tickets import UpsertCounts

CATALOGUE = CatalogueItemRow.__table__  # type: ignore[attr-defined]
STATEMENT = StatementLineRow.__table__  # type: ignore[attr-defined]
RESOURCE = ResourceRow.__table__  # type: ignore[attr-defined]
ROLLUP = MetricRollupRow.__table__  # type: ignore[attr-defined]
CATALOGUE_KEY = ("item_code", "pool", "operator", "valid_from")
CATALOGUE_FIELDS = ("source", "valid_until", "name", "unit", "unit_price", "measure")
STATEMENT_KEY = ("source", "period", "line")
STATEMENT_FIELDS = (
    "pool", "operator", "user_unit", "system", "resource_id", "item_code", "quantity",
    "billed_days", "billed_months", "unit_price", "amount",
)  # fmt: skip


def upsert_catalogue(
    connection: Connection, rows: Sequence[Mapping[str, Any]], columns: Iterable[str], now: datetime
) -> UpsertCounts:
    """Upsert by (item_code, pool, operator, valid_from): a price in force from a day."""
    carried = [name for name in CATALOGUE_FIELDS if name in {*columns, "source"}]
    return upsert_records(connection, CATALOGUE, CATALOGUE_KEY, rows, carried, now)


def upsert_statement(
    connection: Connection, rows: Sequence[Mapping[str, Any]], columns: Iterable[str], now: datetime
) -> UpsertCounts:
    """Store a statement's lines by (source, period, line). A statement imported again replaces
    the earlier one: lines of the same source and period that it no longer has are removed."""
    carried = [name for name in STATEMENT_FIELDS if name in set(columns)]
    kept: dict[tuple[str, str], list[int]] = {}
    for row in rows:
        kept.setdefault((row["source"], row["period"]), []).append(row["line"])
    for (source, period), lines in kept.items():
        connection.execute(
            delete(STATEMENT).where(
                and_(
                    STATEMENT.c.source == source,
                    STATEMENT.c.period == period,
                    not_(STATEMENT.c.line.in_(lines)),
                )
            )
        )
    return upsert_records(connection, STATEMENT, STATEMENT_KEY, rows, carried, now)


def load_catalogue(engine: Engine) -> list[CatalogueItem]:
    """Every catalogue price, by item and the day it takes effect."""
    names = (*CATALOGUE_KEY, *CATALOGUE_FIELDS[1:])
    query = select(*(CATALOGUE.c[name] for name in names)).order_by(
        CATALOGUE.c.item_code, CATALOGUE.c.valid_from, CATALOGUE.c.pool, CATALOGUE.c.operator
    )
    with engine.connect() as connection:
        return [CatalogueItem(**row._asdict()) for row in connection.execute(query)]


def load_statement(engine: Engine, period: str) -> list[StatementLine]:
    """The statement lines billed for `period` (YYYY-MM), of every source, in file order."""
    # The columns in StatementLine's field order: rows become lines by position, without a
    # dict made for each of a statement's 100,000 rows.
    names = ("source", "period", "line", *STATEMENT_FIELDS)
    query = (
        select(*(STATEMENT.c[name] for name in names))
        .where(STATEMENT.c.period == period)
        .order_by(STATEMENT.c.source, STATEMENT.c.line)
    )
    with engine.connect() as connection:
        return [StatementLine(*row) for row in connection.execute(query).all()]


__all__ = ["load_catalogue", "load_statement", "upsert_catalogue", "upsert_statement"]


def statement_periods(engine: Engine, year: str) -> list[str]:
    """The months (YYYY-MM) of `year` that a stored statement bills, in order."""
    query = (
        select(STATEMENT.c.period)
        .where(STATEMENT.c.period.like(f"{year}-%"))
        .distinct()
        .order_by(STATEMENT.c.period)
    )
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def billing_stamp(engine: Engine) -> tuple[object, ...] | None:
    """The latest month a statement bills and what changes when any statement line, catalogue
    price or inventory row is written or removed (counts and last writes), or a capacity
    metric's newer quarter hour is collected (each one's latest, read by its index); None: no
    statement."""
    parts = [
        select(func.max(STATEMENT.c.period)).scalar_subquery(),
        *(
            subquery
            for table in (STATEMENT, CATALOGUE, RESOURCE)
            for subquery in (
                select(func.count()).select_from(table).scalar_subquery(),
                select(func.max(table.c.updated_at)).scalar_subquery(),
            )
        ),
        *(
            select(func.max(ROLLUP.c.bucket_start))
            .where(ROLLUP.c.metric == metric)
            .scalar_subquery()
            for metric in CAPACITY_METRICS
        ),
    ]
    with engine.connect() as connection:
        stamp = tuple(connection.execute(select(*parts)).one())
    return None if stamp[0] is None else stamp


def catalogue_codes(engine: Engine) -> set[str]:
    """Every item code the catalogue prices, at any time."""
    with engine.connect() as connection:
        return set(connection.execute(select(CATALOGUE.c.item_code).distinct()).scalars())
