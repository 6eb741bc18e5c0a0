"""Mapping profiles (config/mappings/*.yaml): how another tool's tickets read as slamon's.

A profile names the source's columns (or dotted JSON paths) for slamon's fields, maps values
("1 - Critical" → major), says how the source writes dates and missing values and in which
time zone, and — for a status history — which status values mean waiting, resolved or closed.
A bad profile is refused whole with its file and key, like the contract.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, PrivateAttr, field_validator, model_validator

from collectors.tickets.columns import TICKET_HEADERS
from monitor.contract.clocks import PAUSE_REASONS
from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import YamlFileError, load_yaml_model
from monitor.domain.message import InvalidValue, Message
from monitor.rules.history import Phase

MAPPINGS_DIR = Path(__file__).resolve().parents[2] / "config/mappings"


class ProfileError(YamlFileError):
    """A mapping profile that cannot be used; the message names the file and the key."""


class StatusMeaning(StrictModel):
    """What being in one of the source's status values means for the clocks."""

    phase: Phase | None = Phase.OPEN  # None: not a real status; the row is skipped
    pause: str | None = None  # the pause reason of a waiting status
    responds: bool = False  # the first event in it is the operator's response

    @model_validator(mode="after")
    def _waiting_has_a_reason(self) -> Self:
        if (self.phase is Phase.WAITING) != (self.pause is not None):
            raise InvalidValue(
                Message(
                    "等待状态须写 `pause: 原因`，其他状态不能写 pause",
                    "a waiting status needs `pause: REASON`, and only it may have one",
                )
            )
        if self.pause is not None and self.pause not in PAUSE_REASONS:
            known = ", ".join(PAUSE_REASONS)
            raise InvalidValue(
                Message(
                    f"'{self.pause}' 不是可暂停计时的等待原因，可选：{known}",
                    f"'{self.pause}' is not a pause reason; use one of {known}",
                )
            )
        return self


class Profile(StrictModel):
    """One source's export format, validated."""

    name: str = Field(pattern=r"^[a-z0-9_.-]+$")
    description: str = ""
    timezone: str = "Asia/Shanghai"  # of times written without an offset
    # strptime formats tried first (day-first exports: "%d/%m/%Y %H:%M"); ISO 8601 and the
    # native formats always work too.
    date_formats: tuple[str, ...] = ()
    missing: tuple[str, ...] = ("", "?", "-", "N/A", "n/a", "NULL", "null")
    # source column (or dotted JSON path) → slamon field; several columns may feed one field,
    # the first with a value wins.
    columns: dict[str, str]
    # slamon field → value for every row (e.g. kind: fault)
    constants: dict[str, str] = Field(default_factory=dict)
    # slamon field → {source value: slamon value}
    values: dict[str, dict[str, str]] = Field(default_factory=dict)
    ignore: tuple[str, ...] = ()  # columns known to carry nothing slamon uses
    # A status history: which column holds the status, when it was set, and in what order.
    # Each may list alternatives (an export and an API name the same thing differently); the
    # first one the row has is used.
    status_column: tuple[str, ...] = ()
    event_time_column: tuple[str, ...] = ()
    sequence_column: tuple[str, ...] = ()
    hold_reason_column: tuple[str, ...] = ()  # e.g. ServiceNow's hold_reason beside "On Hold"
    statuses: dict[str, StatusMeaning] = Field(default_factory=dict)
    hold_reasons: dict[str, str] = Field(default_factory=dict)  # hold reason value → pause reason
    _folded: dict[str, StatusMeaning] = PrivateAttr(default_factory=dict)

    def model_post_init(self, _context: Any) -> None:
        self._folded = {key.strip().casefold(): value for key, value in self.statuses.items()}

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise InvalidValue(
                Message(
                    f"'{value}' 不是 IANA 时区名，应如 Asia/Shanghai",
                    f"'{value}' is not an IANA time zone such as Asia/Shanghai",
                )
            ) from None
        return value

    @field_validator(
        "status_column", "event_time_column", "sequence_column", "hold_reason_column", mode="before"
    )
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @field_validator("columns")
    @classmethod
    def _fields(cls, value: dict[str, str]) -> dict[str, str]:
        for column, name in value.items():
            _check_field(name, Message(f"列 '{column}'", f"column '{column}'"))
        return value

    @field_validator("constants", "values")
    @classmethod
    def _keys_are_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        for name in value:
            _check_field(name, Message("键", "key"))
        return value

    @field_validator("hold_reasons")
    @classmethod
    def _reasons(cls, value: dict[str, str]) -> dict[str, str]:
        for hold, reason in value.items():
            if reason not in PAUSE_REASONS:
                raise InvalidValue(
                    Message(
                        f"'{hold}'：'{reason}' 不是可暂停计时的等待原因",
                        f"'{hold}': '{reason}' is not a pause reason",
                    )
                )
        return value

    @model_validator(mode="after")
    def _history_is_complete(self) -> Self:
        if self.status_column and not (self.event_time_column and self.statuses):
            raise InvalidValue(
                Message(
                    "写了 status_column 就须同时写 event_time_column 和 statuses",
                    "status_column needs event_time_column and statuses",
                )
            )
        fed = set(self.columns.values()) | set(self.constants)
        if "ticket_id" not in fed:
            raise InvalidValue(
                Message("没有列映射到 ticket_id（工单号）", "no column is mapped to ticket_id")
            )
        if "kind" not in fed:
            raise InvalidValue(
                Message(
                    "请把一列映射到 kind（工单类型），或设置 constants: {kind: ...}",
                    "map a column to kind, or set constants: {kind: ...}",
                )
            )
        if "reported_at" not in fed and not self.event_time_column:
            raise InvalidValue(
                Message(
                    "请把一列映射到 reported_at（报告时间），或提供状态历史",
                    "map a column to reported_at (or give a status history)",
                )
            )
        return self

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def known_columns(self) -> set[str]:
        history = (
            *self.status_column,
            *self.event_time_column,
            *self.sequence_column,
            *self.hold_reason_column,
        )
        return {*self.columns, *self.ignore, *history}

    def status(self, value: str) -> StatusMeaning | None:
        """The meaning of a status value (case and surrounding spaces do not matter)."""
        return self._folded.get(value.strip().casefold())


def _check_field(name: str, where: Message) -> None:
    if name not in TICKET_HEADERS:
        known = ", ".join(TICKET_HEADERS)
        raise InvalidValue(
            Message(
                f"{where.zh}：'{name}' 不是 slamon 的工单字段，可选：{known}",
                f"{where.en}: '{name}' is not a slamon ticket field; use one of {known}",
            )
        )


def profile_path(name_or_path: str) -> Path:
    """A profile named in config/mappings (`servicenow`) or a YAML file's path."""
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path:
        return Path(name_or_path)
    return MAPPINGS_DIR / f"{name_or_path}.yaml"


def available_profiles() -> list[str]:
    return sorted(path.stem for path in MAPPINGS_DIR.glob("*.yaml"))


def load_profile(name_or_path: str) -> Profile:
    path = profile_path(name_or_path)
    if not path.exists():
        known = ", ".join(available_profiles())
        raise ProfileError(
            path,
            Message(
                f"没有这个映射配置（随附：{known}）", f"no such mapping profile (shipped: {known})"
            ),
        )
    return load_yaml_model(path, Profile, "the mapping profile", ProfileError)
