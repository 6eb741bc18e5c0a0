"""Judging tickets by their own contracts: each ticket by the one whose scope and validity
cover it, none by a contract that does not.

The results of several contracts share one ResultColumns: each contract's targets take their
own places (`JudgedTargets`), so a result's place says both its target and its contract. A
ticket no contract covers gets no result and is listed instead.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

from monitor.contract.contract_set import ContractSet
from monitor.domain.columns import (
    RESULT_FIELDS,
    ResultColumns,
    ResultList,
    TicketColumns,
    columns_from_tickets,
    empty_results,
)
from monitor.domain.instants import MISSING, to_us
from monitor.domain.tickets import ContractRef, TargetResult, Ticket
from monitor.rules.all_tickets import evaluate_all

NO_CONTRACT = -1  # a row no contract covers


@dataclass(frozen=True, slots=True)
class JudgedTargets:
    """The places of the results: every contract's targets in turn, in file order."""

    target_ids: list[str]
    contracts: list[ContractRef | None]
    offsets: list[int]  # where each contract's targets start

    @classmethod
    def of(cls, contracts: ContractSet) -> JudgedTargets:
        target_ids: list[str] = []
        refs: list[ContractRef | None] = []
        offsets = []
        for judging in contracts.judging:
            offsets.append(len(target_ids))
            target_ids.extend(target.id for target in judging.contract.targets)
            refs.extend([judging.ref] * len(judging.contract.targets))
        return cls(target_ids, refs, offsets)


@dataclass(frozen=True, slots=True)
class Judged:
    """The results of a judging in columns, and the rows no contract covers."""

    results: ResultColumns
    targets: JudgedTargets
    uncovered: npt.NDArray[np.int64]  # rows reported by then that no contract covers

    def result_list(self, keys: Sequence[tuple[str, str]]) -> ResultList:
        return ResultList(self.results, keys, self.targets.target_ids, self.targets.contracts)


def contract_rows(
    columns: TicketColumns,
    contracts: ContractSet,
    keys: Sequence[tuple[str, str]] | None = None,
) -> npt.NDArray[np.int64]:
    """Each row's contract (its place in `contracts.judging`), NO_CONTRACT where none covers
    it; a pinned ticket (`keys[row]` in contracts.pins) keeps the version that judged it."""
    judge = np.full(len(columns), NO_CONTRACT, dtype=np.int64)
    reported = columns.events["reported_at"]
    for number, judging in enumerate(contracts):
        places = [
            place
            for place, (pool, operator) in enumerate(columns.places)
            if judging.scope.covers(pool, operator)
        ]
        mine = np.isin(columns.place, places) & (reported != MISSING)
        if judging.in_force_from is not None:
            mine &= reported >= to_us(judging.in_force_from)
        if judging.in_force_until is not None:
            mine &= reported < to_us(judging.in_force_until)
        # Overlaps are refused at load, so no row is claimed twice; the first contract keeps
        # a row all the same.
        judge[mine & (judge == NO_CONTRACT)] = number
    if contracts.pins:
        if keys is None:
            raise ValueError("pinned tickets are found by their keys: pass the rows' keys")
        place = {judging.ref.version: n for n, judging in enumerate(contracts.judging)}
        pinned = [
            (row, place[version])
            for row, key in enumerate(keys)
            if (version := contracts.pins.get(key)) is not None and version in place
        ]
        for row, number in pinned:
            judge[row] = number
    return judge


def judge_columns(
    columns: TicketColumns,
    with_history: Mapping[int, Ticket],
    contracts: ContractSet,
    now: datetime,
    keys: Sequence[tuple[str, str]] | None = None,
) -> Judged:
    """Every ticket by its own contract as of `now` (monitor.rules.all_tickets.evaluate_all
    per contract), merged in rules order; `keys[row]` finds pinned tickets."""
    targets = JudgedTargets.of(contracts)
    judge = contract_rows(columns, contracts, keys if contracts.pins else None)
    parts = []
    for number, judging in enumerate(contracts.judging):
        mine = judge == number
        if not mine.any():
            continue
        if mine.all():
            found = evaluate_all(columns, with_history, judging.contract, judging.calendar, now)
        else:
            # The vector rules take the plain rows: those of other contracts are set aside.
            own = replace(columns, plain=columns.plain & mine)
            histories = {row: ticket for row, ticket in with_history.items() if mine[row]}
            found = evaluate_all(own, histories, judging.contract, judging.calendar, now)
        parts.append(_shifted(found, targets.offsets[number]))
    if not parts:
        results = empty_results()
    else:
        results = parts[0] if len(parts) == 1 else ResultColumns.concat(parts).ordered()
    reported = columns.events["reported_at"]
    due = (reported != MISSING) & (reported <= to_us(now.astimezone(UTC)))
    uncovered = np.nonzero((judge == NO_CONTRACT) & due)[0].astype(np.int64)
    return Judged(results, targets, uncovered)


def _shifted(found: ResultColumns, offset: int) -> ResultColumns:
    if offset == 0:
        return found
    values = {name: getattr(found, name) for name in RESULT_FIELDS}
    values["target"] = values["target"] + offset
    return ResultColumns(**values)


@dataclass(frozen=True, slots=True)
class TicketJudgement:
    """Tickets judged by their contracts: every result (naming its contract), in
    monitor.rules.status.evaluate's order, and the tickets no contract covers."""

    results: list[TargetResult]
    uncovered: list[Ticket]


def judge_tickets(
    tickets: Sequence[Ticket], contracts: ContractSet, now: datetime
) -> TicketJudgement:
    """judge_columns for Ticket objects."""
    columns = columns_from_tickets(tickets)
    with_history = {row: tickets[row] for row in np.nonzero(~columns.plain)[0].tolist()}
    keys = [(t.source, t.ticket_id) for t in tickets]
    judged = judge_columns(columns, with_history, contracts, now, keys)
    return TicketJudgement(
        list(judged.result_list(keys)), [tickets[row] for row in judged.uncovered.tolist()]
    )
