"""Tickets and target results held as columns, one array entry per ticket or result.

The vector rules read TicketColumns and write ResultColumns; storage loads and stores the
same columns, so a million tickets never become a million objects unless someone reads them
(ResultList makes TargetResults on first read).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, overload

import numpy as np
import numpy.typing as npt

from monitor.domain.instants import MISSING, Ints, datetimes, to_us
from monitor.domain.tickets import EVENT_FIELDS, ContractRef, Status, TargetResult, Ticket

Floats = npt.NDArray[np.float64]
NO_OVERDUE = -1  # overdue_seconds None
STATUSES: tuple[Status, ...] = tuple(Status)
STATUS_CODE = {status: code for code, status in enumerate(STATUSES)}
_VIOLATIONS = [STATUS_CODE[status] for status in Status if status.is_violation]


@dataclass(frozen=True, slots=True)
class TicketColumns:
    """The fields the rules read, one entry per ticket.

    `group` indexes `groups` (the distinct (kind, severity) pairs); `plain` is False for a
    ticket with a history, which this module leaves to the scalar rules; `place` indexes
    `places` (the distinct (pool, operator) pairs), which pick a ticket's contract.
    """

    groups: Sequence[tuple[str, str | None]]
    group: npt.NDArray[np.intp]
    events: dict[str, Ints]
    restore_size_gb: Floats  # NaN: not recorded
    plain: npt.NDArray[np.bool_]
    places: Sequence[tuple[str | None, str | None]]
    place: npt.NDArray[np.intp]

    def __len__(self) -> int:
        return len(self.group)


@dataclass(frozen=True, slots=True)
class ResultColumns:
    """One entry per (ticket, target) result: `row` indexes the tickets, `target` the
    contract's targets; times in µs (MISSING for None), overdue NO_OVERDUE for None."""

    row: Ints
    target: Ints
    status: npt.NDArray[np.int8]
    start: Ints
    deadline: Ints
    stop: Ints
    overdue: Ints
    at_risk_from: Ints

    def __len__(self) -> int:
        return len(self.row)

    def ordered(self) -> ResultColumns:
        """In monitor.rules.status.evaluate's order: by ticket, then by the target's place."""
        order = np.lexsort((self.target, self.row))
        return ResultColumns(*(getattr(self, name)[order] for name in RESULT_FIELDS))

    @staticmethod
    def concat(parts: Sequence[ResultColumns]) -> ResultColumns:
        return ResultColumns(
            *(
                np.concatenate([getattr(part, name) for part in parts]).astype(RESULT_DTYPES[name])
                for name in RESULT_FIELDS
            )
        )


RESULT_FIELDS = ("row", "target", "status", "start", "deadline", "stop", "overdue", "at_risk_from")


RESULT_DTYPES: dict[str, Any] = {name: np.int64 for name in RESULT_FIELDS} | {"status": np.int8}


def empty_results() -> ResultColumns:
    return ResultColumns(*(np.empty(0, dtype=RESULT_DTYPES[name]) for name in RESULT_FIELDS))


def columns_from_tickets(tickets: Sequence[Ticket]) -> TicketColumns:
    """The columns of Ticket objects (the test oracle's input, and for callers holding tickets)."""
    groups: dict[tuple[str, str | None], int] = {}
    group = [groups.setdefault((t.kind, t.severity), len(groups)) for t in tickets]
    events = {
        name: np.array(
            [MISSING if (m := t.event(name)) is None else to_us(m) for t in tickets], dtype=np.int64
        )
        for name in EVENT_FIELDS
    }
    sizes = np.array([t.restore_size_gb for t in tickets], dtype=np.float64)
    plain = np.array(
        [not (t.pauses or t.severity_changes or t.reopens) for t in tickets], dtype=bool
    )
    places: dict[tuple[str | None, str | None], int] = {}
    place = [places.setdefault((t.pool, t.operator), len(places)) for t in tickets]
    return TicketColumns(
        list(groups),
        np.array(group, dtype=np.intp),
        events,
        sizes,
        plain,
        list(places),
        np.array(place, dtype=np.intp),
    )


class ResultList(Sequence[TargetResult]):
    """TargetResults backed by ResultColumns; objects are made on first read, then kept.

    `keys[row]` is the ticket's (source, ticket_id), `target_ids[i]` the i-th contract target
    and `contracts[i]` the contract it belongs to (None: results of one contract, unnamed).
    """

    def __init__(
        self,
        columns: ResultColumns,
        keys: Sequence[tuple[str, str]],
        target_ids: Sequence[str],
        contracts: Sequence[ContractRef | None] | None = None,
    ) -> None:
        self.columns = columns
        self.keys = keys
        self.target_ids = target_ids
        self.contracts: Sequence[ContractRef | None] = contracts or [None] * len(target_ids)
        self._made: list[TargetResult] | None = None

    def __len__(self) -> int:
        return len(self.columns)

    def violations(self) -> int:
        return int(np.isin(self.columns.status, _VIOLATIONS).sum())

    @overload
    def __getitem__(self, index: int) -> TargetResult: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[TargetResult]: ...

    def __getitem__(self, index: int | slice) -> TargetResult | Sequence[TargetResult]:
        return self.made()[index]

    def __iter__(self) -> Iterator[TargetResult]:
        return iter(self.made())

    def made(self) -> list[TargetResult]:
        if self._made is None:
            with paused_gc():
                self._made = self._make()
        return self._made

    def _make(self) -> list[TargetResult]:
        found = self.columns
        keys = self.keys
        target_ids = self.target_ids
        contracts = self.contracts
        starts, deadlines, stops, risks = (
            datetimes(values)
            for values in (found.start, found.deadline, found.stop, found.at_risk_from)
        )
        overdue: list[Any] = found.overdue.tolist()
        return [
            TargetResult(
                keys[row][0],
                keys[row][1],
                target_ids[target],
                STATUSES[status],
                start,
                deadline,
                stop,
                None if late == NO_OVERDUE else late,
                risk,
                contracts[target],
            )
            for row, target, status, start, deadline, stop, late, risk in zip(
                found.row.tolist(),
                found.target.tolist(),
                found.status.tolist(),
                starts,
                deadlines,
                stops,
                overdue,
                risks,
                strict=True,
            )
        ]


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a bulk step makes millions of acyclic objects: each
    full collection walks every object made so far, which made such steps quadratic."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
