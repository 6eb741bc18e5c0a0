"""Output for people: aligned tables that count CJK characters as two columns, local times."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A plain-text table; columns listed in `right` are right-aligned (numbers)."""
    widths = [display_width(header) for header in headers]
    for row in rows:
        widths = [max(width, display_width(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = [
        "  ".join(
            _pad(h, w, i in right) for i, (h, w) in enumerate(zip(headers, widths, strict=True))
        ).rstrip(),
        "  ".join("─" * width for width in widths),
    ]
    for row in rows:
        cells = zip(row, widths, strict=True)
        lines.append("  ".join(_pad(c, w, i in right) for i, (c, w) in enumerate(cells)).rstrip())
    return "\n".join(lines)


def local_time(moment: datetime | None, zone: ZoneInfo) -> str:
    """'2022-08-10 11:41' in the contract's zone, or '—' when absent."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment is not None else "—"


def iso_or_none(moment: datetime | None, zone: ZoneInfo) -> str | None:
    """ISO 8601 with the contract zone's offset, for machine output."""
    return moment.astimezone(zone).isoformat() if moment is not None else None
