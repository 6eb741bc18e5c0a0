"""Human-written durations in configuration: "30m", "2h", "1h30m", "24h", "3d"."""

import re
from datetime import timedelta

from monitor.domain.message import InvalidValue, Message

_PART = re.compile(r"(\d+(?:\.\d+)?)([dhms])")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}


def parse_duration(text: str) -> timedelta:
    """Parse a duration such as "30m" or "1h30m"; InvalidValue (a ValueError) with the accepted
    form otherwise."""
    compact = text.strip().lower().replace(" ", "")
    parts = _PART.findall(compact)
    if not compact or "".join(number + unit for number, unit in parts) != compact:
        raise InvalidValue(
            Message(
                f"'{text}' 不是时长，请写数字加单位 d（天）/h（小时）/m（分）/s（秒），"
                "如 30m、2h、1h30m",
                f"'{text}' is not a duration; write a number with a unit d/h/m/s, "
                "e.g. 30m, 2h, 1h30m",
            )
        )
    seconds = sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """The shortest exact form of a duration, e.g. 5400 s -> "1h30m"."""
    seconds = int(delta.total_seconds())
    if seconds == 0:
        return "0s"
    out = []
    for unit, size in _UNIT_SECONDS.items():
        count, seconds = divmod(seconds, size)
        if count:
            out.append(f"{count}{unit}")
    return "".join(out)


def format_duration_zh(seconds: int) -> str:
    """A lateness or remaining time for people: "2天3小时5分", "45分", "30秒"."""
    if seconds < 60:
        return f"{seconds}秒"
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    text = (f"{days}天" if days else "") + (f"{hours}小时" if hours else "")
    return text + (f"{minutes}分" if minutes or not text else "")


def format_duration_en(seconds: int) -> str:
    """The same in English: "2d 3h 5m", "45m", "0m"."""
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    text = (f"{days}d " if days else "") + (f"{hours}h " if hours else "")
    return (text + f"{rest // 60}m").strip()


def format_duration_in(seconds: int, lang: str) -> str:
    """A lateness or remaining time for people in `lang` ("zh" or "en")."""
    return format_duration_zh(seconds) if lang == "zh" else format_duration_en(seconds)
