"""The service catalogue (服务目录) and the operators' statements (结算清单)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from monitor.storage.tables.columns import exact_decimal, required_time


class CatalogueItemRow(SQLModel, table=True):
    """One service item's price in force from valid_from until valid_until (exclusive), for one
    pool and operator ("" = every pool, every operator)."""

    __tablename__ = "catalogue_item"
    __table_args__ = (
        UniqueConstraint(
            "item_code", "pool", "operator", "valid_from", name="uq_catalogue_item_validity"
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    item_code: str = Field(max_length=100)
    pool: str = Field(default="", max_length=100)
    operator: str = Field(default="", max_length=200)
    valid_from: date
    valid_until: date | None = None
    name: str = Field(max_length=200)
    unit: str = Field(max_length=50)
    unit_price: Decimal = exact_decimal(False)
    measure: str = Field(default="count", max_length=30)  # vcpu/memory_gb/storage_gb/count/use
    created_at: datetime = required_time()
    updated_at: datetime = required_time()


class StatementLineRow(SQLModel, table=True):
    """One line of an operator's monthly statement, as billed; unique by (source, period,
    line), a later import of the same statement replacing its lines."""

    __tablename__ = "statement_line"
    __table_args__ = (
        UniqueConstraint("source", "period", "line", name="uq_statement_line_source_period_line"),
        Index("ix_statement_line_period", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=100)
    period: str = Field(max_length=7)  # YYYY-MM
    line: int  # the line of the statement file, cited by the check
    pool: str | None = Field(default=None, max_length=100)
    operator: str | None = Field(default=None, max_length=200)
    user_unit: str | None = Field(default=None, max_length=200)
    system: str | None = Field(default=None, max_length=200)
    resource_id: str | None = Field(default=None, max_length=200)
    item_code: str = Field(max_length=100)
    quantity: Decimal = exact_decimal(False)
    billed_days: Decimal | None = exact_decimal(True)
    billed_months: Decimal | None = exact_decimal(True)
    unit_price: Decimal = exact_decimal(False)
    amount: Decimal = exact_decimal(False)
    created_at: datetime = required_time()
    updated_at: datetime = required_time()
