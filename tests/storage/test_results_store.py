"""Storing evaluation results: idempotent, with status flips kept as rows."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Engine, func, select

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.runs.evaluate import run_evaluation
from monitor.storage.results import CHANGE_TABLE, RESULT_TABLE, RUN_TABLE
from monitor.storage.tickets import upsert_tickets
from tests.conftest import local

IMPORTED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
COLUMNS = ["source", "ticket_id", "kind", "severity", "reported_at", "arrived_at", "restored_at"]


def store(engine: Engine, *rows: dict[str, object]) -> None:
    with engine.begin() as connection:
        upsert_tickets(connection, list(rows), COLUMNS, IMPORTED)


def major(ticket_id: str, **values: object) -> dict[str, object]:
    return {
        "source": "file",
        "ticket_id": ticket_id,
        "kind": "fault",
        "severity": "major",
        "reported_at": local("2024-06-03 10:00"),
        "arrived_at": None,
        "restored_at": None,
        **values,
    }


def count(engine: Engine, table: object) -> int:
    with engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(table)).scalar_one()  # type: ignore[arg-type]


def statuses(engine: Engine) -> dict[str, str]:
    with engine.connect() as connection:
        rows = connection.execute(select(RESULT_TABLE.c.target_id, RESULT_TABLE.c.status))
        return dict(rows.all())  # type: ignore[arg-type]


def test_re_running_an_evaluation_does_not_duplicate_results(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    store(engine, major("A", arrived_at=local("2024-06-03 10:20")))
    at = local("2024-06-03 10:25")
    first = run_evaluation(engine, ContractSet.single(contract, calendar), at)
    second = run_evaluation(engine, ContractSet.single(contract, calendar), at)
    assert first.stored is not None and second.stored is not None
    assert (first.stored.inserted, first.stored.changes) == (3, 3)
    assert (second.stored.inserted, second.stored.updated, second.stored.changes) == (0, 0, 0)
    assert count(engine, RESULT_TABLE) == 3
    assert count(engine, RUN_TABLE) == 2
    assert statuses(engine) == {
        "major.arrival": "met",
        "major.restore": "pending",
        "major.report": "not_started",
    }


def test_a_status_flip_is_recorded_with_the_evaluation_time(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    store(engine, major("A"))
    run_evaluation(engine, ContractSet.single(contract, calendar), local("2024-06-03 10:10"))
    run_evaluation(engine, ContractSet.single(contract, calendar), local("2024-06-03 10:31"))
    with engine.connect() as connection:
        flips = connection.execute(
            select(CHANGE_TABLE.c.from_status, CHANGE_TABLE.c.to_status, CHANGE_TABLE.c.changed_at)
            .where(CHANGE_TABLE.c.target_id == "major.arrival")
            .order_by(CHANGE_TABLE.c.id)
        ).all()
        first_violation = connection.execute(
            select(RESULT_TABLE.c.first_violation_at).where(
                RESULT_TABLE.c.target_id == "major.arrival"
            )
        ).scalar_one()
    assert [tuple(flip) for flip in flips] == [
        (None, "pending", local("2024-06-03 10:10")),
        ("pending", "breached", local("2024-06-03 10:31")),
    ]
    assert first_violation == local("2024-06-03 10:31")


def test_a_target_that_no_longer_applies_is_removed_and_the_removal_recorded(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    store(engine, major("A"))
    at = local("2024-06-03 10:10")
    run_evaluation(engine, ContractSet.single(contract, calendar), at)
    store(engine, major("A", severity="significant"))  # downgraded: only significant.restore
    outcome = run_evaluation(engine, ContractSet.single(contract, calendar), at)
    assert outcome.stored is not None and outcome.stored.removed == 3
    assert statuses(engine) == {"significant.restore": "pending"}
    with engine.connect() as connection:
        removed = connection.execute(
            select(func.count())
            .select_from(CHANGE_TABLE)
            .where(CHANGE_TABLE.c.to_status == "removed")
        ).scalar_one()
    assert removed == 3


def test_evaluating_without_storing_writes_nothing(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    store(engine, major("A"))
    outcome = run_evaluation(
        engine, ContractSet.single(contract, calendar), local("2024-06-03 10:10"), store=False
    )
    assert len(outcome.results) == 3 and outcome.stored is None
    assert count(engine, RESULT_TABLE) == 0
