"""Times in API answers: ISO 8601 in the contract's zone; other values as they are."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo


def local_iso(value: Any, zone: ZoneInfo) -> Any:
    return value.astimezone(zone).isoformat() if isinstance(value, datetime) else value
