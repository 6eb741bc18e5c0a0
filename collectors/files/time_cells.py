"""A column of timestamp cells read at once, as µs since the epoch (UTC).

The shapes exports write (ISO `2024-03-14 09:12[:05[.123[456]]]` with an optional `Z` or
`±HH:MM`, and Excel's `2024/3/14 9:12[:05]`) are taken apart with NumPy, checked field by field
and placed in the contract's zone a local day at a time. Every other cell, and every cell the
fast path is not sure of (a bad field, a year out of range, a day on which the zone changes its
offset), goes through the per-cell parser, so its value or its message is exactly the one the
per-cell path gives.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from collectors.files.values import BadValue, time_parser
from monitor.domain.bounds import EARLIEST_YEAR, LATEST_YEAR
from monitor.domain.instants import MICROSECOND, MISSING, days_from_civil, real_dates, to_us
from monitor.domain.message import Message

Ints = np.ndarray[Any, np.dtype[np.int64]]

_NAIVE_EPOCH = datetime(1970, 1, 1)
_WIDTH = 32  # the longest ISO shape taken: 2024-03-14 09:12:05.123456+08:00
# Excel's short form; ASCII digits only (the per-cell parser reads any Unicode digit).
_EXCEL = re.compile(r"([0-9]{4})/([0-9]{1,2})/([0-9]{1,2}) ([0-9]{1,2}):([0-9]{2})(?::([0-9]{2}))?")
# After the 16 characters of `YYYY-MM-DD HH:MM`: (seconds part, offset part) by the length left.
_TAILS = {
    s + o: (s, o) for s in (0, 3, 7, 10) for o in (0, 1, 6)
}  # ":SS", ":SS.fff", ":SS.ffffff"; "Z", "+HH:MM"
_FIRST_DAY = (datetime(EARLIEST_YEAR, 1, 1) - _NAIVE_EPOCH).days
_LAST_DAY = (datetime(LATEST_YEAR, 12, 31) - _NAIVE_EPOCH).days
_UNSEEN, _HOLDS, _CHANGES = 0, 1, 2
_BASE_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15]  # of YYYY-MM-DD HH:MM


class TimeColumns:
    """Parses timestamp columns for one contract zone; remembers the zone's offset per day."""

    def __init__(self, zone: ZoneInfo) -> None:
        self._zone = zone
        self._parse_cell = time_parser(zone)
        # Per local day from 1990 to 2100: is the zone's offset known, and what is it (µs).
        self._day_state = np.full(_LAST_DAY - _FIRST_DAY + 1, _UNSEEN, dtype=np.int8)
        self._day_east = np.zeros(_LAST_DAY - _FIRST_DAY + 1, dtype=np.int64)

    def parse(self, cells: Sequence[Any]) -> tuple[Ints, dict[int, Message]]:
        """µs since the epoch per cell (MISSING where empty), and index → reason of bad cells."""
        moments = np.full(len(cells), MISSING, dtype=np.int64)
        if set(map(type, cells)) <= {str}:  # every CSV column: no need to pick the texts out
            if not any(cells):  # all "": a column the file has but does not fill
                return moments, {}
            texts, slow = list(cells), []
            chosen = np.arange(len(cells))
        else:
            picked = [i for i, cell in enumerate(cells) if type(cell) is str]
            texts = [cells[i] for i in picked]
            slow = [i for i, cell in enumerate(cells) if cell is not None and type(cell) is not str]
            chosen = np.asarray(picked, dtype=np.int64)
        if texts:
            fast, values, empty = self._fast(texts)
            moments[chosen[fast]] = values[fast]
            slow.extend(chosen[~(fast | empty)].tolist())
        problems: dict[int, Message] = {}
        for i in sorted(slow):
            try:
                moment = self._parse_cell(cells[i])
            except BadValue as error:
                problems[i] = error.message
                continue
            if moment is not None:
                moments[i] = to_us(moment)
        return moments, problems

    def _fast(self, texts: list[str]) -> tuple[np.ndarray, Ints, np.ndarray]:
        """Which texts the fast path reads (a mask), their µs (UTC) where it does, and which
        are empty ("")."""
        count = len(texts)
        fields = np.zeros((8, count), dtype=np.int64)  # y m d H M S µs offset-seconds
        has_offset = np.zeros(count, dtype=bool)
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=count)
        taken = _iso_fields(texts, lengths, fields, has_offset)
        excel = np.flatnonzero(~taken & (lengths >= 13) & (lengths <= 19))  # 2024/1/1 1:00
        if len(excel):
            taken |= _excel_fields(texts, excel, fields)
        year, month, day, hour, minute, second, micro, offset = fields
        taken &= real_dates(year, month, day)
        taken &= (hour <= 23) & (minute <= 59) & (second <= 59)
        taken &= (year >= EARLIEST_YEAR) & (year <= LATEST_YEAR)
        days = days_from_civil(np.where(taken, year, 1970), np.where(taken, month, 1), day)
        local = (days * 86_400 + hour * 3600 + minute * 60 + second) * 1_000_000 + micro
        east = np.where(has_offset, offset * 1_000_000, 0)
        naive = taken & ~has_offset
        if naive.any():
            zone_east, known = self._zone_offsets(days[naive])
            east[naive] = zone_east
            taken[np.flatnonzero(naive)[~known]] = False
        return taken, local - east, lengths == 0

    def _zone_offsets(self, days: Ints) -> tuple[Ints, np.ndarray]:
        """The zone's offset (µs) on each local day, and whether it holds all day long."""
        place = days - _FIRST_DAY
        unseen = np.unique(place[self._day_state[place] == _UNSEEN])
        for day in unseen.tolist():
            east = self._day_offset(day + _FIRST_DAY)
            self._day_state[day] = _CHANGES if east is None else _HOLDS
            self._day_east[day] = east or 0
        return self._day_east[place], self._day_state[place] == _HOLDS

    def _day_offset(self, day: int) -> int | None:
        """The zone's offset on a local day, None when it changes during the day. Looked at on
        every hour from midnight to the next midnight (fold 0, as a naive time is read): no zone
        changes its offset and back again within an hour."""
        midnight = _NAIVE_EPOCH + timedelta(days=day)
        offsets = {
            (midnight + timedelta(hours=hour)).replace(tzinfo=self._zone).utcoffset()
            for hour in range(25)
        }
        east = offsets.pop() if len(offsets) == 1 else None
        return None if east is None else east // MICROSECOND


def _iso_fields(
    texts: list[str], lengths: Ints, fields: Ints, has_offset: np.ndarray
) -> np.ndarray:
    """Fill `fields` from the texts in an ISO shape; the mask of those that are."""
    count = len(texts)
    taken = np.zeros(count, dtype=bool)
    width = int(lengths.max(initial=0))
    if width < 16:
        return taken
    # Longer texts are cut to _WIDTH here, and never taken: their length is not a shape's.
    width = min(width, _WIDTH)
    letters = np.array(texts, dtype=f"<U{width}").view(np.uint32).reshape(count, width)
    digits = letters - np.uint32(ord("0"))  # a non-digit wraps round to a large number
    for tail, (seconds, offset) in _TAILS.items():
        if 16 + tail > width:
            continue
        rows: Any = np.flatnonzero(lengths == 16 + tail)
        if not len(rows):
            continue
        if len(rows) == count:
            rows = slice(None)  # the usual case: one shape for the whole column, no copies
        chars, numbers = letters[rows], digits[rows]
        ok = np.all(numbers[:, _BASE_DIGITS] < 10, axis=1)
        ok &= (chars[:, 4] == ord("-")) & (chars[:, 7] == ord("-")) & (chars[:, 13] == ord(":"))
        ok &= (chars[:, 10] == ord(" ")) | (chars[:, 10] == ord("T"))
        found: list[Any] = [
            _number(numbers, 0, 4),
            _number(numbers, 5, 2),
            _number(numbers, 8, 2),
            _number(numbers, 11, 2),
            _number(numbers, 14, 2),
            0,
            0,
            0,
        ]
        if seconds:
            ok &= (chars[:, 16] == ord(":")) & np.all(numbers[:, 17:19] < 10, axis=1)
            found[5] = _number(numbers, 17, 2)
        if seconds > 3:
            places = seconds - 4
            ok &= chars[:, 19] == ord(".")
            ok &= np.all(numbers[:, 20 : 20 + places] < 10, axis=1)
            found[6] = _number(numbers, 20, places) * 10 ** (6 - places)
        at = 16 + seconds
        if offset == 1:
            ok &= chars[:, at] == ord("Z")
        elif offset == 6:
            sign = chars[:, at]
            ok &= (sign == ord("+")) | (sign == ord("-"))
            ok &= (chars[:, at + 3] == ord(":")) & np.all(
                numbers[:, [at + 1, at + 2, at + 4, at + 5]] < 10, axis=1
            )
            hours, minutes = _number(numbers, at + 1, 2), _number(numbers, at + 4, 2)
            ok &= (hours <= 23) & (minutes <= 59)
            found[7] = np.where(sign == ord("-"), -1, 1) * (hours * 3600 + minutes * 60)
        for place, value in enumerate(found):
            fields[place, rows] = value
        has_offset[rows] = ok & (offset > 0)
        taken[rows] = ok
    return taken


def _excel_fields(texts: list[str], which: np.ndarray, fields: Ints) -> np.ndarray:
    """Fill `fields` from the texts (at `which`) in Excel's short shape; the mask of those."""
    taken = np.zeros(len(texts), dtype=bool)
    for i in which.tolist():
        match = _EXCEL.fullmatch(texts[i])
        if match is not None:
            fields[:, i] = [int(number or 0) for number in match.groups()] + [0, 0]
            taken[i] = True
    return taken


def _number(digits: np.ndarray, start: int, width: int) -> Ints:
    """The number written at [start, start + width) of each row (digits as 0–9)."""
    number: Ints = digits[:, start].astype(np.int64)
    for place in range(start + 1, start + width):
        number = number * 10 + digits[:, place]
    return number
