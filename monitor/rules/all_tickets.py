"""A whole evaluation in columns: the vector rules for plain tickets, the scalar ones for the rest.

`evaluate_batch` is a drop-in for monitor.rules.status.evaluate (same TargetResult list, same
order);
run_evaluation uses the column form directly, so a result becomes a TargetResult object only
when someone reads it (`ResultList`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, overload

import numpy as np

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import EVENT_FIELDS, Status, TargetResult, Ticket
from monitor.rules.status import evaluate_ticket
from monitor.rules.status_arrays import (
    MISSING,
    NO_OVERDUE,
    RESULT_FIELDS,
    STATUSES,
    ResultColumns,
    TicketColumns,
    evaluate_columns,
    to_us,
)

_CODE = {status: code for code, status in enumerate(STATUSES)}
_VIOLATIONS = [_CODE[status] for status in Status if status.is_violation]


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
    return TicketColumns(list(groups), np.array(group, dtype=np.intp), events, sizes, plain)


def evaluate_all(
    columns: TicketColumns,
    with_history: Mapping[int, Ticket],
    contract: Contract,
    calendar: BusinessCalendar,
    now: datetime,
) -> ResultColumns:
    """The vector rules for the plain tickets, evaluate_target for those in `with_history`
    (ticket row → Ticket), merged in monitor.rules.status.evaluate's order."""
    vector = evaluate_columns(columns, contract, calendar, now)
    if not with_history:
        return vector
    scalar: dict[str, list[int]] = {name: [] for name in RESULT_FIELDS}
    for row, ticket in with_history.items():
        if ticket.reported_at > now:
            continue
        for index, result in evaluate_ticket(ticket, contract, calendar, now):
            overdue = result.overdue_seconds
            for name, value in (
                ("row", row),
                ("target", index),
                ("status", _CODE[result.status]),
                ("start", _us_or_missing(result.start)),
                ("deadline", _us_or_missing(result.deadline)),
                ("stop", _us_or_missing(result.stop)),
                ("overdue", NO_OVERDUE if overdue is None else overdue),
                ("at_risk_from", _us_or_missing(result.at_risk_from)),
            ):
                scalar[name].append(value)
    extra = ResultColumns(*(np.array(scalar[name], dtype=np.int64) for name in scalar))  # type: ignore[arg-type]
    return ResultColumns.concat([vector, extra]).ordered()


def _us_or_missing(moment: datetime | None) -> int:
    return MISSING if moment is None else to_us(moment)


def evaluate_batch(
    tickets: Sequence[Ticket], contract: Contract, calendar: BusinessCalendar, now: datetime
) -> list[TargetResult]:
    """Exactly monitor.rules.status.evaluate(tickets, …), computed in columns."""
    columns = columns_from_tickets(tickets)
    with_history = {row: tickets[row] for row in np.nonzero(~columns.plain)[0].tolist()}
    found = evaluate_all(columns, with_history, contract, calendar, now)
    keys = [(t.source, t.ticket_id) for t in tickets]
    return list(ResultList(found, keys, [target.id for target in contract.targets]))


class ResultList(Sequence[TargetResult]):
    """TargetResults backed by ResultColumns; objects are made on first read, then kept.

    `keys[row]` is the ticket's (source, ticket_id), `target_ids[i]` the i-th contract target.
    """

    def __init__(
        self, columns: ResultColumns, keys: Sequence[tuple[str, str]], target_ids: Sequence[str]
    ) -> None:
        self.columns = columns
        self.keys = keys
        self.target_ids = target_ids
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


def datetimes(values: np.ndarray[Any, Any]) -> list[datetime | None]:
    """µs since the epoch (MISSING → None) as aware UTC datetimes."""
    naive = values.view("datetime64[us]").astype(object).tolist()
    return [None if moment is None else moment.replace(tzinfo=UTC) for moment in naive]
