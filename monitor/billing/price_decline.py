"""The unit-price decline of the items billed in a period: each statement line's item at the
catalogue's price in force in its month and in the same month a year earlier, weighted by the
quantity billed (quantity × the share of the month billed; a `use` item: its quantity).

Prices are the catalogue's exact Decimals; the weighted sums are exact fractions, so a decline
of exactly 2 % is exactly 2 % and a band edge is decided without rounding.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from monitor.billing.check import price_in_force
from monitor.domain.billing import CatalogueItem, Measure, StatementLine


@dataclass(frozen=True, slots=True)
class ItemPrices:
    """One item of one pool priced in both years: its billed weight and its weighted spend at
    each year's prices (the mean price of a year is spend ÷ weight)."""

    pool: str
    item_code: str
    name: str
    unit: str
    weight: Fraction = Fraction(0)
    spend_now: Fraction = Fraction(0)
    spend_before: Fraction = Fraction(0)

    def plus(self, weight: Fraction, now: Fraction, before: Fraction) -> ItemPrices:
        return ItemPrices(
            self.pool,
            self.item_code,
            self.name,
            self.unit,
            self.weight + weight,
            self.spend_now + weight * now,
            self.spend_before + weight * before,
        )


@dataclass(frozen=True, slots=True)
class OneYearItem:
    """An item billed in the period that the catalogue prices in one year only (or neither):
    no evidence of a change, left out of the decline."""

    pool: str
    item_code: str
    priced_now: bool
    priced_before: bool


@dataclass(frozen=True, slots=True)
class PoolPriceDecline:
    """The items of one pool's lines and the decline of their weighted price."""

    pool: str
    items: tuple[ItemPrices, ...] = ()
    one_year_only: tuple[OneYearItem, ...] = ()
    lines: int = 0  # statement lines read

    @property
    def spend_now(self) -> Fraction:
        return sum((item.spend_now for item in self.items), Fraction(0))

    @property
    def spend_before(self) -> Fraction:
        return sum((item.spend_before for item in self.items), Fraction(0))


@dataclass(frozen=True, slots=True)
class PriceDecline:
    """The decline of several pools together, or of one."""

    pools: tuple[PoolPriceDecline, ...] = field(default_factory=tuple)

    @property
    def spend_now(self) -> Fraction:
        return sum((pool.spend_now for pool in self.pools), Fraction(0))

    @property
    def spend_before(self) -> Fraction:
        return sum((pool.spend_before for pool in self.pools), Fraction(0))

    @property
    def percent(self) -> Fraction | None:
        """(1 − spend now ÷ spend a year earlier) × 100; None: nothing priced in both years."""
        before = self.spend_before
        if before == 0:
            return None
        return (1 - self.spend_now / before) * 100


def price_declines(
    lines: Iterable[StatementLine], catalogue: Sequence[CatalogueItem]
) -> PriceDecline:
    """Every pool's decline over the statement lines given (the period's months)."""
    prices: dict[str, list[CatalogueItem]] = {}
    for item in catalogue:
        prices.setdefault(item.item_code, []).append(item)
    found: dict[str, dict[str, ItemPrices]] = {}
    unpriced: dict[str, dict[str, OneYearItem]] = {}
    counted: dict[str, int] = {}
    for line in lines:
        pool = line.pool or ""
        counted[pool] = counted.get(pool, 0) + 1
        first, year_earlier, days = _month(line.period)
        items = prices.get(line.item_code, [])
        now = price_in_force(items, line, first)
        before = price_in_force(items, line, year_earlier)
        if now is None or before is None:
            unpriced.setdefault(pool, {}).setdefault(
                line.item_code,
                OneYearItem(pool, line.item_code, now is not None, before is not None),
            )
            continue
        weight = _weight(line, now, days)
        entry = found.setdefault(pool, {}).get(line.item_code) or ItemPrices(
            pool, line.item_code, now.name, now.unit
        )
        found[pool][line.item_code] = entry.plus(
            weight, Fraction(now.unit_price), Fraction(before.unit_price)
        )
    return PriceDecline(
        tuple(
            PoolPriceDecline(
                pool,
                tuple(found.get(pool, {}).values()),
                tuple(unpriced.get(pool, {}).values()),
                counted[pool],
            )
            for pool in sorted(counted)
        )
    )


def _month(period: str) -> tuple[date, date, int]:
    """The month's first day, the same day a year earlier, and the month's days."""
    year, month = (int(part) for part in period.split("-"))
    return date(year, month, 1), date(year - 1, month, 1), calendar.monthrange(year, month)[1]


def _weight(line: StatementLine, item: CatalogueItem, days: int) -> Fraction:
    """What the line bills of the item: its quantity, times the share of the month billed."""
    quantity = Fraction(line.quantity)
    if item.measure == Measure.USE.value:
        return quantity
    if line.billed_days is not None:
        return quantity * Fraction(line.billed_days) / days
    if line.billed_months is not None:
        return quantity * Fraction(line.billed_months)
    return quantity
