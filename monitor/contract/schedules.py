"""Contract terms for business-hours schedules (工作时间): named opening hours on working days
or every day, e.g. 5×8 = working days 08:30-12:00 and 13:30-17:30."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import time
from functools import lru_cache
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BeforeValidator, field_validator

from monitor.contract.strict import StrictModel
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.message import InvalidValue, Message
from monitor.domain.schedule import BusinessSchedule, Hours, ScheduleDays, overlapping_pair

_RANGE = re.compile(r"(\d{2}):(\d{2})\s*-\s*(\d{2}):(\d{2})")
_EXAMPLE = "08:30-12:00"
_DAY_MINUTES = 24 * 60


def parse_hours(text: str) -> Hours:
    """A range "HH:MM-HH:MM" as local (start, end), an end of 24:00 as 00:00 (the end of the
    day); ValueError saying what was expected."""
    matched = _RANGE.fullmatch(text.strip())
    if matched is None:
        raise InvalidValue(
            Message(
                f"'{text}' 不是时段，应为 HH:MM-HH:MM（如 {_EXAMPLE}）",
                f"'{text}' is not a range of hours: expected HH:MM-HH:MM, e.g. {_EXAMPLE}",
            )
        )
    start_hour, start_minute, end_hour, end_minute = (int(part) for part in matched.groups())
    if start_hour > 23 or start_minute > 59 or end_minute > 59 or end_hour > 24:
        raise InvalidValue(
            Message(
                f"'{text}' 的时刻不存在，应在 00:00 至 23:59 之间（结束可为 24:00）",
                f"'{text}' names a time that does not exist: expected 00:00 to 23:59 "
                "(24:00 as an end)",
            )
        )
    start = start_hour * 60 + start_minute
    end = end_hour * 60 + end_minute
    if end > _DAY_MINUTES:
        raise InvalidValue(
            Message(
                f"'{text}' 的结束晚于 24:00，最晚只能到 24:00",
                f"'{text}' ends after 24:00: the latest end is 24:00",
            )
        )
    if end == start:
        raise InvalidValue(
            Message(
                f"'{text}' 时长为零，结束须晚于开始",
                f"'{text}' is empty: the end must come after the start",
            )
        )
    if end < start:
        raise InvalidValue(
            Message(
                f"'{text}' 结束早于开始；跨夜的时段请拆成两段，如 22:00-24:00 和 00:00-06:00",
                f"'{text}' ends before it starts: split hours across midnight in two, "
                "e.g. 22:00-24:00 and 00:00-06:00",
            )
        )
    return _clock(start), _clock(end % _DAY_MINUTES)


def _clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


def _one_range(value: Any) -> Any:
    if not isinstance(value, str):
        raise InvalidValue(
            Message(
                f'应为加引号的文本 HH:MM-HH:MM（如 "{_EXAMPLE}"），而不是 {value!r}',
                f'Expected quoted text HH:MM-HH:MM, e.g. "{_EXAMPLE}", not {value!r}',
            )
        )
    parse_hours(value)
    return value.strip()


HoursText = Annotated[str, BeforeValidator(_one_range)]


class ScheduleConfig(StrictModel):
    """One schedule: which days it is open, and its opening hours on each of them."""

    days: ScheduleDays
    hours: tuple[HoursText, ...]  # "HH:MM-HH:MM", ranges that may touch but not overlap

    @field_validator("hours")
    @classmethod
    def _apart(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise InvalidValue(
                Message(
                    f"至少需要一个时段，如 [{_EXAMPLE}, 13:30-17:30]",
                    f"At least one range of hours is needed, e.g. [{_EXAMPLE}, 13:30-17:30]",
                )
            )
        pair = overlapping_pair([parse_hours(text) for text in value])
        if pair is not None:
            earlier, later = pair
            raise InvalidValue(
                Message(
                    f"hours[{later}] {value[later]} 与 hours[{earlier}] {value[earlier]} 重叠"
                    "（首尾相接可以）",
                    f"hours[{later}] {value[later]} overlaps hours[{earlier}] {value[earlier]} "
                    "(ranges may touch, not overlap)",
                )
            )
        return value

    @property
    def ranges(self) -> tuple[Hours, ...]:
        """The opening hours as local (start, end) times, an end of 00:00 meaning 24:00."""
        return tuple(parse_hours(text) for text in self.hours)


Schedules = dict[str, ScheduleConfig]


def business_schedules(
    schedules: Mapping[str, ScheduleConfig], zone: ZoneInfo, calendar: BusinessCalendar
) -> dict[str, BusinessSchedule]:
    """Each configured schedule as a BusinessSchedule in the contract's zone and calendar."""
    return {
        name: business_schedule(name, config, zone, calendar) for name, config in schedules.items()
    }


@lru_cache(maxsize=64)
def business_schedule(
    name: str, config: ScheduleConfig, zone: ZoneInfo, calendar: BusinessCalendar
) -> BusinessSchedule:
    """One schedule, made once per (schedule, zone, calendar): its per-day openings cache is
    then shared by every ticket of an evaluation instead of rebuilt for each."""
    return BusinessSchedule(name, config.days, config.ranges, zone, calendar)
