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
from monitor.domain.message import Message, MessageError
from monitor.domain.text import escaped

# 0: every row stored; 3: some rows rejected (the good ones stored); 2: nothing stored.
EXIT_OK, EXIT_UNREADABLE, EXIT_REJECTED_ROWS = 0, 2, 3
# A problem's line and a rejected row's stored reasons are cut short past these (a reason can
# quote a cell of thousands of characters); the row's cells are kept in rejected_row.raw.
LINE_CHARS, REASON_CHARS = 500, 2_000


class ImportFileError(MessageError):
    """The whole file is unusable (unreadable, or headers we do not know); nothing was stored."""


def headers_refused(
    path: Path, unknown: Sequence[str], missing: Sequence[str], accepted: str
) -> ImportFileError:
    """The file's headers include some we do not know or lack required ones."""
    zh, en = [], []
    if unknown:
        zh.append(f"未知列：{', '.join(unknown)}")
        en.append(f"unknown column(s): {', '.join(unknown)}")
    if missing:
        zh.append(f"缺少必填列：{', '.join(missing)}")
        en.append(f"missing required column(s): {', '.join(missing)}")
    return file_refused(Message(f"{path}：{'；'.join(zh)}", f"{path}: {'; '.join(en)}"), accepted)


def file_refused(problem: Message, accepted: str) -> ImportFileError:
    """A file nothing was imported from; `accepted` lists the headers we know: whatever
    stopped the file, the user's next step is a file with those."""
    return ImportFileError(
        Message(
            f"{problem.zh}。未导入任何数据。\n可用的表头（英文 / 中文）：\n{accepted}",
            f"{problem.en}. Nothing was imported.\nAccepted headers (English / 中文):\n{accepted}",
        )
    )


def column_twice(path: Path, label: str) -> ImportFileError:
    """Two of the file's headers name the same column."""
    return ImportFileError(
        Message(
            f"{path}：有两列都是 {label}，请只保留一列",
            f"{path}: two columns are both {label}; keep one",
        )
    )


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem of one row: its line, the row's key, the column, what is wrong (in 中文 and
    English; `reason` is the English, what a rejected row stores and the API answers)."""

    line: int
    key: str | None  # the ticket id, or the record's key, when the row has one
    column: str | None
    message: Message
    noun: str = "ticket"  # what the key is called in messages: ticket, record, unit …

    @property
    def reason(self) -> str:
        return self.message.en

    def describe(self, lang: str = "en") -> str:
        """The problem on one line in `lang` ("zh" or "en"), with its line, key and column."""
        key = escaped(self.key) if self.key else None  # a bad id stays on its line
        if lang == "zh":
            where = f"第 {self.line} 行"
            if key:
                where += f"，{NOUNS_ZH.get(self.noun, self.noun)} {key}"
            if self.column:
                where += f"，列 {self.column}"
            return shortened(f"{where}：{self.message.zh}", LINE_CHARS)
        where = f"line {self.line}"
        if key:
            where += f", {self.noun} {key}"
        if self.column:
            where += f", column {self.column}"
        return shortened(f"{where}: {self.message.en}", LINE_CHARS)


# What a row's key is called in Chinese messages, by its English noun.
NOUNS_ZH = {
    "ticket": "工单",
    "record": "记录",
    "unit": "单位",
    "resource": "资源",
    "pool/resource": "资源池/资源",
    "item": "服务项",
    "person": "值班人员",
}
# The reason of a required field left empty.
REQUIRED = Message("必填项为空", "required but empty")


def too_long(length: int, longest: int) -> Message:
    """Why text of `length` characters does not fit a column of `longest`."""
    return Message(
        f"{length} 个字符，最多只能存 {longest} 个", f"{length} characters; at most {longest} fit"
    )


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
