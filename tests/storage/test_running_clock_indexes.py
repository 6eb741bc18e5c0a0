"""The next moment a running clock turns is right on both databases, and on PostgreSQL read
from the indexes of the running clocks: the statuses are written into the statements, since a
plan prepared for any bound status cannot use an index made for some statuses only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, insert, text

from monitor.storage.live import NEXT_MOMENTS, due_ticket_pks, next_moment
from monitor.storage.results import RESULT_TABLE
from monitor.storage.tickets import TICKET_TABLE

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


def _fill(
    engine: Engine, settled: int, running: list[tuple[str, int | None, int | None]]
) -> dict[int, str]:
    """`settled` met and breached results, then running ones: (status, at risk from, deadline)
    in minutes after AT."""
    rows = [*(("met" if n % 2 else "breached", None, -n) for n in range(settled)), *running]
    with engine.begin() as connection:
        connection.execute(
            insert(TICKET_TABLE),
            [
                {
                    "source": "t",
                    "ticket_id": f"T{n}",
                    "kind": "fault",
                    "reported_at": AT,
                    "created_at": AT,
                    "updated_at": AT,
                }
                for n in range(len(rows))
            ],
        )
        ids = [pk for (pk,) in connection.execute(text("SELECT id FROM ticket ORDER BY id"))]
        connection.execute(
            insert(RESULT_TABLE),
            [
                {
                    "ticket_pk": pk,
                    "target_id": "response",
                    "status": status,
                    "at_risk_from": None if risk is None else AT + timedelta(minutes=risk),
                    "deadline": None if deadline is None else AT + timedelta(minutes=deadline),
                    "status_since": AT,
                }
                for pk, (status, risk, deadline) in zip(ids, rows, strict=True)
            ],
        )
    return {pk: f"T{n}" for n, pk in enumerate(ids)}


def test_the_next_moment_is_the_earliest_at_risk_moment_or_deadline_of_a_running_clock(
    engine: Engine,
) -> None:
    names = _fill(engine, 50, [("pending", 40, 60), ("at_risk", None, 25), ("pending", 30, 90)])
    assert next_moment(engine) == AT + timedelta(minutes=25)  # the at-risk clock's deadline
    due = due_ticket_pks(engine, AT + timedelta(minutes=35))
    assert sorted(names[pk] for pk in due) == ["T51", "T52"]


def test_settled_clocks_have_no_next_moment(engine: Engine) -> None:
    _fill(engine, 20, [])  # deadlines in the past, but settled
    assert next_moment(engine) is None
    assert due_ticket_pks(engine, AT) == []


@pytest.mark.postgres
def test_postgres_reads_the_next_moment_from_the_running_clocks_indexes(
    postgres_engine: Engine,
) -> None:
    running = [("pending", n, n + 30) for n in range(3000)]
    _fill(postgres_engine, 3000, running)
    with postgres_engine.begin() as connection:
        connection.execute(text("ANALYZE ticket, target_result"))
        for query, index in zip(
            NEXT_MOMENTS,
            ("ix_target_result_pending_at_risk_from", "ix_target_result_open_deadline"),
            strict=True,
        ):
            compiled = query.compile(dialect=connection.dialect)
            assert not compiled.params, f"a bound status: {compiled.params}"
            plan = "\n".join(line for (line,) in connection.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert index in plan, plan
