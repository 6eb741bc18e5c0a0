"""Evaluation periods: a calendar year or month in the contract's zone, as an instant range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from monitor.domain.message import InvalidValue, Message


@dataclass(frozen=True, slots=True)
class Period:
    """A calendar year or month in the contract's time zone, as a half-open instant range."""

    label: str
    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


_PERIOD = re.compile(r"^(\d{4})(?:-(\d{1,2}))?$")


def parse_period(text: str, zone: ZoneInfo) -> Period:
    """'2022' or '2022-08' → the period's bounds in the given zone; InvalidValue (a ValueError)
    otherwise."""
    match = _PERIOD.match(text.strip())
    if not match:
        raise InvalidValue(
            Message(
                f"'{text}' 不是有效的期间，请写 YYYY 或 YYYY-MM，如 2022 或 2022-08",
                f"'{text}' is not a period; write YYYY or YYYY-MM, e.g. 2022 or 2022-08",
            )
        )
    year = int(match.group(1))
    if match.group(2) is None:
        first, after = date(year, 1, 1), date(year + 1, 1, 1)
        label = f"{year:04d}"
    else:
        month = int(match.group(2))
        if not 1 <= month <= 12:
            raise InvalidValue(
                Message(f"'{text}'：月份须为 01 至 12", f"'{text}': month must be 01 to 12")
            )
        first = date(year, month, 1)
        after = date(year + month // 12, month % 12 + 1, 1)
        label = f"{year:04d}-{month:02d}"
    return Period(
        label,
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(after, time(0), tzinfo=zone),
    )
