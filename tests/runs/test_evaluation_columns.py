"""Tickets read as columns and results stored from columns: the same as the object paths.

load_ticket_columns must give back exactly the tickets load_tickets gives (every event, the
size, histories), and store_result_columns must leave exactly the rows, flips and counts
store_results leaves, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, event, select

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.columns import ResultList
from monitor.domain.tickets import EVENT_FIELDS, TargetResult, Ticket
from monitor.rules.status import evaluate
from monitor.runs.evaluate import judge_loaded
from monitor.storage.columnar.results import store_result_columns
from monitor.storage.columnar.tickets import LoadedColumns, load_ticket_columns
from monitor.storage.results import CHANGE_TABLE, RESULT_TABLE, store_results
from monitor.storage.ticket_events import replace_histories
from monitor.storage.tickets import TICKET_FIELDS, load_tickets, upsert_tickets
from tests.conftest import local

IMPORTED = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)
REPORTED = local("2024-06-03 10:00")  # a Monday


def ticket(ticket_id: str, kind: str, severity: str | None, **values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {name: None for name in TICKET_FIELDS}
    row.update(source="file", ticket_id=ticket_id, kind=kind, severity=severity)
    row.update({"reported_at": REPORTED, **values})
    return row


ROWS = [
    # Arrived exactly on the deadline; restored a microsecond late; report on working days.
    ticket(
        "GZ-1",
        "fault",
        "major",
        arrived_at=local("2024-06-03 10:30"),
        restored_at=local("2024-06-03 12:00:00.000001"),
        report_submitted_at=local("2024-06-06 09:00"),
        closed_at=local("2024-06-07 09:00"),
        pool="一云",
        title="数据库主机宕机",
    ),
    ticket("GZ-2", "fault", "significant"),  # open: pending, at risk, then breached
    ticket("HF-1", "restore", None, responded_at=local("2024-06-03 10:20"), restore_size_gb=700.3),
    ticket("HF-2", "restore", None, responded_at=local("2024-06-03 10:20")),  # no size
    ticket("JK-1", "monitoring", None, closed_at=local("2024-06-03 18:00")),  # missing evidence
    ticket("FW-1", "request", None, responded_at=local("2024-06-03 10:05")),  # no target
    ticket("YC-1", "anomaly", None, reported_at=local("2024-06-04 09:00")),  # reported later
    ticket("GZ-3", "fault", "major"),  # paused while awaiting the user (a history)
]


def stored(engine: Engine) -> None:
    with engine.begin() as connection:
        upsert_tickets(connection, ROWS, TICKET_FIELDS, IMPORTED)
        pause = {
            "kind": "pause",
            "start": REPORTED + timedelta(minutes=10),
            "end": REPORTED + timedelta(hours=1),
            "value": "awaiting_user",
        }
        replace_histories(connection, "file", {"GZ-3": [pause]})


def test_tickets_read_as_columns_are_the_tickets_load_tickets_reads(engine: Engine) -> None:
    stored(engine)
    expected = load_tickets(engine)
    loaded = load_ticket_columns(engine)
    assert list(loaded.stored().tickets) == expected.tickets
    assert dict(loaded.stored().primary_keys) == expected.primary_keys
    assert expected.tickets[-1].pauses  # the history came along
    some = [expected.primary_keys[("file", "GZ-1")], expected.primary_keys[("file", "GZ-3")]]
    chosen = load_ticket_columns(engine, ids=some).stored()
    assert [t.ticket_id for t in chosen.tickets] == ["GZ-1", "GZ-3"]
    assert chosen.tickets[1].pauses == expected.tickets[-1].pauses


def test_column_results_are_exactly_the_rules_results(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    stored(engine)
    tickets = load_tickets(engine).tickets
    for now in (local("2024-06-03 10:30"), local("2024-06-03 13:40"), local("2024-06-20 00:00")):
        assert list(
            evaluate_loaded(load_ticket_columns(engine), contract, calendar, now)
        ) == reference(tickets, contract, calendar, now)


def evaluate_loaded(
    loaded: LoadedColumns, contract: Contract, calendar: BusinessCalendar, now: datetime
) -> ResultList:
    """The column path's results of one contract (naming it, as a whole evaluation does)."""
    judged = judge_loaded(loaded, ContractSet.single(contract, calendar), now)
    return judged.result_list(loaded.lazy_keys())


def reference(
    tickets: list[Ticket], contract: Contract, calendar: BusinessCalendar, now: datetime
) -> list[TargetResult]:
    """The reference rules' results, naming the contract as the column path does."""
    ref = ContractSet.single(contract, calendar).primary.ref
    return [replace(result, contract=ref) for result in evaluate(tickets, contract, calendar, now)]


def snapshot(connection: Connection) -> tuple[list[Any], list[Any]]:
    results = connection.execute(select(RESULT_TABLE).order_by(RESULT_TABLE.c.id)).all()
    changes = connection.execute(select(CHANGE_TABLE).order_by(CHANGE_TABLE.c.id)).all()
    drop_id = [tuple(row)[1:] for row in results], [tuple(row)[1:] for row in changes]
    return sorted(drop_id[0], key=repr), sorted(drop_id[1], key=repr)


def test_storing_columns_leaves_what_store_results_leaves_at_every_step(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    stored(engine)
    steps = [
        local("2024-06-03 10:10"),  # first run: everything inserted
        local("2024-06-03 10:10"),  # nothing changed
        local("2024-06-03 13:40"),  # at risk and breached flips
        local("2024-06-20 00:00"),  # later stops arrive
    ]
    for number, now in enumerate(steps):
        if number == 3:
            with engine.begin() as connection:  # a stop arrives late; a target stops applying
                later = {**ROWS[1], "restored_at": local("2024-06-03 15:00")}
                gone = {**ROWS[4], "kind": "request"}
                upsert_tickets(connection, [later, gone], TICKET_FIELDS, IMPORTED)
        loaded = load_tickets(engine)
        columns = load_ticket_columns(engine)
        with engine.connect() as connection:
            with connection.begin() as transaction:
                results = reference(list(loaded.tickets), contract, calendar, now)
                expected = store_results(connection, results, loaded.primary_keys, now)
                expected_rows = snapshot(connection)
                transaction.rollback()
            with connection.begin():
                found = evaluate_loaded(columns, contract, calendar, now)
                counts = store_result_columns(connection, found, columns.pks, now)
                assert counts == expected
                assert snapshot(connection) == expected_rows
        assert (number, counts.changes > 0) != (1, True)  # the re-run wrote nothing


def test_storing_columns_for_some_tickets_leaves_the_others_alone(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    stored(engine)
    now = local("2024-06-03 13:40")
    everything = load_ticket_columns(engine)
    with engine.begin() as connection:
        store_result_columns(
            connection, evaluate_loaded(everything, contract, calendar, now), everything.pks, now
        )
    pks = everything.pks.tolist()[:2]
    some = load_ticket_columns(engine, ids=pks)
    later = local("2024-06-03 20:00")
    with engine.begin() as connection:
        before = snapshot(connection)
        counts = store_result_columns(
            connection, evaluate_loaded(some, contract, calendar, later), some.pks, later, scope=pks
        )
        after = snapshot(connection)
    assert counts.removed == 0
    untouched = [row for row in before[0] if row[0] not in pks]
    assert [row for row in after[0] if row[0] not in pks] == untouched
    assert {flip.ticket_pk for flip in counts.flips} <= set(pks)


def test_every_event_column_survives_the_round_trip(engine: Engine) -> None:
    moments = {
        name: REPORTED + timedelta(minutes=i, microseconds=i) for i, name in enumerate(EVENT_FIELDS)
    }
    with engine.begin() as connection:
        upsert_tickets(
            connection, [ticket("X-1", "fault", "major", **moments)], TICKET_FIELDS, IMPORTED
        )
    [got] = load_ticket_columns(engine).stored().tickets
    assert {name: got.event(name) for name in EVENT_FIELDS} == moments


def test_walking_every_loaded_ticket_reads_their_text_in_bulk(engine: Engine) -> None:
    # One query per ticket took half an hour for a million; walking them must stay a few reads.
    rows = [ticket(f"BULK-{n}", "fault", "general", title=f"第{n}号") for n in range(3000)]
    with engine.begin() as connection:
        upsert_tickets(connection, rows, TICKET_FIELDS, IMPORTED)
    loaded = load_ticket_columns(engine)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", count)
    try:
        tickets = list(loaded.stored().tickets)
        some = loaded.stored().tickets[10:20]
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(tickets) == 3000
    assert {t.title for t in tickets} == {f"第{n}号" for n in range(3000)}
    assert [t.ticket_id for t in some] == [t.ticket_id for t in tickets[10:20]]
    assert len(statements) <= 3, statements[:5]
