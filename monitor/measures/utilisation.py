"""CPU, memory and storage utilisation per pool, in the contract's service hours; pure.

A pool's utilisation of a metric is the mean of its samples in service hours; without samples,
the mean of the operator's monthly figures for the period's months (the report's evidence);
without either, there is no evidence, and the figure says so instead of showing a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from monitor.contract.metrics import BandRule, UtilisationConfig
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.resources import UTILISATION_METRICS, Counts, Interval, merged


def service_intervals(
    start: datetime,
    end: datetime,
    config: UtilisationConfig,
    calendar: BusinessCalendar,
    zone: ZoneInfo,
) -> list[Interval]:
    """The service hours within [start, end), in the contract's zone (7×24 when unset); on
    working days, a day the calendar does not know has none."""
    hours = config.service_hours
    if hours is None:
        return [(start, end)] if end > start else []
    out: list[Interval] = []
    day = start.astimezone(zone).date()
    last = end.astimezone(zone).date()
    if _local(last, time(0), zone) >= end:
        last -= timedelta(days=1)  # [start, end) ends at midnight: the day after is not asked
    while day <= last:
        if hours.days == "all" or calendar.is_known_working_day(day):
            opens = _local(day, hours.start, zone)
            closes = _local(day, hours.end, zone)
            if opens < end and closes > start:
                out.append((max(opens, start), min(closes, end)))
        day += timedelta(days=1)
    return merged(out)


def _local(day: date, moment: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, moment, tzinfo=zone)


@dataclass(frozen=True, slots=True)
class PoolUtilisation:
    """One pool's utilisation per metric (percent) and where each figure came from."""

    pool: str
    values: dict[str, float | None]
    evidence: dict[str, str]  # samples | monthly_figures | none

    @property
    def mean(self) -> float | None:
        """Mean of CPU, memory and storage; None unless all three have evidence."""
        values = [self.values.get(metric) for metric in UTILISATION_METRICS]
        if any(value is None for value in values):
            return None
        return sum(v for v in values if v is not None) / len(values)


def pool_utilisation(
    pools: Iterable[str],
    samples: Mapping[tuple[str, str], Counts],
    monthly: Mapping[tuple[str, str], Sequence[float]],
) -> list[PoolUtilisation]:
    """Per pool: samples in service hours first, the period's monthly figures second."""
    out: list[PoolUtilisation] = []
    for pool in sorted(set(pools)):
        values: dict[str, float | None] = {}
        evidence: dict[str, str] = {}
        for metric in UTILISATION_METRICS:
            counts = samples.get((pool, metric), Counts())
            figures = monthly.get((pool, metric), ())
            if counts.samples:
                values[metric], evidence[metric] = counts.mean, "samples"
            elif figures:
                values[metric], evidence[metric] = sum(figures) / len(figures), "monthly_figures"
            else:
                values[metric], evidence[metric] = None, "none"
        out.append(PoolUtilisation(pool, values, evidence))
    return out


def scored_percent(value: float | None) -> float | None:
    """Figures are compared as the report prints them, to two decimals (58.6, 56.67)."""
    return None if value is None else round(value, 2)


def combined(figures: Sequence[PoolUtilisation], rule: BandRule) -> float | None:
    """The figure a band rule scores: one pool's mean, or every pool's, lowest or averaged."""
    chosen = [f for f in figures if rule.pool is None or f.pool == rule.pool]
    means = [f.mean for f in chosen]
    if not means or any(mean is None for mean in means):
        return None
    present = [mean for mean in means if mean is not None]
    return min(present) if rule.combine == "lowest" else sum(present) / len(present)
