"""One festival line of a holiday notice as its days off and make-up working days.

A line's body reads like "1月28日（农历除夕、周二）至2月4日（农历正月初七、周二）放假调休，共8天。
1月26日（周日）、2月8日（周六）上班。": clauses of dates or date ranges followed by what the days
are (放假 or 补休: off; 上班: working). Anything else that carries a date is a problem, never
a guess.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from monitor.domain.message import Message, MessageError

# 调休 is part of "放假调休"; 公休 of the older "放假公休".
_OFF_WORDS = ("放假", "补休")
_WORK_WORDS = ("上班",)
_WEEKDAY_NUMBERS = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}

_BRACKETED = re.compile(r"\(([^()]*)\)")
_WEEKDAY_NAME = re.compile(r"(?:星期|礼拜|周)([一二三四五六日天])")
_DATE = re.compile(r"(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日(?:\{([^{}]*)\})?")
_RANGE_WORD = re.compile(r"至|到|[-~—–]+")
_LIST_WORD = re.compile(r"[、和及与]")
_CLAUSE_END = re.compile(r"[,。;]")
_COUNT = re.compile(r"(?:共|放假)(\d+)天")
_DATED_KEYWORD = re.compile(r"\d日(?:\{[^{}]*\})?(?:上班|补休|放假)")


class LineProblem(MessageError):
    """Why a festival line cannot be read; the message is shown with the line."""


_NO_DATES = Message("没有找到放假日期", "no dates of days off")


def compact(text: str) -> str:
    """The text with full-width forms folded (NFKC: （ → (, ： → :, full-width digits and
    spaces) and every space removed: spaces carry no meaning in Chinese text."""
    folded = unicodedata.normalize("NFKC", text)
    return re.sub(r"[\s\u200b\ufeff]+", "", folded)


def mark_weekdays(text: str) -> str:
    """Brackets after a date become {weekday} markers ("1月26日(周日)" → "1月26日{日}", "" when
    the bracket names none); other brackets are asides (农历除夕（2月9日）) and are dropped."""

    def replace(match: re.Match[str]) -> str:
        if match.start() == 0 or text[match.start() - 1] != "日":
            return ""
        return "{" + "".join(_WEEKDAY_NAME.findall(match.group(1))) + "}"

    return _BRACKETED.sub(replace, text)


def has_dated_keyword(marked: str) -> bool:
    """True when a date is directly followed by 放假, 补休 or 上班, as in a festival's body."""
    return _DATED_KEYWORD.search(marked) is not None


@dataclass(frozen=True, slots=True)
class _Written:
    """A date as written: year and month may be left out."""

    text: str
    year: int | None
    month: int
    day: int
    weekday: str | None


@dataclass(frozen=True, slots=True)
class _Item:
    """A date or a range of dates in a clause, and whether the days are off or working."""

    start: _Written
    end: _Written | None
    off: bool


@dataclass(frozen=True, slots=True)
class LineDays:
    """The days one line declares."""

    holidays: tuple[date, ...]
    workdays: tuple[date, ...]


def festival_days(body: str, year: int, continued: bool = False) -> LineDays:
    """The days off and make-up working days of a festival line's body (after "节日："), in
    the notice for `year`; LineProblem when any part of it cannot be read for certain.

    A `continued` line carries on the festival of the line before it and may declare working
    days only.
    """
    marked = mark_weekdays(compact(body))
    items = [item for clause in _CLAUSE_END.split(marked) for item in _clause_items(clause)]
    if not items:
        raise LineProblem(_NO_DATES)
    holidays, workdays = _resolve(items, year)
    if not holidays and not continued:
        raise LineProblem(_NO_DATES)
    both = sorted(set(holidays) & set(workdays))
    if both:
        raise LineProblem(
            Message(f"既放假又上班：{_iso(both)}", f"both off and working: {_iso(both)}")
        )
    for count in _COUNT.findall(_BRACKETED.sub("", compact(body))):
        if int(count) != len(set(holidays)):
            given = len(set(holidays))
            raise LineProblem(
                Message(
                    f"写明共 {count} 天，日期却是 {given} 天",
                    f"the line says {count} days but its dates give {given}",
                )
            )
    return LineDays(tuple(sorted(set(holidays))), tuple(sorted(set(workdays))))


def _clause_items(clause: str) -> list[_Item]:
    """The dates of one clause and what they are; [] for a clause without dates (共8天)."""
    pieces: list[tuple[re.Match[str], re.Match[str] | None]] = []
    position = 0
    while True:
        start = _DATE.match(clause, position)
        if start is None:
            break
        end = None
        joined = _RANGE_WORD.match(clause, start.end())
        if joined is not None:
            end = _DATE.match(clause, joined.end())
            if end is None:
                raise LineProblem(
                    Message(
                        f"日期范围缺少结束日：{clause}", f"a range without its last day: {clause}"
                    )
                )
        position = (end or start).end()
        pieces.append((start, end))
        listed = _LIST_WORD.match(clause, position)
        if listed is None or _DATE.match(clause, listed.end()) is None:
            break
        position = listed.end()
    if not pieces:
        if _DATE.search(clause):
            raise LineProblem(
                Message(f"无法识别的写法：{clause}", f"wording not understood: {clause}")
            )
        return []
    rest = clause[position:]
    if rest.startswith(_OFF_WORDS):
        off = True
    elif rest.startswith(_WORK_WORDS):
        off = False
    else:
        raise LineProblem(
            Message(
                f"日期后不是“放假”“补休”或“上班”：{clause}",
                f"the dates are not followed by 放假 (off), 补休 (off) or 上班 (working): {clause}",
            )
        )
    return [_Item(_written(start), _written(end) if end else None, off) for start, end in pieces]


def _written(match: re.Match[str]) -> _Written:
    year, month, day, weekday = match.groups()
    return _Written(
        match.group(0).split("{")[0],
        int(year) if year else None,
        int(month) if month else 0,
        int(day),
        weekday,
    )


def _resolve(items: list[_Item], year: int) -> tuple[list[date], list[date]]:
    """The items' days, with what the notice leaves out filled in the way it is read.

    A day without a month ("至17日", "、21日") is in the month and year of the date before it. A
    range fills a missing year from its other end, and a range never runs backwards: a range
    without years that crosses the new year ("12月30日至1月1日") starts in the year before.
    A single date without a year is in the notice's year; a December one is in the year
    before when that lies nearer the line's first range (the days before a 元旦 that starts
    in December). The only days of the year before a notice declares are in its December.
    """
    filled = _with_months(items)
    ranges: list[tuple[date, date]] = []
    for item in filled:
        if item.end is not None:
            ranges.append(_range(item.start, item.end, year))
    anchor = ranges[0][0] if ranges else None
    holidays: list[date] = []
    workdays: list[date] = []
    range_index = 0
    for item in filled:
        if item.end is not None:
            first, last = ranges[range_index]
            range_index += 1
            days = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        else:
            days = [_single(item.start, year, anchor)]
        (holidays if item.off else workdays).extend(days)
    for day in (*holidays, *workdays):
        if day.year != year and (day.year, day.month) != (year - 1, 12):
            raise LineProblem(
                Message(
                    f"{day.isoformat()} 不在 {year} 年的通知范围内",
                    f"{day.isoformat()} is outside the notice for {year}",
                )
            )
    return holidays, workdays


def _with_months(items: list[_Item]) -> list[_Item]:
    previous: _Written | None = None
    filled: list[_Item] = []
    for item in items:
        start = _inherit(item.start, previous)
        end = _inherit(item.end, start) if item.end is not None else None
        previous = end or start
        filled.append(_Item(start, end, item.off))
    return filled


def _inherit(written: _Written, previous: _Written | None) -> _Written:
    if written.month:
        return written
    if previous is None:
        raise LineProblem(Message(f"“{written.text}”没有月份", f"'{written.text}' has no month"))
    return _Written(written.text, previous.year, previous.month, written.day, written.weekday)


def _range(start: _Written, end: _Written, year: int) -> tuple[date, date]:
    backwards = (end.month, end.day) < (start.month, start.day)
    if start.year is not None and end.year is not None:
        first_year, last_year = start.year, end.year
    elif start.year is not None:
        first_year = start.year
        last_year = start.year + 1 if backwards else start.year
    elif end.year is not None:
        last_year = end.year
        first_year = end.year - 1 if backwards else end.year
    else:
        last_year = year
        first_year = year - 1 if backwards else year
    first = _checked(_day(start, first_year), start)
    last = _checked(_day(end, last_year), end)
    if last < first:
        written = f"{start.text}至{end.text}"
        raise LineProblem(
            Message(f"日期范围倒置：{written}", f"the range ends before it starts: {written}")
        )
    return first, last


def _single(written: _Written, year: int, anchor: date | None) -> date:
    if written.year is not None:
        return _checked(_day(written, written.year), written)
    if anchor is None:
        return _checked(_day(written, year), written)
    own = _day(written, year)
    if written.month != 12:
        return _checked(own, written)
    before = _day(written, year - 1)
    nearer = min((before, own), key=lambda day: abs((day - anchor).days))
    return _checked(nearer, written)


def _day(written: _Written, year: int) -> date:
    try:
        return date(year, written.month, written.day)
    except ValueError:
        raise LineProblem(
            Message(
                f"“{written.text}”不是 {year} 年的日期", f"'{written.text}' is not a date in {year}"
            )
        ) from None


def _checked(day: date, written: _Written) -> date:
    """The day, if the weekday the notice names in brackets is the day's own."""
    named = set(written.weekday or "")
    if len(named) > 1:
        raise LineProblem(
            Message(
                f"{day.isoformat()}：括号里写了几个星期几",
                f"{day.isoformat()}: the brackets name several weekdays",
            )
        )
    if named:
        stated = named.pop()
        if _WEEKDAY_NUMBERS[stated] != day.weekday():
            actual = "一二三四五六日"[day.weekday()]
            raise LineProblem(
                Message(
                    f"{day.isoformat()} 是星期{actual}，通知写的是星期{stated}",
                    f"{day.isoformat()}: the weekday in brackets is not the date's",
                )
            )
    return day


def _iso(days: list[date]) -> str:
    return "、".join(day.isoformat() for day in days)
