"""Service catalogue prices (服务目录) and operators' statement lines (结算清单); money and
quantities are exact Decimals throughout."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Measure(StrEnum):
    """What a catalogue item's quantity counts."""

    VCPU = "vcpu"
    MEMORY_GB = "memory_gb"
    STORAGE_GB = "storage_gb"
    COUNT = "count"  # 台, 个: one per resource
    USE = "use"  # 次: a one-off service, billed per use and never prorated


@dataclass(frozen=True, slots=True)
class CatalogueItem:
    """One item's unit price, in force on [valid_from, valid_until); pool and operator "" mean
    every pool, every operator."""

    item_code: str
    pool: str
    operator: str
    valid_from: date
    valid_until: date | None
    name: str
    unit: str
    unit_price: Decimal
    measure: str

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day < self.valid_until)


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One line of an operator's statement for a month, as billed."""

    source: str
    period: str  # YYYY-MM
    line: int
    pool: str | None
    operator: str | None
    user_unit: str | None
    system: str | None
    resource_id: str | None
    item_code: str
    quantity: Decimal
    billed_days: Decimal | None
    billed_months: Decimal | None
    unit_price: Decimal
    amount: Decimal
