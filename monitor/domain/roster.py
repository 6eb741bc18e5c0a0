"""A duty roster's shift (值班): who is on duty for a pool from one instant to another."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class DutyShift:
    """One person on duty for one pool over [start, end) (aware instants)."""

    pool: str
    start: datetime
    end: datetime
    person: str
