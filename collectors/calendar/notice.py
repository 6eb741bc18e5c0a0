"""A holiday notice read whole: its year, each festival's days off and make-up working days,
and the lines that look like festival lines but cannot be read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from collectors.calendar.festival_line import (
    LineDays,
    LineProblem,
    compact,
    festival_days,
    has_dated_keyword,
    mark_weekdays,
)
from collectors.calendar.notice_text import NoticeError, NoticeLine, read_notice
from monitor.domain.message import Message, both

_ORDINAL = r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d{1,2}[、.])"
_NUMBERED = re.compile(rf"^{_ORDINAL}")
_FESTIVAL = re.compile(rf"^{_ORDINAL}?(?P<name>[^:]{{1,60}}?):(?P<body>.+)$")
# Festival names a line may start with when it is pasted without its number.
_FESTIVAL_NAMES = ("元旦", "春节", "清明", "劳动节", "五一", "端午", "中秋", "国庆")
_NAMED = re.compile(rf"^(?:{'|'.join(_FESTIVAL_NAMES)})[^:]{{0,30}}:")
_NO_FESTIVAL = Message(
    "通知中没有可识别的节日安排（如“一、元旦：1月1日放假……”）",
    "no festival lines found (such as 一、元旦：1月1日放假……)",
)
_DATED_NAME = re.compile(r"\d{1,2}[月日]")
_TITLE_YEAR = re.compile(r"(\d{4})年(?:部分)?节假日(?:放假)?安排")
_STATED_YEAR = re.compile(r"现将(\d{4})年")
_TITLE = re.compile(r"关于\d{4}年(?:部分)?节假日(?:放假)?安排的通知")


@dataclass(frozen=True, slots=True)
class Festival:
    """One festival (or festivals given together, 中秋节、国庆节) and its days."""

    name: str
    line: int
    holidays: tuple[date, ...]
    workdays: tuple[date, ...]


@dataclass(frozen=True, slots=True)
class NoticeProblem:
    """A line that looks like a festival line but cannot be read for certain."""

    line: int
    text: str
    message: Message

    @property
    def reason(self) -> str:
        """中文 then English on one line."""
        return both(self.message)

    def described(self) -> Message:
        """The problem in each language: the line, why it is not read, and the line's text."""
        return Message(
            f"  第 {self.line} 行：{self.message.zh}\n    {self.text}",
            f"  line {self.line}: {self.message.en}\n    {self.text}",
        )


@dataclass(frozen=True, slots=True)
class HolidayNotice:
    """What one notice declares for its year."""

    year: int
    title: str | None
    festivals: tuple[Festival, ...]
    problems: tuple[NoticeProblem, ...]

    @property
    def holidays(self) -> tuple[date, ...]:
        return tuple(sorted({day for f in self.festivals for day in f.holidays}))

    @property
    def workdays(self) -> tuple[date, ...]:
        return tuple(sorted({day for f in self.festivals for day in f.workdays}))

    def festivals_on(self, day: date) -> list[str]:
        """The names of the festivals a day belongs to."""
        return [f.name for f in self.festivals if day in f.holidays or day in f.workdays]


def read_holiday_notice(path: Path, year: int | None = None) -> HolidayNotice:
    """The notice in a file (plain text or HTML); NoticeError when it cannot be used."""
    return parse_notice(read_notice(path), year)


def parse_notice(lines: Sequence[NoticeLine], year: int | None = None) -> HolidayNotice:
    """The notice's festivals; `year` is needed only when the text does not state its year,
    and must agree with it when it does."""
    if not any(_starts_like_festival(*_read(line)) for line in lines):
        raise NoticeError(_NO_FESTIVAL)
    notice_year = _notice_year(lines, year)
    festivals: list[Festival] = []
    problems: list[NoticeProblem] = []
    current: Festival | None = None  # the festival a following line may continue
    for line in lines:
        text, dated = _read(line)
        try:
            if _starts_like_festival(text, dated):
                found = _FESTIVAL.match(text)
                if found is None:
                    raise LineProblem(Message("开头缺少“节日：”", 'no "festival:" at its start'))
                if _DATED_NAME.search(found.group("name")):
                    raise LineProblem(Message("“节日：”之前有日期", 'a date before "festival:"'))
                days = festival_days(found.group("body"), notice_year)
                current = Festival(found.group("name"), line.number, days.holidays, days.workdays)
                festivals.append(current)
            elif dated and current is not None:
                # A festival's sentence carried over to the next line of a paste.
                current = _extended(current, festival_days(text, notice_year, continued=True))
                festivals[-1] = current
            elif dated:
                raise LineProblem(
                    Message("像节日安排，但没有“节日：”", 'a festival\'s dates without "festival:"')
                )
            else:
                current = None
        except LineProblem as problem:
            problems.append(NoticeProblem(line.number, line.text.strip(), problem.message))
            current = None
    problems.extend(_conflicts(festivals, lines))
    if not festivals and not problems:
        raise NoticeError(_NO_FESTIVAL)
    return HolidayNotice(notice_year, _title(lines), tuple(festivals), tuple(problems))


def _notice_year(lines: Sequence[NoticeLine], given: int | None) -> int:
    """The title's year (the first title: a saved page may link other years' notices further
    down), which the body's "现将20XX年…" must repeat, and --year too when given."""
    texts = [compact(line.text) for line in lines]
    titled = [int(m.group(1)) for text in texts for m in _TITLE_YEAR.finditer(text)]
    stated = [int(m.group(1)) for text in texts for m in _STATED_YEAR.finditer(text)]
    found = titled[0] if titled else stated[0] if stated else None
    if found is not None and stated and stated[0] != found:
        raise NoticeError(
            Message(
                f"标题是 {found} 年，正文却是 {stated[0]} 年",
                f"the title says {found}, the text {stated[0]}",
            )
        )
    if found is not None and given is not None and found != given:
        raise NoticeError(
            Message(
                f"通知是 {found} 年的，--year 却是 {given}",
                f"the notice is for {found}, not {given}",
            )
        )
    if found is not None:
        return found
    if given is None:
        raise NoticeError(
            Message(
                "通知中找不到年份（标题“关于20XX年部分节假日安排的通知”）：请用 --year 指定",
                "the notice does not state its year: give it with --year",
            )
        )
    return given


def _title(lines: Sequence[NoticeLine]) -> str | None:
    for line in lines:
        text = compact(line.text)
        match = _TITLE.search(text)
        if match:
            return text[: match.end()]
    return None


def _read(line: NoticeLine) -> tuple[str, bool]:
    """The line compacted, and whether a date in it is followed by 放假, 补休 or 上班."""
    text = compact(line.text)
    return text, has_dated_keyword(mark_weekdays(text))


def _starts_like_festival(text: str, dated: bool) -> bool:
    """Numbered ("二、"), or starting with a festival's name, and with a colon or dates: a
    numbered line without either is some other list."""
    return bool(_NUMBERED.match(text) or _NAMED.match(text)) and (":" in text or dated)


def _extended(festival: Festival, days: LineDays) -> Festival:
    return Festival(
        festival.name,
        festival.line,
        tuple(sorted({*festival.holidays, *days.holidays})),
        tuple(sorted({*festival.workdays, *days.workdays})),
    )


def _conflicts(festivals: list[Festival], lines: Sequence[NoticeLine]) -> list[NoticeProblem]:
    """A day one festival has off and another has as a working day."""
    texts = {line.number: line.text.strip() for line in lines}
    problems = []
    off = {day: f for f in festivals for day in f.holidays}
    for festival in festivals:
        for day in festival.workdays:
            other = off.get(day)
            if other is not None:
                problems.append(
                    NoticeProblem(
                        festival.line,
                        texts.get(festival.line, festival.name),
                        Message(
                            f"{day.isoformat()} 在“{other.name}”放假，在“{festival.name}”上班",
                            f"{day.isoformat()} is both a day off ({other.name}) and a working "
                            f"day ({festival.name})",
                        ),
                    )
                )
    return problems
