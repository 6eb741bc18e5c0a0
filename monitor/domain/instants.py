"""Instants as int64 microseconds since the Unix epoch (UTC), and dates as day numbers.

The one encoding every column path shares: the rules over arrays, the column reads and writes
of storage and the importers' timestamp cells. MISSING marks an event never recorded; it is
numpy's NaT and sorts before every real instant.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

Ints = npt.NDArray[np.int64]

MISSING = np.iinfo(np.int64).min  # no such event; also numpy's NaT, and before every `now`
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
DAY_US = 86_400_000_000


def to_us(moment: datetime) -> int:
    """An aware datetime as whole microseconds since the epoch."""
    return (moment - EPOCH) // MICROSECOND


def from_us(value: int) -> datetime:
    """Microseconds since the epoch as an aware UTC datetime."""
    return EPOCH + timedelta(microseconds=value)


def us_or_missing(moment: datetime | None) -> int:
    """to_us, or MISSING for None."""
    return MISSING if moment is None else to_us(moment)


def datetimes(values: np.ndarray[Any, Any]) -> list[datetime | None]:
    """µs since the epoch (MISSING → None) as aware UTC datetimes."""
    naive = values.view("datetime64[us]").astype(object).tolist()
    return [None if moment is None else moment.replace(tzinfo=UTC) for moment in naive]


_MONTH_DAYS = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31], dtype=np.int64)


def real_dates(year: Ints, month: Ints, day: Ints) -> npt.NDArray[np.bool_]:
    """Which (year, month, day) triples name a day of the proleptic Gregorian calendar."""
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    longest = _MONTH_DAYS[np.clip(month, 0, 12)] + ((month == 2) & leap)
    return (month >= 1) & (month <= 12) & (day >= 1) & (day <= longest)  # type: ignore[no-any-return]


def days_from_civil(year: Ints, month: Ints, day: Ints) -> Ints:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    year = year - (month <= 2)
    era = year // 400
    year_of_era = year - era * 400
    day_of_year = (153 * ((month + 9) % 12) + 2) // 5 + day - 1
    day_of_era = year_of_era * 365 + year_of_era // 4 - year_of_era // 100 + day_of_year
    return era * 146097 + day_of_era - 719468  # type: ignore[no-any-return]


def civil_from_days(days: Ints) -> tuple[Ints, Ints, Ints]:
    """(year, month, day) of days since 1970-01-01 (H. Hinnant's algorithm)."""
    shifted = days + 719468
    era = shifted // 146097
    day_of_era = shifted - era * 146097
    year_of_era = (
        day_of_era - day_of_era // 1460 + day_of_era // 36524 - day_of_era // 146096
    ) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < 10, shifted_month + 3, shifted_month - 9)
    year = year_of_era + era * 400 + (month <= 2)
    return year, month, day
