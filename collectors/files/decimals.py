"""Exact numbers of money and quantity from a cell: a Decimal, never a float on the way."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from collectors.files.values import BadValue, is_blank

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
# Money cells as people write them: ¥1,234.50, 1234.50元, ￥ 12
_DECORATION = re.compile(r"[,，\s¥￥元]")


def parse_decimal(value: Any, *, places: int | None = None) -> Decimal | None:
    """A number of zero or more, exactly as written; `places` the most decimals allowed.

    A spreadsheet's number cell arrives as a float: its shortest text (repr) is what the cell
    shows, so 0.1 stays 0.1 and not 0.1000000000000000055511151231257827.
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise BadValue("应为数字，却是 true/false", "expected a number, got true/false")
    text = repr(value) if isinstance(value, float) else _DECORATION.sub("", str(value))
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise BadValue(f"'{value}' 不是数字", f"'{value}' is not a number") from None
    if not number.is_finite():
        raise BadValue(f"'{value}' 不是有限的数", f"'{value}' is not a finite number")
    if number < 0:
        raise BadValue(f"'{value}' 为负数，数值不能为负", f"'{value}' is negative")
    exponent = number.normalize().as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        raise BadValue(
            f"'{value}' 的小数位数超过 {places} 位", f"'{value}' has more than {places} decimals"
        )
    if number.adjusted() >= 14:
        raise BadValue(f"'{value}' 大得不合情理", f"'{value}' is implausibly large")
    return number


def parse_amount(value: Any) -> Decimal | None:
    """An amount of money in 元, to the fen (分) at most."""
    return parse_decimal(value, places=2)


def parse_price(value: Any) -> Decimal | None:
    """A unit price in 元; catalogues price storage by the GB to a thousandth of a fen."""
    return parse_decimal(value, places=6)


def parse_quantity(value: Any) -> Decimal | None:
    """A billed quantity (台, vCPU, GB, 次) or a number of days or months."""
    return parse_decimal(value, places=6)


def parse_date(value: Any) -> date | None:
    """A calendar day: 2024-01-01, 2024/1/1, 2024年1月1日 or a spreadsheet date cell."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        if value.time() != datetime.min.time():
            raise BadValue(
                f"'{value}' 含有时刻，这里应为日期",
                f"'{value}' has a time of day; a date is expected",
            )
        return value.date()
    if isinstance(value, date):
        return value
    match = _DATE.match(str(value).strip())
    if not match:
        raise BadValue(
            f"'{value}' 不是日期，请写成 YYYY-MM-DD", f"'{value}' is not a date; write YYYY-MM-DD"
        )
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError as error:
        raise BadValue(
            f"'{value}' 不是有效的日期（年、月或日超出范围）",
            f"'{value}' is not a valid date ({error})",
        ) from None


def parse_month(value: Any) -> str | None:
    """A billing period as YYYY-MM: 2024-03, 2024/3, 2024年3月 or a date cell of that month."""
    if is_blank(value):
        return None
    if isinstance(value, date):
        return f"{value.year:04d}-{value.month:02d}"
    match = _MONTH.match(str(value).strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise BadValue(
            f"'{value}' 不是结算期，请写成 YYYY-MM", f"'{value}' is not a month; write YYYY-MM"
        )
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"
