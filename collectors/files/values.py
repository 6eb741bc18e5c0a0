"""Turning the cells of an operator's export into typed values, or a reason why not."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any, overload
from zoneinfo import ZoneInfo

from monitor.contract.model import Vocabulary
from monitor.domain.bounds import EARLIEST_YEAR, LATEST_YEAR, size_problem, year_problem
from monitor.domain.message import Message
from monitor.domain.text import control_problem


class BadValue(ValueError):
    """A cell that cannot be read; `message` is the reason shown to the user, in 中文 and
    English (the English is the exception's text, what a rejected row stores)."""

    @overload
    def __init__(self, zh: Message) -> None: ...
    @overload
    def __init__(self, zh: str, en: str) -> None: ...
    def __init__(self, zh: str | Message, en: str | None = None) -> None:
        self.message = zh if isinstance(zh, Message) else Message(zh, en or zh)
        super().__init__(self.message.en)


# 2024/9/28 9:05, 2024-09-28 09:05:00, 2024年9月28日 9:05, each with an optional offset.
_LOOSE_TIME = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"[ T]+(\d{1,2})[:：](\d{2})(?:[:：](\d{2})(?:\.(\d{1,6}))?)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?$",
    re.IGNORECASE,
)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str | None:
    """A text cell, trimmed; spreadsheets store 2022001 as a number, which reads as "2022001"."""
    if type(value) is str:  # the common case first: every CSV cell
        return value.strip() or None
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dict | list):
        raise BadValue("应为文本，却是嵌套的 JSON 值", "expected text, got a nested JSON value")
    return str(value).strip()


def parse_id(value: Any) -> str | None:
    """An id cell (ticket, resource, record), read as parse_text reads it; one with a control
    character is refused: it would split the id across lines in every alert, e-mail header,
    log line and export that names it."""
    text = parse_text(value)
    if text is not None:
        problem = control_problem(text)
        if problem is not None:
            raise BadValue(problem)
    return text


def parse_time(value: Any, zone: ZoneInfo) -> datetime | None:
    """A timestamp cell as an aware datetime; one without an offset is in the contract's zone."""
    if type(value) is str:  # the common case first: every CSV cell
        text = value.strip()
        return _parse_time_text(text, zone) if text else None
    if is_blank(value):
        return None
    if isinstance(value, datetime):  # a real spreadsheet date cell: local wall time
        return _checked(value if value.tzinfo else value.replace(tzinfo=zone))
    if isinstance(value, date):
        return _checked(datetime.combine(value, time(0), tzinfo=zone))
    if isinstance(value, time):
        raise BadValue(
            f"单元格只有时刻（{value.isoformat()}），请补上日期",
            f"the cell holds only a time of day ({value.isoformat()}); add the date",
        )
    if not isinstance(value, str):
        raise BadValue(
            f"应为日期和时间，却是 {type(value).__name__} {value!r}",
            f"expected a date and time, got {type(value).__name__} {value!r}",
        )
    return _parse_time_text(value.strip(), zone)


def time_parser(zone: ZoneInfo) -> Callable[[Any], datetime | None]:
    """parse_time(…, zone) as one function, with ISO-8601 text (what most exports hold) read
    straight by datetime.fromisoformat; everything else, and every error, goes the long way."""
    from_iso = datetime.fromisoformat

    def parse(value: Any) -> datetime | None:
        if value == "" or value is None:  # most rows leave most times empty
            return None
        if type(value) is str and (":" in value):
            try:
                parsed = from_iso(value.strip())
            except ValueError:
                return parse_time(value, zone)
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=zone)
            if EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
                return parsed
        return parse_time(value, zone)

    return parse


def _parse_time_text(text: str, zone: ZoneInfo) -> datetime:
    if ":" not in text and "：" not in text:
        raise BadValue(
            f"'{text}' 没有时刻，请写成 YYYY-MM-DD HH:MM",
            f"'{text}' has no time of day; write it as YYYY-MM-DD HH:MM",
        )
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        parsed = _parse_loose(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=zone)
    return _checked(parsed)


def _parse_loose(text: str) -> datetime:
    match = _LOOSE_TIME.match(text)
    if not match:
        raise BadValue(
            f"'{text}' 不是时间，请用 ISO 8601（2024-09-28T09:05:00+08:00）、"
            "YYYY-MM-DD HH:MM[:SS] 或 YYYY/M/D H:MM",
            f"'{text}' is not a time; use ISO 8601 (2024-09-28T09:05:00+08:00), "
            "YYYY-MM-DD HH:MM[:SS] or YYYY/M/D H:MM",
        )
    year, month, day, hour, minute, second, fraction, offset = match.groups()
    try:
        parsed = datetime(
            int(year),
            int(month),
            int(day),
            int(hour),
            int(minute),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
        )
    except ValueError as error:
        raise BadValue(
            f"'{text}' 不是有效的时间（日期或时刻超出范围）",
            f"'{text}' is not a valid time ({error})",
        ) from None
    if offset is None:
        return parsed
    if offset.upper() == "Z":
        return parsed.replace(tzinfo=UTC)
    sign = -1 if offset.startswith("-") else 1
    hours, minutes = int(offset[1:3]), int(offset[-2:])
    # timezone() raises a plain ValueError for a day or more; that is the cell's fault, not ours.
    if hours > 23 or minutes > 59:
        raise BadValue(
            f"'{text}' 不是有效的时间（UTC 偏移 {offset} 超出范围）",
            f"'{text}' is not a valid time (UTC offset {offset} is out of range)",
        )
    return parsed.replace(tzinfo=timezone(sign * timedelta(hours=hours, minutes=minutes)))


def _checked(moment: datetime) -> datetime:
    problem = year_problem(moment.year)  # the plausible years (monitor.domain.bounds)
    if problem is not None:
        raise BadValue(problem)
    return moment


def parse_size_gb(value: Any) -> float | None:
    """A number of gigabytes within the plausible bounds (0 to 10 PB, monitor.domain.bounds)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue("应为 GB 数，却是 true/false", "expected a number of GB, got true/false")
    try:
        number = (
            float(str(value).strip().replace(",", "")) if isinstance(value, str) else float(value)
        )
    except (TypeError, ValueError):
        raise BadValue(f"'{value}' 不是 GB 数", f"'{value}' is not a number of GB") from None
    if not number >= 0 or number == float("inf"):
        raise BadValue(
            f"'{value}' 须为 0 或正的有限 GB 数",
            f"'{value}' must be a finite number of GB, zero or more",
        )
    problem = size_problem(number)
    if problem is not None:
        raise BadValue(problem)
    return number


_REMEMBERED_CELLS = 10_000
# The vocabularies' names in Chinese, for their errors.
_VOCABULARY_ZH = {
    "kind": "类型",
    "severity": "级别",
    "resource class": "资源类别",
    "obligation": "履约事项",
}
_UNSEEN = object()


class VocabularyLookup:
    """Maps any spelling of a key (the key, its Chinese or English name, an alias) to the key;
    `what` names the vocabulary in the error ("kind", "severity", "resource class")."""

    def __init__(self, what: str, spellings: Mapping[str, Iterable[str]]) -> None:
        self._what = what
        self._what_zh = _VOCABULARY_ZH.get(what, what)
        self._keys = list(spellings)
        self._by_spelling: dict[str, str] = {}
        self._by_cell: dict[str, Any] = {}  # a bad spelling is not remembered: it raises
        for key, written in spellings.items():
            for spelling in (key, *written):
                self._by_spelling[spelling.strip().casefold()] = key

    @classmethod
    def of(cls, what: str, vocabulary: Mapping[str, Vocabulary]) -> VocabularyLookup:
        """The lookup of a contract vocabulary (kinds, severities)."""
        return cls(
            what,
            {
                key: (entry.name_zh, entry.name_en, *entry.aliases)
                for key, entry in vocabulary.items()
            },
        )

    def __call__(self, value: Any) -> str | None:
        # The same few spellings fill a whole column: remember what each cell, as written, was.
        if type(value) is str:
            known = self._by_cell.get(value, _UNSEEN)
            if known is _UNSEEN:
                known = self._lookup(value)
                if len(self._by_cell) < _REMEMBERED_CELLS:
                    self._by_cell[value] = known
            return known  # type: ignore[no-any-return]
        return self._lookup(value)

    def _lookup(self, value: Any) -> str | None:
        text = parse_text(value)
        if text is None:
            return None
        key = self._by_spelling.get(text.casefold())
        if key is None:
            if not self._keys:  # e.g. evidence for a contract that names no obligation
                raise BadValue(
                    f"未知的{self._what_zh} '{text}'：合同中没有定义任何{self._what_zh}",
                    f"unknown {self._what} '{text}': the contract names none",
                )
            keys = ", ".join(self._keys)
            raise BadValue(
                f"未知的{self._what_zh} '{text}'，应为以下之一：{keys}",
                f"unknown {self._what} '{text}'; expected one of {keys}",
            )
        return key


def bounded(parse: Callable[[Any], str | None], limit: int) -> Callable[[Any], str | None]:
    """`parse`, refusing text longer than the column that stores it holds (PostgreSQL would
    refuse the whole batch; SQLite would keep it whole)."""

    def parse_bounded(value: Any) -> str | None:
        text = parse(value)
        if text is not None and len(text) > limit:
            raise BadValue(f"超过 {limit} 个字符", f"longer than {limit} characters")
        return text

    return parse_bounded
