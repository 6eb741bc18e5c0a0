"""One pydantic validation error worded for people in both languages.

Our validators raise InvalidValue, which carries both texts, and pydantic keeps it in the
error's details; pydantic's own errors (a number that is not one, a value out of range, a
choice not offered) are worded in Chinese here from their type and context, and keep
pydantic's English.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from pydantic_core import ErrorDetails

from monitor.domain.message import Message, MessageError

Words = Callable[[dict[str, Any]], str]

_DATE = "日期，如 2022-10-01"
_DATETIME = "带时区的时间，如 2022-10-01T08:30:00+08:00"
_TIME = "时刻，如 08:30"

# What pydantic's error type says in Chinese, from its context (`ctx`).
_ZH: dict[str, Words] = {
    "missing": lambda ctx: "缺少必填的键",
    "extra_forbidden": lambda ctx: "未知的键（请检查拼写）",
    "int_type": lambda ctx: "应为整数",
    "int_parsing": lambda ctx: "应为整数",
    "int_parsing_size": lambda ctx: "整数超出可用范围",
    "int_from_float": lambda ctx: "应为整数，不能带小数",
    "float_type": lambda ctx: "应为数字",
    "float_parsing": lambda ctx: "应为数字",
    "finite_number": lambda ctx: "应为有限的数字",
    "decimal_type": lambda ctx: "应为十进制数",
    "decimal_parsing": lambda ctx: "应为十进制数",
    "decimal_max_digits": lambda ctx: f"数字位数最多 {ctx.get('max_digits')} 位",
    "decimal_max_places": lambda ctx: f"小数位数最多 {ctx.get('decimal_places')} 位",
    "decimal_whole_digits": lambda ctx: f"整数部分最多 {ctx.get('whole_digits')} 位",
    "bool_type": lambda ctx: "应为 true 或 false",
    "bool_parsing": lambda ctx: "应为 true 或 false",
    "string_type": lambda ctx: "应为文本",
    "string_unicode": lambda ctx: "应为 UTF-8 文本",
    "string_too_short": lambda ctx: f"至少需要 {ctx.get('min_length')} 个字符",
    "string_too_long": lambda ctx: f"最多 {ctx.get('max_length')} 个字符",
    "string_pattern_mismatch": lambda ctx: f"格式不符，应符合 {ctx.get('pattern')}",
    "list_type": lambda ctx: "应为列表",
    "tuple_type": lambda ctx: "应为列表",
    "set_type": lambda ctx: "应为列表",
    "frozen_set_type": lambda ctx: "应为列表",
    "iterable_type": lambda ctx: "应为列表",
    "dict_type": lambda ctx: "应为键值映射",
    "model_type": lambda ctx: "应为键值映射",
    "model_attributes_type": lambda ctx: "应为键值映射",
    "dataclass_type": lambda ctx: "应为键值映射",
    "too_short": lambda ctx: (
        f"至少需要 {ctx.get('min_length')} 项，现有 {ctx.get('actual_length')} 项"
    ),
    "too_long": lambda ctx: f"最多 {ctx.get('max_length')} 项，现有 {ctx.get('actual_length')} 项",
    "greater_than": lambda ctx: f"应大于 {_number(ctx.get('gt'))}",
    "greater_than_equal": lambda ctx: f"应不小于 {_number(ctx.get('ge'))}",
    "less_than": lambda ctx: f"应小于 {_number(ctx.get('lt'))}",
    "less_than_equal": lambda ctx: f"应不大于 {_number(ctx.get('le'))}",
    "multiple_of": lambda ctx: f"应为 {_number(ctx.get('multiple_of'))} 的整数倍",
    "literal_error": lambda ctx: f"应为以下取值之一：{_choices(ctx)}",
    "enum": lambda ctx: f"应为以下取值之一：{_choices(ctx)}",
    "date_type": lambda ctx: f"应为{_DATE}",
    "date_parsing": lambda ctx: f"应为{_DATE}",
    "date_from_datetime_parsing": lambda ctx: f"应为{_DATE}",
    "date_from_datetime_inexact": lambda ctx: f"应为{_DATE}，不带时刻",
    "date_past": lambda ctx: "应为过去的日期",
    "date_future": lambda ctx: "应为将来的日期",
    "datetime_type": lambda ctx: f"应为{_DATETIME}",
    "datetime_parsing": lambda ctx: f"应为{_DATETIME}",
    "datetime_from_date_parsing": lambda ctx: f"应为{_DATETIME}",
    "datetime_object_invalid": lambda ctx: f"应为{_DATETIME}",
    "timezone_aware": lambda ctx: "应带时区，如 +08:00",
    "timezone_naive": lambda ctx: "不应带时区",
    "time_type": lambda ctx: f"应为{_TIME}",
    "time_parsing": lambda ctx: f"应为{_TIME}",
    "time_delta_type": lambda ctx: "应为时长，如 30m 或 2h",
    "time_delta_parsing": lambda ctx: "应为时长，如 30m 或 2h",
    "url_type": lambda ctx: "应为网址，如 https://example.gov.cn/",
    "url_parsing": lambda ctx: "应为网址，如 https://example.gov.cn/",
    "url_syntax_violation": lambda ctx: "网址写法有误",
    "url_too_long": lambda ctx: f"网址最长 {ctx.get('max_length')} 个字符",
    "url_scheme": lambda ctx: f"网址须以 {_choices(ctx, 'expected_schemes')} 开头",
    "uuid_type": lambda ctx: "应为 UUID",
    "uuid_parsing": lambda ctx: "应为 UUID",
    "ip_any_address": lambda ctx: "应为 IP 地址",
    "ip_v4_address": lambda ctx: "应为 IPv4 地址",
    "ip_v6_address": lambda ctx: "应为 IPv6 地址",
    "none_required": lambda ctx: "应为空（null）",
    "path_type": lambda ctx: "应为文件路径",
    "union_tag_invalid": lambda ctx: f"类型应为以下之一：{_choices(ctx, 'expected_tags')}",
    "union_tag_not_found": lambda ctx: f"缺少用于区分类型的键 {ctx.get('discriminator')}",
}

_QUOTED_OR_WORD = re.compile(r"'[^']*'|\"[^\"]*\"|[^\s,]+")


def worded(details: ErrorDetails) -> Message:
    """One validation error's reason: an InvalidValue's own two texts, or pydantic's English
    with the Chinese worded from the error's type and context."""
    ctx: dict[str, Any] = dict(details.get("ctx") or {})
    raised = ctx.get("error")
    if isinstance(raised, MessageError):
        return raised.message
    english = _english(details)
    words = _ZH.get(details["type"])
    if words is not None:
        return Message(words(ctx) + _not(details), english)
    if details["type"] in ("value_error", "assertion_error"):
        return Message(english, english)  # a validator's own words, in the one text it has
    return Message(f"取值无效（{details['type']}）{_not(details)}", english)


def _english(details: ErrorDetails) -> str:
    if details["type"] == "extra_forbidden":
        return "unknown key (check the spelling)"
    if details["type"] == "missing":
        return "required key is missing"
    return details["msg"].removeprefix("Value error, ")


def _number(value: Any) -> Any:
    """A bound as pydantic's English shows it: 1.0 as 1."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _choices(ctx: dict[str, Any], key: str = "expected") -> str:
    """pydantic's "'a', 'b' or 'c'" as "'a'、'b'、'c'": the choices without an English 'or'."""
    text = str(ctx.get(key, ""))
    return "、".join(item for item in _QUOTED_OR_WORD.findall(text) if item != "or")


def _not(details: ErrorDetails) -> str:
    """ "，而不是 X" for a short scalar the file gave (its mapping or list would be too long)."""
    if details["type"] in ("missing", "extra_forbidden"):
        return ""
    given = details.get("input")
    if isinstance(given, bool | int | float | str) and len(repr(given)) <= 40:
        return f"，而不是 {given!r}"
    return ""
