"""One evaluation run: load every ticket, apply every target, store the results."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import overload

from sqlalchemy import Connection, Engine

from monitor import clock
from monitor.contract.contract_set import ContractSet
from monitor.domain.periods import Period
from monitor.domain.scores import IndicatorScore
from monitor.domain.tickets import TargetResult, Ticket
from monitor.rules.judging import Judged, judge_columns
from monitor.runs.pins import with_stored_pins
from monitor.runs.scorecard import period_scorecard
from monitor.storage.columnar.results import store_result_columns
from monitor.storage.columnar.tickets import LoadedColumns, load_ticket_columns
from monitor.storage.results import (
    ContractText,
    StoreCounts,
    keep_contract_versions,
    record_run,
)
from monitor.storage.tickets import StoredTickets

# Called inside the storing transaction, e.g. to plan alerts from the flips atomically.
StoredHook = Callable[[Connection, StoredTickets, list[TargetResult], StoreCounts], None]


@dataclass(frozen=True, slots=True)
class Evaluation:
    evaluated_at: datetime
    tickets: Sequence[Ticket]  # made on first read (a whole evaluation never needs them all)
    results: Sequence[TargetResult]  # likewise
    stored: StoreCounts | None
    # Tickets reported by then that no contract covers: no verdict, listed.
    uncovered: Sequence[Ticket] = ()


def run_evaluation(
    engine: Engine,
    contracts: ContractSet,
    at: datetime,
    *,
    store: bool = True,
    ticket_pks: Collection[int] | None = None,
    on_stored: StoredHook | None = None,
    before_store: Callable[[Connection], None] | None = None,
) -> Evaluation:
    """Evaluate every stored ticket as of `at` by its own contract; with `store`, make the
    stored results match (and keep the versions of the contracts that judged them). A closed
    ticket keeps the version that judged it (monitor.runs.pins) unless `contracts` says
    otherwise (a rejudging).

    With `ticket_pks` only those tickets are evaluated and stored (the live service's timers
    and ingest); only a whole evaluation is recorded as an evaluation run. `before_store` runs
    in the storing transaction before anything is written (a rejudging keeps the old rows).
    """
    contracts = with_stored_pins(engine, contracts, ticket_pks)
    columns = load_ticket_columns(
        engine,
        ids=None if ticket_pks is None else list(ticket_pks),
        places=contracts.scoped or bool(contracts.kept),
    )
    judged = judge_loaded(columns, contracts, at)
    results = judged.result_list(columns.lazy_keys())
    loaded = columns.stored()
    uncovered = _Rows(loaded.tickets, judged.uncovered.tolist())
    if not store:
        return Evaluation(at, loaded.tickets, results, None, uncovered)
    with engine.begin() as connection:
        if before_store is not None:
            before_store(connection)
        keep_contract_versions(connection, contract_texts(contracts), at)
        counts = store_result_columns(connection, results, columns.pks, at, scope=ticket_pks)
        if on_stored is not None:
            on_stored(connection, loaded, results.made(), counts)
        if ticket_pks is not None:
            return Evaluation(at, loaded.tickets, results, counts, uncovered)
        record_run(
            connection,
            evaluated_at=at,
            ran_at=clock.now(),
            contract=", ".join(judging.contract.name for judging in contracts)[:200],
            tickets=len(loaded.tickets),
            results=len(results),
            violations=results.violations(),
            changes=counts.changes,
            uncovered=len(uncovered),
        )
    return Evaluation(at, loaded.tickets, results, counts, uncovered)


def contract_texts(contracts: ContractSet) -> list[ContractText]:
    return [
        ContractText(judging.ref.version, judging.ref.name, str(judging.path), judging.content)
        for judging in contracts
    ]


def judge_loaded(loaded: LoadedColumns, contracts: ContractSet, at: datetime) -> Judged:
    """Every target of the loaded tickets as of `at`, each ticket by its contract: plain
    tickets in columns (monitor.rules.status_arrays), those with a history by the scalar
    rules."""
    keys = loaded.lazy_keys() if contracts.pins else None
    return judge_columns(loaded.columns, loaded.tickets_with_history(), contracts, at, keys)


class _Rows(Sequence[Ticket]):
    """Some rows of a ticket sequence, made on read."""

    def __init__(self, tickets: Sequence[Ticket], rows: list[int]) -> None:
        self._tickets = tickets
        self._rows = rows

    def __len__(self) -> int:
        return len(self._rows)

    @overload
    def __getitem__(self, index: int) -> Ticket: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[Ticket]: ...

    def __getitem__(self, index: int | slice) -> Ticket | Sequence[Ticket]:
        if isinstance(index, slice):
            return [self._tickets[row] for row in self._rows[index]]
        return self._tickets[self._rows[index]]


def score_period(
    engine: Engine, contracts: ContractSet, period: Period, at: datetime
) -> list[IndicatorScore]:
    """The computed indicators of a period as of `at`, evaluated afresh (nothing is written):
    those of its scorecard (monitor.runs.scorecard)."""
    return list(period_scorecard(engine, contracts, period, at).indicators)
