"""Help pages filled by display width: lines broken between Chinese characters and at spaces,
never inside a name.

click wraps with textwrap, which breaks only at spaces and hyphens and counts a character as
one column: a Chinese sentence, written without spaces, is one long word cut anywhere (inside
`user_unit` too) and its lines run twice as wide as the page; the line breaks of a docstring
become spaces inside the sentence; and `--password-stdin` is cut at its hyphen. English pages
name Chinese columns and documents too, so `DisplayWidthFormatter` fills both languages.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from click.formatting import HelpFormatter, measure_table

_CJK = "\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef"
# A line takes one of these whole: a `name` or a 《title》, a Chinese character, a run of
# other text, or white space.
_UNIT = re.compile(rf"`[^`\n]*`|《[^》\n]*》|[{_CJK}]|[^\s{_CJK}]+|\s+")
# Punctuation that stays with the character before it, or the one after it.
_NO_LINE_START = frozenset("，。；：、）》」』！？…,.;:)]")
_NO_LINE_END = frozenset("（《「『([")
_CJK_PUNCTUATION = "\u3000-\u303f\uff00-\uffef"
# A docstring's line break inside Chinese, or beside Chinese punctuation, is no space.
_JOINED_LINE = re.compile(
    rf"(?<=[{_CJK}])\n(?=[{_CJK}])|(?<=[{_CJK_PUNCTUATION}])\n|\n(?=[{_CJK_PUNCTUATION}])"
)


def display_width(text: str) -> int:
    """The columns `text` takes in a terminal: two for a wide (Chinese) character."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _units(paragraph: str) -> list[str]:
    units: list[str] = []
    for unit in _UNIT.findall(paragraph):
        if units and (unit[0] in _NO_LINE_START or units[-1][-1] in _NO_LINE_END):
            units[-1] += unit
        else:
            units.append(unit)
    return units


def fill(paragraph: str, width: int, indent: str = "") -> list[str]:
    """`paragraph`'s lines of at most `width` columns, each after `indent`."""
    text = _JOINED_LINE.sub("", paragraph).replace("\n", " ")
    lines, line = [], ""
    for unit in _units(text):
        if line and display_width(indent + line + unit.rstrip()) > width:
            lines.append(line.rstrip())
            line = ""
        if line or not unit.isspace():
            line += unit
    if line.strip():
        lines.append(line.rstrip())
    return [indent + line for line in lines] or [indent]


def fill_paragraphs(text: str, width: int, indent: str = "") -> str:
    """`text`'s paragraphs (apart at blank lines) each filled to `width` columns."""
    paragraphs = [part.strip("\n") for part in re.split(r"\n\s*\n", text.strip("\n"))]
    return "\n\n".join("\n".join(fill(part, width, indent)) for part in paragraphs if part)


class DisplayWidthFormatter(HelpFormatter):
    """click's formatter, its text filled by display width."""

    def write_text(self, text: str) -> None:
        self.write(fill_paragraphs(text, self.width, " " * self.current_indent) + "\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        listed = list(rows)
        first = min(max(measure_table(listed)[0], 0), col_max)
        for name, text in listed:
            self.write(f"{'':>{self.current_indent}}{name}")
            if not text:
                self.write("\n")
                continue
            lead = self.current_indent + first + col_spacing
            if display_width(name) <= first:
                self.write(" " * (first - display_width(name) + col_spacing))
            else:
                self.write("\n" + " " * lead)
            lines = fill_paragraphs(text, max(self.width - lead, 20)).split("\n")
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(f"{' ' * lead}{line}\n" if line else "\n")
