"""What importing one file reports: the problems of each rejected row, the counts, the exit code.

Every file importer (tickets, tickets through a mapping profile, records) fills an
ImportReport and names its rows' problems with RowProblem, so `slamon import …` prints and
exits alike whatever the file holds.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from collectors.files.long_text import shortened
from monitor.domain.text import escaped

# 0: every row stored; 3: some rows rejected (the good ones stored); 2: nothing stored.
EXIT_OK, EXIT_UNREADABLE, EXIT_REJECTED_ROWS = 0, 2, 3
# A problem's line and a rejected row's stored reasons are cut short past these (a reason can
# quote a cell of thousands of characters); the row's cells are kept in rejected_row.raw.
LINE_CHARS, REASON_CHARS = 500, 2_000


class ImportFileError(Exception):
    """The whole file is unusable (unreadable, or headers we do not know); nothing was stored."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of one row: its line, the row's key, the column, what is wrong."""

    line: int
    key: str | None  # the ticket id, or the record's key, when the row has one
    column: str | None
    reason: str
    noun: str = "ticket"  # what the key is called in messages: ticket, record, unit …

    def describe(self) -> str:
        where = f"line {self.line}"
        if self.key:
            where += f", {self.noun} {escaped(self.key)}"  # a bad id stays on its line
        if self.column:
            where += f", column {self.column}"
        return shortened(f"{where}: {self.reason}", LINE_CHARS)


@dataclass
class ImportReport:
    """The outcome of importing one file."""

    path: Path
    source: str
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicate_rows: int = 0  # rows repeating an earlier row's key: the last one wins
    rejected_rows: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def exit_code(self) -> int:
        return EXIT_REJECTED_ROWS if self.rejected_rows else EXIT_OK


def rejected_reasons(problems: Sequence[RowProblem]) -> dict[str, Any]:
    """The rejected_row columns that say what is wrong with a row: its columns and reasons."""
    return {
        "column_name": ", ".join(p.column for p in problems if p.column)[:100] or None,
        "reason": shortened(
            "; ".join(f"{p.column}: {p.reason}" if p.column else p.reason for p in problems),
            REASON_CHARS,
        ),
    }


def raw_json(cells: Mapping[str, Any]) -> str:
    """A rejected row's cells as rejected_row.raw keeps them: JSON, dates and times ISO 8601."""
    return json.dumps(cells, ensure_ascii=False, default=_json_cell)


def _json_cell(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime | date) else str(value)
