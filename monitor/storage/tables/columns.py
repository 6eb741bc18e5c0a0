"""Column factories the tables share (each call makes a new Column: a Column belongs to one
table)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Column
from sqlmodel import Field

from monitor.storage.types import ExactDecimal, UTCDateTime


def optional_time() -> datetime | None:
    """A nullable aware timestamp."""
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))  # type: ignore[no-any-return]


def required_time() -> datetime:
    """A non-null aware timestamp."""
    return Field(sa_column=Column(UTCDateTime(), nullable=False))  # type: ignore[no-any-return]


def exact_decimal(nullable: bool) -> Decimal:
    """An exact decimal (money, quantities, specs); None for a nullable one left blank."""
    return Field(  # type: ignore[no-any-return]
        default=None, sa_column=Column(ExactDecimal(), nullable=nullable)
    )
