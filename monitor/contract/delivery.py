"""The scheme's sections for what the operators charge and deliver: the unit-price decline,
the delivered quantities and the service days.

None of them has a default in `Scoring`: a scheme that does not write one does not score it.
Percentages are written as percentages (2, not 0.02), band edges as exact decimals.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Literal, Self

from pydantic import Field, model_validator

from monitor.contract.strict import StrictModel
from monitor.domain.message import InvalidValue, Message


class PriceBand(StrictModel):
    """Points for a decline of at least `min` percent (more than `min` when not inclusive)."""

    min: Decimal
    points: float = Field(ge=0)
    inclusive: bool = True

    def holds(self, percent: Fraction) -> bool:
        edge = Fraction(self.min)
        return percent >= edge if self.inclusive else percent > edge


def _default_price_bands() -> tuple[PriceBand, ...]:
    return (PriceBand(min=Decimal(2), points=2), PriceBand(min=Decimal(1), points=1))


class UnitPriceRule(StrictModel):
    """云服务单价下降率: the catalogue prices of the items billed in the period against the same
    items' prices a year earlier, weighted by the billed quantities; points by band, and no
    points below every band, for a rise, or without evidence (no catalogue, no statement)."""

    name_zh: str = "云服务单价下降率"
    name_en: str = "Cloud service unit-price decline"
    max_points: float = Field(default=2, gt=0)
    pool: str | None = None  # one pool's lines; None: every pool's together
    bands: tuple[PriceBand, ...] = Field(default_factory=_default_price_bands, min_length=1)

    @model_validator(mode="after")
    def _bands(self) -> Self:
        if any(band.points > self.max_points for band in self.bands):
            raise InvalidValue(
                Message(
                    "某一档的得分超过了满分 max_points", "a band cannot give more than max_points"
                )
            )
        return self

    def ordered_bands(self) -> list[PriceBand]:
        """Highest edge first; of two at one edge, the exclusive (stricter) one first."""
        return sorted(self.bands, key=lambda band: (band.min, not band.inclusive), reverse=True)

    def points_for(self, percent: Fraction) -> float:
        """The points of the highest band the decline reaches; 0 below every band."""
        for band in self.ordered_bands():
            if band.holds(percent):
                return band.points
        return 0.0


class DeliveredQuantitiesRule(StrictModel):
    """交付数量: resources of each class in service on the period's days against the planned
    counts; full marks when every class meets its count (`all_met`), in proportion to what was
    delivered (`proportional`), or minus a deduction per class short (`per_class`)."""

    name_zh: str = "服务交付数量"
    name_en: str = "Delivered quantities"
    max_points: float = Field(default=2, gt=0)
    # Resource class (availability.classes key) → the planned count, e.g. {physical: 112}.
    planned: dict[str, int] = Field(min_length=1)
    # every_day: the fewest in service on any day so far; last_day: on the last day so far.
    count_on: Literal["every_day", "last_day"] = "every_day"
    scoring: Literal["all_met", "proportional", "per_class"] = "all_met"
    points_if_not_met: float = 0  # all_met
    deduction_per_class: float = Field(default=1, gt=0)  # per_class
    floor: float = 0
    pools: tuple[str, ...] = ()  # only these pools' resources; empty: every pool

    @model_validator(mode="after")
    def _positive(self) -> Self:
        for name, count in self.planned.items():
            if count < 1:
                raise InvalidValue(
                    Message(
                        f"planned.{name}：计划交付数量至少为 1",
                        f"planned.{name}: a planned count is at least 1",
                    )
                )
        return self


class ServiceDaysRule(StrictModel):
    """7×24服务天数: the days of the period that count as served, against the required count
    (e.g. 360 of the year). By `basis`: no outage outside approved maintenance touched a
    listed resource (`no_uncovered_outage`), the duty roster of the listed pools covered all
    24 hours of the local day with someone on duty (`roster`), or both of these (`both`)."""

    name_zh: str = "7×24小时服务天数"
    name_en: str = "7×24 service days"
    max_points: float = Field(default=1, gt=0)
    # Days of a whole year; a shorter period requires its share, rounded up.
    required_days: int = Field(default=360, ge=1, le=366)
    basis: Literal["no_uncovered_outage", "roster", "both"] = "no_uncovered_outage"
    classes: tuple[str, ...] = ()  # resource classes whose outages lose a day; empty: all
    pools: tuple[str, ...] = ()  # outages and roster shifts of these pools; empty: every pool
    points_if_short: float = 0

    @property
    def counts_outages(self) -> bool:
        return self.basis != "roster"

    @property
    def counts_roster(self) -> bool:
        return self.basis != "no_uncovered_outage"


def unknown_delivery_classes(
    quantities: DeliveredQuantitiesRule | None, days: ServiceDaysRule | None, known: set[str]
) -> list[tuple[str, str]]:
    """(key, class) of each class the delivery sections name that is not one of `known` (the
    availability.classes): counted against nothing, it would read as never delivered."""
    named: list[tuple[str, str]] = []
    if quantities is not None:
        named += [("scoring.delivered_quantities.planned", name) for name in quantities.planned]
    if days is not None:
        named += [("scoring.service_days.classes", name) for name in days.classes]
    return [(key, name) for key, name in named if name not in known]
