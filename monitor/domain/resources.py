"""Resources, outages and metric samples as the computations see them; pure, no I/O.

Samples are kept as quarter-hour rollups (count, sum, peak and the seconds they cover) in UTC:
every real UTC offset, every month boundary and the usual maintenance windows fall on quarter
hours, and a rollup answers a period's mean exactly, as Prometheus's avg_over_time would.
Storage also keeps them summed per rollup day (monitor/storage/rollups.py), so a month is read
as whole days plus the quarter hours of any partial day at either end.

A rollup day is a day of UTC+08:00, China Standard Time: Asia/Shanghai, the zone of the
contracts this product serves, has kept that offset without summer time since 1991, so their
days, months and years are whole rollup days and read no quarter hour at all. A contract in
another zone gets the same figures, reading the quarter hours of its partial days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

BUCKET = timedelta(minutes=15)
_BUCKET_SECONDS = int(BUCKET.total_seconds())
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

AVAILABILITY = "availability"  # 1 up, 0 down (Prometheus up / probe_success)
UTILISATION_METRICS = ("cpu", "memory", "storage")  # percent, 0–100
# What a resource has, as measured: vCPUs, memory and storage in GB (the billing check holds a
# statement's quantities against the month's peak).
CAPACITY_METRICS = ("vcpu", "memory_gb", "storage_gb")
METRICS = (AVAILABILITY, *UTILISATION_METRICS, *CAPACITY_METRICS)

Interval = tuple[datetime, datetime]  # half-open [start, end)

DAY = timedelta(days=1)
ROLLUP_DAY_OFFSET = timedelta(hours=8)
_ROLLUP_ZONE = timezone(ROLLUP_DAY_OFFSET)


@dataclass(frozen=True, slots=True)
class Resource:
    """One resource of the inventory; `reclaimed_at` set once it was handed back (回收)."""

    resource_id: str
    resource_class: str
    pool: str | None = None
    user_unit: str | None = None
    system: str | None = None
    status: str | None = None
    in_service_from: datetime | None = None
    reclaimed_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Outage:
    """An outage record; planned with an approver, it is a maintenance window instead."""

    resource_id: str
    start: datetime
    end: datetime | None  # None: still going on
    planned: bool = False
    approved_by: str | None = None
    cause: str | None = None
    source: str = "file"

    @property
    def is_approved_maintenance(self) -> bool:
        return self.planned and bool(self.approved_by)


@dataclass(frozen=True, slots=True)
class Counts:
    """Samples summed over some buckets: how many, their sum and the seconds they cover."""

    samples: int = 0
    total: float = 0.0
    covered_seconds: float = 0.0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.samples + other.samples,
            self.total + other.total,
            self.covered_seconds + other.covered_seconds,
        )

    def __sub__(self, other: Counts) -> Counts:
        return Counts(
            self.samples - other.samples,
            self.total - other.total,
            self.covered_seconds - other.covered_seconds,
        )

    @property
    def mean(self) -> float | None:
        return self.total / self.samples if self.samples else None


def bucket_floor(moment: datetime) -> datetime:
    """The start of the quarter hour (UTC) holding `moment`."""
    seconds = (moment - _EPOCH) // timedelta(seconds=1)
    return _EPOCH + timedelta(seconds=seconds - seconds % _BUCKET_SECONDS)


def bucket_ceil(moment: datetime) -> datetime:
    floor = bucket_floor(moment)
    return floor if floor == moment else floor + BUCKET


def rollup_day(moment: datetime) -> date:
    """The rollup day (a date of UTC+08:00) holding `moment`."""
    return moment.astimezone(_ROLLUP_ZONE).date()


def rollup_day_start(day: date) -> datetime:
    """The first instant of a rollup day, in UTC (16:00 UTC of the day before)."""
    return datetime.combine(day, time(), _ROLLUP_ZONE).astimezone(UTC)


def rollup_day_floor(moment: datetime) -> datetime:
    """The start of the rollup day holding `moment`, in UTC."""
    return rollup_day_start(rollup_day(moment))


def rollup_day_ceil(moment: datetime) -> datetime:
    floor = rollup_day_floor(moment)
    return floor if floor == moment else floor + DAY


def seconds(intervals: Iterable[Interval]) -> float:
    return sum((end - start).total_seconds() for start, end in intervals)


def merged(intervals: Iterable[Interval]) -> list[Interval]:
    """Sorted, non-overlapping intervals covering the same instants; empty ones dropped."""
    out: list[Interval] = []
    for start, end in sorted(i for i in intervals if i[1] > i[0]):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def clipped(intervals: Sequence[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The parts of (merged) intervals inside [start, end)."""
    return [(max(a, start), min(b, end)) for a, b in intervals if a < end and b > start]


def overlap_seconds(first: Sequence[Interval], second: Sequence[Interval]) -> float:
    """Seconds in both of two merged interval lists."""
    return sum(seconds(clipped(second, a, b)) for a, b in first)


def bucket_starts(intervals: Iterable[Interval]) -> list[datetime]:
    """The quarter hours lying wholly inside the intervals."""
    starts: list[datetime] = []
    for start, end in merged(intervals):
        moment = bucket_ceil(start)
        while moment + BUCKET <= end:
            starts.append(moment)
            moment += BUCKET
    return starts


@dataclass(frozen=True, slots=True)
class DayStats:
    """One metric of one resource over one local day."""

    samples: int
    total: float
    peak: float
    covered_seconds: float
