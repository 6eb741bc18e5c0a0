"""A report's tables, independent of the output format: the titled block and its cells."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from monitor.domain.message import Message
from monitor.report.words import NONE

Cell = str | float | int | None


@dataclass(frozen=True, slots=True)
class Block:
    """One table of the report; `sheet` is its short name (an XLSX sheet holds ≤ 31 chars)."""

    sheet: str
    title: str
    headers: list[str]
    rows: list[list[Cell]]
    empty_text: str = "无"


def worded(
    sheet: Message, title: Message, headers: Iterable[Message], rows: list[list[Cell]], lang: str
) -> Block:
    """A block whose words are given in both languages, in `lang` ("zh" or "en")."""
    return Block(
        sheet.in_language(lang),
        title.in_language(lang),
        texts(headers, lang),
        rows,
        NONE.in_language(lang),
    )


def texts(messages: Iterable[Message], lang: str) -> list[str]:
    """A block's headers (or any list of words) in `lang` ("zh" or "en")."""
    return [message.in_language(lang) for message in messages]


def listing(items: Iterable[str], lang: str) -> str:
    """Items one after another as the language lists them: 甲、乙 / a, b."""
    return ("、" if lang == "zh" else ", ").join(items)
