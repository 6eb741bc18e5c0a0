"""One evaluation run: load every ticket, apply every target, store the results."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine

from monitor import clock
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.columns import ResultList
from monitor.domain.periods import Period
from monitor.domain.scores import IndicatorScore
from monitor.domain.tickets import TargetResult, Ticket
from monitor.rules.all_tickets import evaluate_all
from monitor.runs.scorecard import period_scorecard
from monitor.storage.columnar.results import store_result_columns
from monitor.storage.columnar.tickets import LoadedColumns, load_ticket_columns
from monitor.storage.results import StoreCounts, record_run
from monitor.storage.tickets import StoredTickets

# Called inside the storing transaction, e.g. to plan alerts from the flips atomically.
StoredHook = Callable[[Connection, StoredTickets, list[TargetResult], StoreCounts], None]


@dataclass(frozen=True, slots=True)
class Evaluation:
    evaluated_at: datetime
    tickets: Sequence[Ticket]  # made on first read (a whole evaluation never needs them all)
    results: Sequence[TargetResult]  # likewise
    stored: StoreCounts | None


def run_evaluation(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    at: datetime,
    *,
    store: bool = True,
    ticket_pks: Collection[int] | None = None,
    on_stored: StoredHook | None = None,
) -> Evaluation:
    """Evaluate every stored ticket as of `at`; with `store`, make the stored results match.

    With `ticket_pks` only those tickets are evaluated and stored (the live service's timers
    and ingest); only a whole evaluation is recorded as an evaluation run.
    """
    columns = load_ticket_columns(engine, ids=None if ticket_pks is None else list(ticket_pks))
    results = evaluate_loaded(columns, contract, calendar, at)
    loaded = columns.stored()
    if not store:
        return Evaluation(at, loaded.tickets, results, None)
    with engine.begin() as connection:
        counts = store_result_columns(connection, results, columns.pks, at, scope=ticket_pks)
        if on_stored is not None:
            on_stored(connection, loaded, results.made(), counts)
        if ticket_pks is not None:
            return Evaluation(at, loaded.tickets, results, counts)
        record_run(
            connection,
            evaluated_at=at,
            ran_at=clock.now(),
            contract=contract.name[:200],
            tickets=len(loaded.tickets),
            results=len(results),
            violations=results.violations(),
            changes=counts.changes,
        )
    return Evaluation(at, loaded.tickets, results, counts)


def evaluate_loaded(
    loaded: LoadedColumns, contract: Contract, calendar: BusinessCalendar, at: datetime
) -> ResultList:
    """Every target of the loaded tickets as of `at`: plain tickets in columns
    (monitor.rules.status_arrays), those with a history by the scalar rules."""
    found = evaluate_all(loaded.columns, loaded.tickets_with_history(), contract, calendar, at)
    return ResultList(found, loaded.lazy_keys(), [target.id for target in contract.targets])


def score_period(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, period: Period, at: datetime
) -> list[IndicatorScore]:
    """The computed indicators of a period as of `at`, evaluated afresh (nothing is written):
    those of its scorecard (monitor.runs.scorecard)."""
    return list(period_scorecard(engine, contract, calendar, period, at).indicators)
