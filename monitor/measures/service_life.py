"""Which local days a resource of the inventory was in service: in_service_from ≤ t <
reclaimed_at at some moment of the day (the rule billing and delivered quantities share)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

from monitor.domain.resources import Resource


def first_service_day(resource: Resource, zone: ZoneInfo) -> date | None:
    """The local day it went into service; None: in service since before any record."""
    start = resource.in_service_from
    return None if start is None else start.astimezone(zone).date()


def last_service_day(resource: Resource, zone: ZoneInfo) -> date | None:
    """The last local day it was in service; None: not reclaimed."""
    end = resource.reclaimed_at
    # The last moment in service is just before reclaimed_at.
    return None if end is None else (end - timedelta(microseconds=1)).astimezone(zone).date()


def in_service_on(resource: Resource, day: date, zone: ZoneInfo) -> bool:
    first, last = first_service_day(resource, zone), last_service_day(resource, zone)
    return (first is None or first <= day) and (last is None or day <= last)
