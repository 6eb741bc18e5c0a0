"""One row of another tool's export → slamon ticket fields and a status event, by a profile."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Any

from collectors.files.import_report import REQUIRED, RowProblem, too_long
from collectors.files.values import (
    BadValue,
    VocabularyLookup,
    parse_id,
    parse_size_gb,
    parse_text,
    parse_time,
)
from collectors.tickets.columns import REQUIRED_FIELDS, TIME_FIELDS
from collectors.tickets.profile import Profile
from monitor.contract.model import Contract
from monitor.domain.message import Message
from monitor.storage.tickets import TEXT_LIMITS

Parser = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class EventCells:
    """The status-history part of a row: when, in which order, which status."""

    at: datetime
    sequence: int | None
    status: str
    hold_reason: str | None


@dataclass(frozen=True, slots=True)
class MappedRow:
    line: int
    values: dict[str, Any]  # slamon field → typed value (only the fields the row carries)
    event: EventCells | None


class TimeParser:
    """The profile's date formats first (day-first, no seconds …), then ISO and slamon's own.

    Exports repeat the same strings thousands of times (opened_at on every event), so each
    distinct string is parsed once.
    """

    def __init__(self, profile: Profile) -> None:
        self._formats = profile.date_formats
        self._zone = profile.zone
        self._seen: dict[str, datetime | None] = {}

    def __call__(self, value: Any) -> datetime | None:
        if not isinstance(value, str):
            return parse_time(value, self._zone)
        known = self._seen.get(value, _UNSEEN)
        if known is not _UNSEEN:
            return known  # type: ignore[return-value]
        parsed = self._parse(value.strip())
        if len(self._seen) < 500_000:
            self._seen[value] = parsed
        return parsed

    def _parse(self, text: str) -> datetime | None:
        for layout in self._formats:
            try:
                moment = datetime.strptime(text, layout)
            except ValueError:
                continue
            return parse_time(
                moment if moment.tzinfo else moment.replace(tzinfo=self._zone), self._zone
            )
        try:
            return parse_time(text, self._zone)
        except BadValue:
            if not self._formats:
                raise
            formats = ", ".join(self._formats)
            raise BadValue(
                f"'{text}' 不符合映射配置的任何日期格式（{formats}）",
                f"'{text}' matches none of the profile's date formats ({formats})",
            ) from None


_UNSEEN = object()


class RowMapper:
    """Reads rows with one profile against one contract."""

    def __init__(self, profile: Profile, contract: Contract) -> None:
        self.profile = profile
        self._missing = frozenset(profile.missing)
        self._time = TimeParser(profile)
        by_field: dict[str, list[str]] = {}
        for column, name in profile.columns.items():
            by_field.setdefault(name, []).append(column)
        self._plan = [
            (name, columns, self._parser(name, contract)) for name, columns in by_field.items()
        ]
        self._constants = [
            (name, self._parser(name, contract)(value)) for name, value in profile.constants.items()
        ]

    def _parser(self, name: str, contract: Contract) -> Parser:
        mapped = self.profile.values.get(name, {})
        folded = {key.strip().casefold(): value for key, value in mapped.items()}
        base: Parser
        if name in TIME_FIELDS:
            base = self._time
        elif name == "kind":
            base = VocabularyLookup.of("kind", contract.kinds)
        elif name == "severity":
            base = VocabularyLookup.of("severity", contract.severities)
        elif name == "restore_size_gb":
            base = parse_size_gb
        elif name == "ticket_id":
            base = parse_id
        else:
            base = parse_text
        if not folded:
            return base
        return partial(_mapped_then, folded, base)

    def unknown_columns(self, headers: list[str]) -> list[str]:
        known = self.profile.known_columns()
        return [header for header in headers if header and header not in known]

    def missing_columns(self, headers: list[str]) -> list[str]:
        """Required fields no header feeds (a constant or the status history may feed them)."""
        present = set(headers)
        fed = {name for column, name in self.profile.columns.items() if column in present}
        fed |= set(self.profile.constants)
        if present & set(self.profile.event_time_column):
            fed.add("reported_at")  # the first event's time stands in
        missing = [name for name in REQUIRED_FIELDS if name not in fed]
        for columns in (self.profile.status_column, self.profile.event_time_column):
            if columns and not present & set(columns):
                missing.append(" / ".join(columns))
        return missing

    def blank(self, value: Any) -> bool:
        return value is None or (isinstance(value, str) and value.strip() in self._missing)

    def map(self, line: int, cells: dict[str, Any]) -> MappedRow | list[RowProblem] | None:
        """The row's fields and event, its problems, or None for a status the profile skips."""
        ticket_id = self._ticket_id(cells)
        structural = cells.get("__error__")
        if structural:
            return [RowProblem(line, ticket_id, None, structural)]
        values: dict[str, Any] = dict(self._constants)
        problems: list[RowProblem] = []
        for name, columns, parse in self._plan:
            cell = next((cells[c] for c in columns if not self.blank(cells.get(c))), None)
            try:
                value = parse(cell)
            except BadValue as error:
                problems.append(RowProblem(line, ticket_id, _label(columns, name), error.message))
                continue
            longest = TEXT_LIMITS.get(name)
            if longest is not None and value is not None and len(value) > longest:
                reason = too_long(len(value), longest)
                problems.append(RowProblem(line, ticket_id, _label(columns, name), reason))
            if value is not None or name not in values:
                values[name] = value
        event = self._event(line, ticket_id, cells, problems)
        if event is None and not problems and self.profile.status_column:
            return None
        for name in REQUIRED_FIELDS:
            stands_in = name == "reported_at" and event is not None  # the first event's time
            reported = any(p.column and name in p.column for p in problems)
            if values.get(name) is None and not stands_in and not reported:
                problems.append(RowProblem(line, ticket_id, name, REQUIRED))
        if problems:
            return problems
        return MappedRow(line, values, event)

    def _cell(self, cells: dict[str, Any], columns: tuple[str, ...]) -> tuple[str, Any]:
        """The first of the alternative columns with a value: (column, value)."""
        for column in columns:
            if not self.blank(cells.get(column)):
                return column, cells[column]
        return (columns[0] if columns else ""), None

    def _event(
        self, line: int, ticket_id: str | None, cells: dict[str, Any], problems: list[RowProblem]
    ) -> EventCells | None:
        profile = self.profile
        if not profile.status_column:
            return None
        column, value = self._cell(cells, profile.status_column)
        status = parse_text(value)
        if status is None:
            problems.append(RowProblem(line, ticket_id, column, REQUIRED))
            return None
        meaning = profile.status(status)
        if meaning is None:
            known = ", ".join(profile.statuses)
            reason = Message(
                f"未知的状态 '{status}'，映射配置认识的状态：{known}",
                f"unknown status '{status}'; the profile knows {known}",
            )
            problems.append(RowProblem(line, ticket_id, column, reason))
            return None
        if meaning.phase is None:
            return None  # a placeholder the source writes for "no status"
        column, value = self._cell(cells, profile.event_time_column)
        try:
            at = self._time(value)
        except BadValue as error:
            problems.append(RowProblem(line, ticket_id, column, error.message))
            return None
        if at is None:
            problems.append(RowProblem(line, ticket_id, column, REQUIRED))
            return None
        column, value = self._cell(cells, profile.sequence_column)
        try:
            sequence = _whole_number(value)
        except BadValue as error:
            problems.append(RowProblem(line, ticket_id, column, error.message))
            return None
        hold = parse_text(self._cell(cells, profile.hold_reason_column)[1])
        return EventCells(at, sequence, status, hold)

    def _ticket_id(self, cells: dict[str, Any]) -> str | None:
        for column, name in self.profile.columns.items():
            if name == "ticket_id" and not self.blank(cells.get(column)):
                try:
                    return parse_text(cells.get(column))
                except BadValue:
                    return None
        return None


def _whole_number(value: Any) -> int | None:
    text = parse_text(value)
    if text is None:
        return None
    try:
        return int(float(text))
    except ValueError:
        raise BadValue(f"'{text}' 不是整数", f"'{text}' is not a whole number") from None


def _mapped_then(mapped: dict[str, str], base: Parser, value: Any) -> Any:
    if isinstance(value, str):
        value = mapped.get(value.strip().casefold(), value)
    return base(value)


def _label(columns: list[str], name: str) -> str:
    return f"{' / '.join(columns)} ({name})"
