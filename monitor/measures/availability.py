"""Availability per resource, class and pool for a period: pure functions of their inputs.

Counted time is the period (up to the evaluation time) within the resource's service life,
minus approved maintenance in whole quarter hours. Only evidence decides up or down: a missing
sample is neither, so every figure carries its coverage (observed / counted seconds).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from monitor.contract.model import Contract
from monitor.domain.periods import Period
from monitor.domain.resources import (
    BUCKET,
    Counts,
    Interval,
    Outage,
    Resource,
    bucket_ceil,
    bucket_floor,
    clipped,
    merged,
    overlap_seconds,
    seconds,
)
from monitor.domain.tickets import Status

# Float sums of 0/1 samples are exact, but a percent target divided by 100 may not be.
_EPSILON = 1e-12
_WORST_FIRST = (
    Status.BREACHED,
    Status.MISSING_EVIDENCE,
    Status.AT_RISK,
    Status.MET,
    Status.NOT_STARTED,
)


@dataclass(frozen=True, slots=True)
class ApprovedWindow:
    """Maintenance someone approved, from the contract or an imported planned outage."""

    start: datetime
    end: datetime
    approved_by: str
    classes: tuple[str, ...] = ()
    pools: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    reason: str | None = None

    def applies_to(self, resource: Resource) -> bool:
        if not (self.classes or self.pools or self.resources):
            return True
        return (
            resource.resource_class in self.classes
            or resource.pool in self.pools
            or resource.resource_id in self.resources
        )

    @property
    def excluded(self) -> Interval:
        """The whole quarter hours inside the window: only those are excluded."""
        return (bucket_ceil(self.start), bucket_floor(self.end))


def approved_windows(contract: Contract, outages: Iterable[Outage]) -> list[ApprovedWindow]:
    zone = contract.zone
    windows = [
        ApprovedWindow(
            _aware(w.start, zone),
            _aware(w.end, zone),
            w.approved_by,
            w.classes,
            w.pools,
            w.resources,
            w.reason,
        )
        for w in contract.availability.maintenance_windows
    ]
    for outage in outages:
        if outage.is_approved_maintenance and outage.end is not None:
            assert outage.approved_by is not None
            windows.append(
                ApprovedWindow(
                    outage.start,
                    outage.end,
                    outage.approved_by,
                    resources=(outage.resource_id,),
                    reason=outage.cause,
                )
            )
    return windows


def _aware(moment: datetime, zone: ZoneInfo) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def maintenance_ranges(windows: Iterable[ApprovedWindow]) -> list[Interval]:
    """Every excluded quarter hour of any scope: where storage must look bucket by bucket."""
    return merged(window.excluded for window in windows)


@dataclass(frozen=True, slots=True)
class AvailabilityInputs:
    """What storage read for one period; counts are raw (maintenance not yet taken out)."""

    resources: Sequence[Resource]
    period_counts: Mapping[str, Counts]
    # Rollups per resource and quarter hour inside maintenance_ranges (and burn windows).
    maintenance_rows: Mapping[str, Mapping[datetime, Counts]]
    window_counts: Mapping[timedelta, Mapping[str, Counts]]
    outages: Sequence[Outage] = ()
    windows: Sequence[ApprovedWindow] = ()


@dataclass(frozen=True, slots=True)
class AvailabilityFigure:
    """Availability of one resource, class or pool over a period as of an instant."""

    level: str  # resource | class | pool
    key: str
    resource_class: str | None
    pool: str | None
    target: float | None  # percent
    evidence: str  # samples | outage_records | mixed | none
    period_seconds: float  # the whole period's counted time: what the error budget is of
    counted_seconds: float  # counted time so far
    observed_seconds: float  # counted time with evidence
    up_seconds: float
    resources: int = 1
    # Per burn-rate window: (error seconds, observed seconds) within it.
    windows: dict[timedelta, tuple[float, float]] = field(default_factory=dict)
    status: Status | None = None
    findings: tuple[str, ...] = ()

    @property
    def availability(self) -> float | None:
        return self.up_seconds / self.observed_seconds if self.observed_seconds else None

    @property
    def coverage(self) -> float:
        if not self.counted_seconds:
            return 0.0
        return min(1.0, self.observed_seconds / self.counted_seconds)

    @property
    def down_seconds(self) -> float:
        return self.observed_seconds - self.up_seconds

    @property
    def budget_seconds(self) -> float | None:
        if self.target is None:
            return None
        return (1 - self.target / 100) * self.period_seconds

    @property
    def remaining_budget_seconds(self) -> float | None:
        budget = self.budget_seconds
        return None if budget is None else budget - self.down_seconds

    def burn_rate(self, window: timedelta) -> float | None:
        """Error rate in the window over the rate the budget allows; 1 spends it exactly."""
        errors, observed = self.windows.get(window, (0.0, 0.0))
        if self.target is None or not observed or self.target >= 100:
            return None
        return (errors / observed) / (1 - self.target / 100)


def elapsed_end(period: Period, at: datetime) -> datetime:
    """The end of what has been measured: the period's end, or the last whole quarter hour."""
    return max(period.start, min(period.end, bucket_floor(at)))


def _excluded(resource: Resource, windows: Sequence[ApprovedWindow]) -> list[Interval]:
    return merged(window.excluded for window in windows if window.applies_to(resource))


def _life(resource: Resource, start: datetime, end: datetime) -> Interval:
    first = max(start, bucket_ceil(resource.in_service_from or start))
    last = min(end, bucket_ceil(resource.reclaimed_at or end))
    return (first, max(first, last))


def _counted(life: Interval, excluded: Sequence[Interval], until: datetime) -> float:
    start, end = life[0], min(life[1], until)
    if end <= start:
        return 0.0
    return (end - start).total_seconds() - seconds(clipped(excluded, start, end))


def _without_maintenance(
    counts: Counts, rows: Mapping[datetime, Counts], excluded: Sequence[Interval], span: Interval
) -> Counts:
    for bucket, row in rows.items():
        if span[0] <= bucket < span[1] and any(a <= bucket < b for a, b in excluded):
            counts = counts - row
    return counts


def resource_figure(
    resource: Resource, inputs: AvailabilityInputs, contract: Contract, period: Period, at: datetime
) -> AvailabilityFigure:
    """One resource's figure: from its samples, else (if the contract allows) outage records."""
    config = contract.availability
    klass = config.classes.get(resource.resource_class)
    target = klass.target if klass is not None else None
    until = elapsed_end(period, at)
    excluded = _excluded(resource, inputs.windows)
    life = _life(resource, period.start, period.end)
    period_seconds = _counted(life, excluded, period.end)
    counted = _counted(life, excluded, until)
    rows = inputs.maintenance_rows.get(resource.resource_id, {})
    counts = _without_maintenance(
        inputs.period_counts.get(resource.resource_id, Counts()), rows, excluded, (life[0], until)
    )
    windows: dict[timedelta, tuple[float, float]] = {}
    for window, by_resource in inputs.window_counts.items():
        raw = by_resource.get(resource.resource_id, Counts())
        part = _without_maintenance(raw, rows, excluded, (until - window, until))
        if part.samples:
            observed = part.covered_seconds
            windows[window] = (observed * (1 - part.total / part.samples), observed)
    evidence, observed, up = "none", 0.0, 0.0
    if counts.samples:
        evidence = "samples"
        observed = min(counts.covered_seconds, counted) if counted else counts.covered_seconds
        up = observed * (counts.total / counts.samples)
    elif config.outage_records_as_evidence and counted:
        evidence = "outage_records"
        observed = counted
        up = counted - _outage_seconds(resource, inputs.outages, life, excluded, until)
    figure = AvailabilityFigure(
        "resource",
        resource.resource_id,
        resource.resource_class,
        resource.pool,
        target,
        evidence,
        period_seconds,
        counted,
        observed,
        up,
        windows=windows,
    )
    return _judged(figure, contract, period, at)


def _outage_seconds(
    resource: Resource,
    outages: Sequence[Outage],
    life: Interval,
    excluded: Sequence[Interval],
    until: datetime,
) -> float:
    down = merged(
        (outage.start, outage.end or until)
        for outage in outages
        if outage.resource_id == resource.resource_id and not outage.is_approved_maintenance
    )
    down = clipped(down, life[0], min(life[1], until))
    return seconds(down) - overlap_seconds(down, excluded)


def _judged(
    figure: AvailabilityFigure, contract: Contract, period: Period, at: datetime
) -> AvailabilityFigure:
    """The one place an availability status is decided."""
    config = contract.availability
    findings: list[str] = []
    availability = figure.availability
    if figure.counted_seconds and figure.coverage < config.coverage_floor:
        findings.append("no_evidence" if availability is None else "low_coverage")
    if figure.target is None:
        return replace(figure, findings=tuple(findings))
    if not figure.counted_seconds:
        status = Status.NOT_STARTED  # nothing of the period has been counted yet
    elif availability is None or (findings and config.missing_evidence_fails):
        status = Status.MISSING_EVIDENCE
    elif at >= period.end:
        status = Status.MET if availability >= figure.target / 100 - _EPSILON else Status.BREACHED
    else:
        budget = figure.budget_seconds or 0.0
        remaining = budget - figure.down_seconds
        fraction = config.at_risk_fraction or contract.at_risk_fraction
        if remaining < 0:
            status = Status.BREACHED
        elif remaining < fraction * budget:
            status = Status.AT_RISK
        else:
            status = Status.MET
    return replace(figure, status=status, findings=tuple(findings))


def resource_figures(
    inputs: AvailabilityInputs, contract: Contract, period: Period, at: datetime
) -> list[AvailabilityFigure]:
    return [
        resource_figure(resource, inputs, contract, period, at)
        for resource in sorted(inputs.resources, key=lambda r: r.resource_id)
    ]


def aggregate(
    figures: Sequence[AvailabilityFigure],
    by: str,
    contract: Contract,
    period: Period,
    at: datetime,
) -> list[AvailabilityFigure]:
    """Pool the members' seconds per class or pool: availability is total up over observed.

    A class is judged against its target like a resource; a pool mixes classes, so it has no
    target of its own and shows its worst member's status.
    """
    groups: dict[str, list[AvailabilityFigure]] = {}
    for figure in figures:
        key = figure.resource_class if by == "class" else figure.pool
        groups.setdefault(key or "—", []).append(figure)
    out: list[AvailabilityFigure] = []
    for key, members in sorted(groups.items()):
        windows: dict[timedelta, tuple[float, float]] = {}
        for member in members:
            for window, (errors, observed) in member.windows.items():
                before = windows.get(window, (0.0, 0.0))
                windows[window] = (before[0] + errors, before[1] + observed)
        kinds = {m.evidence for m in members if m.evidence != "none"}
        klass = contract.availability.classes.get(key) if by == "class" else None
        pooled = AvailabilityFigure(
            by,
            key,
            key if by == "class" else None,
            key if by == "pool" else None,
            klass.target if klass is not None else None,
            kinds.pop() if len(kinds) == 1 else ("mixed" if kinds else "none"),
            sum(m.period_seconds for m in members),
            sum(m.counted_seconds for m in members),
            sum(m.observed_seconds for m in members),
            sum(m.up_seconds for m in members),
            resources=len(members),
            windows=windows,
        )
        judged = _judged(pooled, contract, period, at)
        if by == "pool":
            statuses = {m.status for m in members if m.status is not None}
            worst = next((s for s in _WORST_FIRST if s in statuses), None)
            judged = replace(judged, status=worst)
        out.append(judged)
    return out


def burn_windows_needed(contract: Contract) -> tuple[timedelta, ...]:
    return contract.availability.burn_rate_windows


def bucket_span(period: Period, at: datetime, contract: Contract) -> Interval:
    """From the start of the longest burn window (or the period) to the measured end."""
    until = elapsed_end(period, at)
    longest = max(contract.availability.burn_rate_windows, default=BUCKET)
    return (min(period.start, until - longest), until)
