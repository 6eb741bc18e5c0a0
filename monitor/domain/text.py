"""Control characters in text that crosses a boundary: found in an id, shown, kept to one line."""

from __future__ import annotations

import re

from monitor.domain.message import Message

# C0 (NUL, TAB, LF, CR …), DEL, C1 (NEL …), the Unicode line and paragraph separators, and
# lone surrogates (a JSON "\udc00" decodes to one; no database or UTF-8 file can hold it).
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CONTROL_RUN = re.compile(CONTROL.pattern + "+")


def escaped(text: str, pattern: re.Pattern[str] = CONTROL) -> str:
    """`text` with each character `pattern` finds written as its escape: \\n, \\x00, \\udc00."""
    return pattern.sub(lambda found: repr(found.group())[1:-1], text)


def control_problem(text: str) -> Message | None:
    """Why `text` cannot be an id (its first control character, and where), or None if it can."""
    found = CONTROL.search(text)
    if found is None:
        return None
    shown = f"U+{ord(found.group()):04X}"
    place = found.start() + 1
    return Message(
        f"第 {place} 个字符是控制字符 {shown}，编号中不能有控制字符",
        f"control character {shown} at position {place}; ids may not contain one",
    )


def one_line(text: str) -> str:
    """`text` on one line: each run of control characters (line breaks too) is one space."""
    return _CONTROL_RUN.sub(" ", text)
