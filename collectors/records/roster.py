"""`slamon import roster`: the duty roster (值班表), one row for each person on each shift.

A shift is written as the roster writes it: its day and its start and end times of day in the
contract's zone. An end at or before the start is on the next day (a night shift 20:00–08:00;
the same time, 08:00–08:00, is a 24-hour shift); 24:00 ends at the next midnight.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from collectors.files.decimals import parse_date
from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, bounded, is_blank, parse_text
from collectors.records.base import Column, RecordFormat, import_records
from monitor.contract.model import Contract
from monitor.domain.bounds import year_problem
from monitor.storage.roster import upsert_shifts

_CLOCK = re.compile(r"^(\d{1,2})\s*[:：]\s*(\d{2})(?:\s*[:：]\s*(\d{2}))?$")
_DAY = timedelta(days=1)


def parse_clock(value: Any) -> timedelta | None:
    """A time of day as the time since midnight: 8:00, 08:00:00, 20：30, 24:00 (midnight at
    the day's end), or a spreadsheet time cell."""
    if is_blank(value):
        return None
    if isinstance(value, time):
        return timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
    text = str(value).strip()
    match = _CLOCK.match(text)
    if match is None:
        raise BadValue(
            f"'{text}' 不是时刻，请写成 HH:MM（如 08:00、20:00、24:00）",
            f"'{text}' is not a time of day; write HH:MM (08:00, 20:00, 24:00)",
        )
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    since = timedelta(hours=hours, minutes=minutes, seconds=seconds)
    if minutes > 59 or seconds > 59 or since > _DAY:
        raise BadValue(
            f"'{text}' 不是有效的时刻（00:00 至 24:00）",
            f"'{text}' is not a valid time of day (00:00 to 24:00)",
        )
    return since


def roster_format(contract: Contract) -> RecordFormat:
    text = partial(bounded, parse_text)
    columns = (
        Column("date", ("date", "日期", "值班日期"), parse_date, True),
        Column("pool", ("pool", "资源池"), text(100), True),
        Column("shift", ("shift", "班次"), text(100)),
        Column("start", ("start", "开始时间", "上班时间"), parse_clock, True),
        Column("end", ("end", "结束时间", "下班时间"), parse_clock, True),
        Column("person", ("person", "值班人员", "值班人", "姓名"), text(200), True),
        Column("phone", ("phone", "联系电话", "电话"), text(50)),
    )
    return RecordFormat(
        table="duty_shift",
        noun="person",
        columns=columns,
        key_field="person",
        finish=partial(_finish, zone=contract.zone),
        upsert=upsert_shifts,
    )


def _finish(values: dict[str, Any], zone: ZoneInfo) -> dict[str, Any]:
    values.pop("__extras__", None)
    # Stored under names that are no SQL keywords.
    day: date = values.pop("date")
    values["shift_date"], values["shift_name"] = day, values.pop("shift", None)
    problem = year_problem(day.year)
    if problem is not None:
        raise BadValue(problem)
    start, end = values["start"], values["end"]
    if start >= _DAY:
        raise BadValue(
            "开始时间 start 不能是 24:00，请写成次日 00:00",
            "start (开始时间) cannot be 24:00; write 00:00 of the next day",
        )
    if end <= start:
        end += _DAY  # a shift past midnight, or one of 24 hours
    midnight = datetime.combine(day, time(0))
    values["start"] = (midnight + start).replace(tzinfo=zone)
    values["end"] = (midnight + end).replace(tzinfo=zone)
    return values


def import_roster(
    engine: Engine, path: Path, contract: Contract, *, source: str, now: datetime
) -> ImportReport:
    """Upsert the roster's shifts by (source, pool, start, person)."""
    return import_records(engine, path, roster_format(contract), source=source, now=now)
