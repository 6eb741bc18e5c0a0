"""One year's days written into a contract file's calendar.years, the rest of the file kept
byte for byte.

The file is edited as text at the places PyYAML's composer marks: the year's entry is
replaced if present and added if absent (`years: {}` becomes a block), comments and layout
elsewhere untouched. The edited text must load to exactly the old data with that one entry
set, and validate as a contract, before it replaces the file.
"""

from __future__ import annotations

import copy
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode

from collectors.calendar.notice import HolidayNotice
from monitor.contract.model import ContractError, load_contract
from monitor.domain.message import Message, MessageError, os_reason


class CalendarWriteError(MessageError):
    """The contract file cannot be edited safely; nothing was written. `message` says why
    in both languages."""


@dataclass(frozen=True, slots=True)
class LabelledDay:
    """A day and what it is for, written as the comment beside it (元旦, 春节 …)."""

    day: date
    label: str


@dataclass(frozen=True, slots=True)
class DeclaredYear:
    """The calendar.years entry of one year: its days off and make-up working days."""

    year: int
    holidays: tuple[LabelledDay, ...]
    workdays: tuple[LabelledDay, ...]
    note: str = ""  # the comment on the year's line, e.g. the notice's title

    def as_data(self) -> dict[str, list[date]]:
        return {
            "holidays": [d.day for d in self.holidays],
            "workdays": [d.day for d in self.workdays],
        }


def write_calendar_year(path: Path, declared: DeclaredYear) -> None:
    """Set calendar.years.<year> in the contract file at `path`, atomically."""
    target = path.resolve()
    try:
        raw = target.read_bytes()
    except OSError as problem:
        raise CalendarWriteError(
            Message(
                f"无法读取 {path}（{os_reason(problem).zh}）",
                f"cannot read {path} ({problem.strerror})",
            )
        ) from None
    bom = raw.startswith(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CalendarWriteError(
            Message(f"{path}：不是 UTF-8 文本", f"{path}: is not UTF-8 text")
        ) from None
    edited = contract_with_year(text, declared)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write((b"\xef\xbb\xbf" if bom else b"") + edited.encode("utf-8"))
        try:
            load_contract(temporary)
        except ContractError as problem:
            raise CalendarWriteError(
                Message(
                    "写入后合同将无效，未写入：" + _problems_zh(problem),
                    f"the contract would not be valid, nothing written: {problem.summary}; "
                    + "; ".join(f"{p.where}: {p.expected}" for p in problem.problems),
                )
            ) from None
        shutil.copymode(target, temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _problems_zh(error: ContractError) -> str:
    """The refused contract's problems in Chinese, on one line."""
    lead = error.message.zh.splitlines()[0].split("：", 1)[-1]
    return "；".join([lead, *(f"{p.where}：{p.expected_zh or p.expected}" for p in error.problems)])


def contract_with_year(text: str, declared: DeclaredYear) -> str:
    """The contract text with calendar.years.<year> set; CalendarWriteError if the edit
    would change anything else."""
    try:
        old = yaml.safe_load(text)
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as problem:
        raise CalendarWriteError(
            Message(f"不是有效的 YAML：{problem}", f"not valid YAML: {problem}")
        ) from None
    if root is None:
        old, edited = {}, _appended(text, _block(["calendar", "years"], declared, 0, 2))
    elif not isinstance(root, MappingNode):
        raise CalendarWriteError(Message("合同的顶层不是键值映射", "the contract is not a mapping"))
    else:
        editor = _Editor(text, declared, _indent_step(root))
        edited = editor.set(root, ["calendar", "years", declared.year])
    if yaml.safe_load(edited) != _expected(old, declared):
        raise CalendarWriteError(
            Message(
                "无法安全地改写此文件的 calendar 部分，未写入；请手工添加 "
                f"calendar.years.{declared.year}",
                "cannot edit this file's calendar section safely; nothing written: add "
                f"calendar.years.{declared.year} by hand",
            )
        )
    return edited


def _expected(old: Any, declared: DeclaredYear) -> Any:
    expected = copy.deepcopy(old) if isinstance(old, dict) else {}
    calendar = expected.setdefault("calendar", {})
    years = calendar.setdefault("years", {}) if isinstance(calendar, dict) else None
    if not isinstance(years, dict):
        return None  # nothing to compare with: refused
    for key in (declared.year, str(declared.year)):
        years.pop(key, None)
    years[declared.year] = declared.as_data()
    return expected


class _Editor:
    """Splices one entry into the text at a key path, one mapping level at a time."""

    def __init__(self, text: str, declared: DeclaredYear, step: int) -> None:
        self.text = text
        self.declared = declared
        self.step = step
        self.newline = "\r\n" if "\r\n" in text else "\n"

    def set(self, mapping: MappingNode, path: list[str | int]) -> str:
        key, rest = path[0], path[1:]
        entry = _entry(mapping, key)
        if mapping.flow_style:
            return self._set_in_flow(mapping, path)
        if entry is None:
            # A new key after the mapping's last entry, at its entries' indentation.
            column = mapping.value[0][0].start_mark.column
            at = _after_line(self.text, _content_end(mapping))
            return self._insert(at, _block(path, self.declared, column, self.step))
        key_node, value = _own_value(entry)
        if not rest:
            start = _line_start(self.text, key_node)
            end = _after_line(self.text, _content_end(value))
            lines = _block(path, self.declared, key_node.start_mark.column, self.step)
            return self.text[:start] + self._lines(lines) + self.text[end:]
        if not isinstance(value, MappingNode):
            raise CalendarWriteError(_not_a_mapping(key))
        if value.flow_style and not value.value:
            return self._empty_flow_to_block(key_node, value, rest)
        return self.set(value, rest)

    def _set_in_flow(self, mapping: MappingNode, path: list[str | int]) -> str:
        key, rest = path[0], path[1:]
        entry = _entry(mapping, key)
        if entry is None:
            item = _flow(path, self.declared)
            if not mapping.value:
                start, end = mapping.start_mark.index, mapping.end_mark.index
                return self.text[:start] + "{" + item + "}" + self.text[end:]
            at = _content_end(mapping.value[-1][1])
            return self.text[:at] + ", " + item + self.text[at:]
        key_node, value = _own_value(entry)
        if not rest:
            start, end = key_node.start_mark.index, value.end_mark.index
            return self.text[:start] + _flow(path, self.declared) + self.text[end:]
        if not isinstance(value, MappingNode):
            raise CalendarWriteError(_not_a_mapping(key))
        return self._set_in_flow(value, rest)

    def _empty_flow_to_block(
        self, key_node: Node, value: MappingNode, rest: list[str | int]
    ) -> str:
        """`years: {}` becomes `years:` with the new entry below it, the line's comment kept."""
        start, end = value.start_mark.index, value.end_mark.index
        line_rest = self.text[end : _after_line(self.text, end)].strip()
        if line_rest and not line_rest.startswith("#"):
            return self._set_in_flow(value, rest)
        while start > 0 and self.text[start - 1] in " \t":
            start -= 1
        head = self.text[:start] + self.text[end:]
        at = _after_line(head, start)
        block = _block(rest, self.declared, key_node.start_mark.column + self.step, self.step)
        return head[:at] + self._with_break(head, at) + self._lines(block) + head[at:]

    def _insert(self, at: int, lines: list[str]) -> str:
        return (
            self.text[:at] + self._with_break(self.text, at) + self._lines(lines) + self.text[at:]
        )

    def _with_break(self, text: str, at: int) -> str:
        # Text that ends without a line break gets one before the new lines.
        return self.newline if at == len(text) and text and not text.endswith("\n") else ""

    def _lines(self, lines: list[str]) -> str:
        return "".join(line + self.newline for line in lines)


def _entry(mapping: MappingNode, key: str | int) -> tuple[Node, Node] | None:
    for key_node, value in mapping.value:
        if isinstance(key_node, ScalarNode) and key_node.value == str(key):
            return key_node, value
    return None


def _not_a_mapping(key: str | int) -> Message:
    return Message(f"{key} 不是键值映射", f"{key} is not a mapping")


def _own_value(entry: tuple[Node, Node]) -> tuple[Node, Node]:
    """The entry, if its value is written after its key: an alias (*name) points back to text
    that other keys share, and editing it would change them too."""
    key_node, value = entry
    if value.start_mark.index < key_node.end_mark.index:
        raise CalendarWriteError(
            Message(
                f"{key_node.value} 是别名（*…），无法安全改写，请手工修改",
                f"{key_node.value} is an alias; edit it by hand",
            )
        )
    return key_node, value


def _block(path: Sequence[str | int], declared: DeclaredYear, column: int, step: int) -> list[str]:
    """The key path as nested block mappings, the year's lists one day a line."""
    lines = []
    for depth, key in enumerate(path[:-1]):
        lines.append(" " * (column + depth * step) + f"{key}:")
    indent = " " * (column + (len(path) - 1) * step)
    note = f"  # {' '.join(declared.note.split())}" if declared.note.strip() else ""
    lines.append(f"{indent}{path[-1]}:{note}")
    inner = indent + " " * step
    for name, days in (("holidays", declared.holidays), ("workdays", declared.workdays)):
        if not days:
            lines.append(f"{inner}{name}: []")
            continue
        lines.append(f"{inner}{name}:")
        lines.extend(
            f"{inner}{' ' * step}- {d.day.isoformat()}  # {' '.join(d.label.split())}" for d in days
        )
    return lines


def _flow(path: Sequence[str | int], declared: DeclaredYear) -> str:
    """The key path as one flow entry: `years: {2027: {holidays: [...], workdays: [...]}}`."""
    holidays = ", ".join(d.day.isoformat() for d in declared.holidays)
    workdays = ", ".join(d.day.isoformat() for d in declared.workdays)
    value = f"{{holidays: [{holidays}], workdays: [{workdays}]}}"
    for key in reversed(path[1:]):
        value = f"{{{key}: {value}}}"
    return f"{path[0]}: {value}"


def _appended(text: str, lines: list[str]) -> str:
    newline = "\r\n" if "\r\n" in text else "\n"
    head = text if not text or text.endswith("\n") else text + newline
    return head + "".join(line + newline for line in lines)


def _indent_step(root: MappingNode) -> int:
    """How far the file indents a nested block mapping (2 unless it shows otherwise)."""
    for key_node, value in root.value:
        if isinstance(value, MappingNode) and not value.flow_style and value.value:
            step = int(value.value[0][0].start_mark.column - key_node.start_mark.column)
            if step > 0:
                return step
    return 2


def _content_end(node: Node) -> int:
    """Where a node's own text ends: a block collection's end mark lies past the comments
    and blank lines that follow it."""
    if isinstance(node, ScalarNode) or getattr(node, "flow_style", False):
        return int(node.end_mark.index)
    children: list[Node] = (
        [part for pair in node.value for part in pair]
        if isinstance(node, MappingNode)
        else list(node.value)
    )
    if not children:
        return int(node.end_mark.index)
    return max(_content_end(child) for child in children)


def _line_start(text: str, key_node: Node) -> int:
    index = int(key_node.start_mark.index)
    start = text.rfind("\n", 0, index) + 1
    if text[start:index].strip():
        raise CalendarWriteError(
            Message(
                "无法安全地改写这种排版，未写入", "cannot edit this layout safely; nothing written"
            )
        )
    return start


def _after_line(text: str, index: int) -> int:
    """The start of the line after the one `index` is on (a block scalar's end already is)."""
    if index > 0 and text[index - 1] == "\n":
        return index
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def declared_from_notice(notice: HolidayNotice) -> DeclaredYear:
    """The notice's days in its own year (the entry's validator admits no others), each
    labelled with its festival."""

    def labelled(days: tuple[date, ...]) -> tuple[LabelledDay, ...]:
        return tuple(
            LabelledDay(day, "、".join(notice.festivals_on(day)))
            for day in days
            if day.year == notice.year
        )

    return DeclaredYear(
        notice.year, labelled(notice.holidays), labelled(notice.workdays), notice.title or ""
    )
