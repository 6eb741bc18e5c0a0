"""The plausible bounds of what a ticket records, which keep every clock's arithmetic in range.

Imports refuse a value outside them with its reason (collectors.files.values). A ticket stored
with one all the same (by an older slamon, or by hand in the database) is not judged: every
target due on it is evaluation_error, with the reason `ticket_problem` names, and every other
ticket is judged as usual (monitor.rules.status, monitor.rules.status_arrays).

- Times: the years 1990–2100 in the contract's zone. Every real ticket of a government cloud
  lies well inside them; a mistyped year (0024, 20244, Excel's day zero 1899-12-30) does not,
  and a clock started by 2100 ends, after any limit a contract sets, far before the year 9999
  past which a date cannot be written.
- Restore size: 0 to 10,000,000 GB (10 PB). A whole resource pool's backup is a few PB; at the
  default 24 h per TB the largest allowed restore is due after about 27 years, and a size in
  bytes or KB typed into the GB column (5 GB is 5,368,709,120 bytes) lies above the bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import numpy.typing as npt

from monitor.domain.instants import MISSING, Ints, to_us
from monitor.domain.message import Message, both
from monitor.domain.tickets import EVENT_FIELDS, Ticket

EARLIEST_YEAR, LATEST_YEAR = 1990, 2100  # of an imported time, in the contract's zone
MAX_RESTORE_GB = 10_000_000.0  # 10 PB
# The rules' bounds in UTC: a day wider than those years, so that a time imported in any zone
# is within them.
FIRST_INSTANT = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC) - timedelta(days=1)
END_INSTANT = datetime(LATEST_YEAR + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)  # excluded
_FIRST_US, _END_US = to_us(FIRST_INSTANT), to_us(END_INSTANT)

# Why a target within the bounds still has no verdict: its deadline is past what a date holds
# (a contract limit of millennia).
ARITHMETIC_REASON = Message(
    "时限超出可计算范围", "the deadline lies past the last date that can be written"
)


def year_problem(year: int) -> Message | None:
    """Why an imported time's (local) year is refused; None: within the bounds."""
    if EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    return Message(
        f"年份 {year} 超出 {EARLIEST_YEAR}–{LATEST_YEAR} 年",
        f"year {year} is outside {EARLIEST_YEAR}–{LATEST_YEAR}",
    )


def size_problem(size_gb: float) -> Message | None:
    """Why a restore size is refused; None: a finite number of GB from 0 to MAX_RESTORE_GB."""
    if 0 <= size_gb <= MAX_RESTORE_GB:
        return None
    if size_gb > MAX_RESTORE_GB:
        return Message(
            f"恢复数据量 {size_gb:g} GB 超过上限 {MAX_RESTORE_GB:,.0f} GB（10 PB），是否把字节数"
            "填成了 GB？",
            f"{size_gb:g} GB is more than the 10 PB bound (bytes typed as GB?)",
        )
    return Message(
        f"恢复数据量须为 0 或正数 {size_gb:g}",
        f"{size_gb:g} must be a finite number of GB, zero or more",
    )


def fields_problem(fields: Mapping[str, Any]) -> Message | None:
    """The first value of a ticket's fields (field name → value) outside the bounds, with the
    reason; None: every recorded one is within them."""
    size = fields.get("restore_size_gb")
    if size is not None and (problem := size_problem(float(size))) is not None:
        return problem
    for name in EVENT_FIELDS:
        moment = fields.get(name)
        if moment is not None and (problem := time_problem(name, moment)) is not None:
            return problem
    return None


def evaluation_error_message(fields: Mapping[str, Any]) -> Message:
    """Why a ticket's targets are evaluation_error, from its stored fields: the value outside
    the bounds, else a deadline past what a date holds (nothing more is stored)."""
    return fields_problem(fields) or ARITHMETIC_REASON


def evaluation_error_reason(fields: Mapping[str, Any]) -> str:
    """evaluation_error_message, 中文 then English on one line."""
    return both(evaluation_error_message(fields))


def ticket_problem(ticket: Ticket) -> str | None:
    """fields_problem for a Ticket, its histories' times included, 中文 then English."""
    problem = fields_problem({name: getattr(ticket, name) for name in _FIELDS})
    if problem is not None:
        return both(problem)
    moments = [
        *(p.start for p in ticket.pauses),
        *(p.end for p in ticket.pauses if p.end is not None),
        *(change.at for change in ticket.severity_changes),
        *ticket.reopens,
    ]
    found = next((p for m in moments if (p := time_problem("status history", m))), None)
    return None if found is None else both(found)


def within_bounds(ticket: Ticket) -> bool:
    """Whether the rules can judge the ticket: ticket_problem finds nothing (checked fast)."""
    size = ticket.restore_size_gb
    if size is not None and not 0 <= size <= MAX_RESTORE_GB:
        return False
    for name in EVENT_FIELDS:
        moment = getattr(ticket, name)
        if moment is not None and not FIRST_INSTANT <= moment < END_INSTANT:
            return False
    if ticket.pauses or ticket.severity_changes or ticket.reopens:
        return ticket_problem(ticket) is None
    return True


def time_problem(name: str, moment: datetime) -> Message | None:
    """Why a stored time is outside the rules' bounds; None: within them."""
    if FIRST_INSTANT <= moment < END_INSTANT:
        return None
    return Message(
        f"时间超出 {EARLIEST_YEAR}–{LATEST_YEAR} 年：{name} {moment.isoformat()}",
        f"{name} {moment.isoformat()} is outside the years {EARLIEST_YEAR}–{LATEST_YEAR}",
    )


def rows_outside(
    events: Mapping[str, Ints], sizes: npt.NDArray[np.float64]
) -> npt.NDArray[np.bool_]:
    """Which rows of ticket columns (events in µs, MISSING: none; sizes NaN: none) hold a value
    outside the bounds: within_bounds over columns."""
    outside: npt.NDArray[np.bool_] = ~np.isnan(sizes) & ~((sizes >= 0) & (sizes <= MAX_RESTORE_GB))
    for name in EVENT_FIELDS:
        moments = events[name]
        outside |= (moments != MISSING) & ((moments < _FIRST_US) | (moments >= _END_US))
    return outside


_FIELDS = ("restore_size_gb", *EVENT_FIELDS)
