"""A whole evaluation in columns: the vector rules for plain tickets, the scalar ones for the rest.

`evaluate_batch` is a drop-in for monitor.rules.status.evaluate (same TargetResult list, same
order); run_evaluation uses the column form directly, so a result becomes a TargetResult object
only when someone reads it (`ResultList`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

import numpy as np

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.columns import (
    NO_OVERDUE,
    RESULT_FIELDS,
    STATUS_CODE,
    ResultColumns,
    ResultList,
    TicketColumns,
    columns_from_tickets,
)
from monitor.domain.instants import us_or_missing
from monitor.domain.tickets import TargetResult, Ticket
from monitor.rules.status import evaluate_ticket
from monitor.rules.status_arrays import evaluate_columns


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
    # In UTC: within one zone, aware comparison ignores `fold` (see monitor.rules.status).
    now = now.astimezone(UTC)
    scalar: dict[str, list[int]] = {name: [] for name in RESULT_FIELDS}
    for row, ticket in with_history.items():
        if ticket.reported_at > now:
            continue
        for index, result in evaluate_ticket(ticket, contract, calendar, now):
            overdue = result.overdue_seconds
            for name, value in (
                ("row", row),
                ("target", index),
                ("status", STATUS_CODE[result.status]),
                ("start", us_or_missing(result.start)),
                ("deadline", us_or_missing(result.deadline)),
                ("stop", us_or_missing(result.stop)),
                ("overdue", NO_OVERDUE if overdue is None else overdue),
                ("at_risk_from", us_or_missing(result.at_risk_from)),
            ):
                scalar[name].append(value)
    extra = ResultColumns(*(np.array(scalar[name], dtype=np.int64) for name in scalar))  # type: ignore[arg-type]
    return ResultColumns.concat([vector, extra]).ordered()


def evaluate_batch(
    tickets: Sequence[Ticket], contract: Contract, calendar: BusinessCalendar, now: datetime
) -> list[TargetResult]:
    """Exactly monitor.rules.status.evaluate(tickets, …), computed in columns."""
    columns = columns_from_tickets(tickets)
    with_history = {row: tickets[row] for row in np.nonzero(~columns.plain)[0].tolist()}
    found = evaluate_all(columns, with_history, contract, calendar, now)
    keys = [(t.source, t.ticket_id) for t in tickets]
    return list(ResultList(found, keys, [target.id for target in contract.targets]))
