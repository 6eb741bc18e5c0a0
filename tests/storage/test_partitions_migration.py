"""Migration 0014: a database with rollups and result changes in it is converted to monthly
partitions on PostgreSQL (plain tables stay on SQLite) with every row, id and result kept, and
the upserts and evaluations afterwards work on the partitioned tables."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from alembic import command
from sqlalchemy import Engine, select, text

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.resources import BUCKET
from monitor.runs.evaluate import run_evaluation
from monitor.storage.db import alembic_config, current_revision, upgrade
from monitor.storage.partitions import PARTITIONED, is_partitioned, month_partitions
from monitor.storage.results import RESULT_TABLE
from monitor.storage.rollups import add_rollups, rollup_sums
from monitor.storage.tickets import upsert_tickets
from tests.conftest import local

IMPORTED = datetime(2024, 11, 1, tzinfo=UTC)
COLUMNS = ["source", "ticket_id", "kind", "severity", "reported_at", "arrived_at", "restored_at"]
# Evaluations in three UTC months: the result changes span them.
EVALUATED = [local("2024-11-20 12:00"), local("2024-12-10 12:00"), local("2025-01-15 12:00")]
ROLLUPS_FROM = datetime(2024, 11, 28, tzinfo=UTC)  # every other quarter hour into January


def fault(ticket_id: str, reported: str, **values: object) -> dict[str, object]:
    return {
        "source": "file",
        "ticket_id": ticket_id,
        "kind": "fault",
        "severity": "major",
        "reported_at": local(reported),
        "arrived_at": None,
        "restored_at": None,
        **values,
    }


def rollups(scale: float = 1.0) -> list[dict[str, Any]]:
    return [
        {
            "metric": "availability",
            "pool": "一云",
            "resource_id": rid,
            "bucket_start": ROLLUPS_FROM + BUCKET * i,
            "samples": 15,
            "total": scale * float(i % 16),
            "peak": float(i % 2),
            "covered_seconds": 900.0,
        }
        for rid in ("vm-1", "vm-2", "vm-3")
        for i in range(0, 3600, 2)
    ]


def rows_of(engine: Engine, table: str) -> tuple[int, str, list[tuple[Any, ...]]]:
    """Every row of `table` by id: their number, a SHA-256 over them, and the rows."""
    with engine.connect() as connection:
        rows = [
            tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY id"))
        ]
    digest = hashlib.sha256(repr(rows).encode()).hexdigest()
    return len(rows), digest, rows


def partitioned(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return [table for table in PARTITIONED if is_partitioned(connection, table)]


def results(engine: Engine) -> list[tuple[Any, ...]]:
    with engine.connect() as connection:
        query = select(RESULT_TABLE).order_by(RESULT_TABLE.c.id)
        return [tuple(row) for row in connection.execute(query)]


def test_a_database_with_data_is_partitioned_keeping_every_row_and_result(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    command.downgrade(alembic_config(engine), "0013")
    assert partitioned(engine) == []
    contracts = ContractSet.single(contract, calendar)
    with engine.begin() as connection:
        upsert_tickets(
            connection,
            [
                fault("A", "2024-11-18 10:00", arrived_at=local("2024-11-18 10:20")),
                fault("B", "2024-11-19 09:00"),
                fault("C", "2024-12-09 09:00", arrived_at=local("2024-12-09 09:10")),
                fault("E", "2025-01-15 09:00"),
            ],
            COLUMNS,
            IMPORTED,
        )
        add_rollups(connection, rollups())
    for at in EVALUATED:
        run_evaluation(engine, contracts, at)
    before = {table: rows_of(engine, table) for table in PARTITIONED}
    assert all(count for count, _, _ in before.values())
    judged = results(engine)
    month_sums = rollup_sums(engine, "availability", local("2024-12-01 00:00"), local("2025-01-01"))

    # To 0017: the rows were written as today's code writes them (days of UTC+08:00), which
    # 0018 would take for the UTC days a database at 0017 holds.
    upgrade(engine, "0017")

    assert current_revision(engine) == "0017"
    after = {table: rows_of(engine, table) for table in PARTITIONED}
    for table in PARTITIONED:
        assert after[table][:2] == before[table][:2], table  # count and checksum
        assert after[table][2] == before[table][2], table
    assert results(engine) == judged
    assert rollup_sums(engine, "availability", local("2024-12-01"), local("2025-01-01")) == (
        month_sums
    )
    if engine.dialect.name == "postgresql":
        assert partitioned(engine) == list(PARTITIONED)
        with engine.connect() as connection:
            months = {t: [p.name for p in month_partitions(connection, t)] for t in PARTITIONED}
            waiting = connection.execute(text("SELECT count(*) FROM metric_rollup_default"))
            assert waiting.scalar_one() == 0
        assert months["metric_rollup"] == [
            "metric_rollup_p202411",
            "metric_rollup_p202412",
            "metric_rollup_p202501",
        ]
        assert months["result_change"] == [
            "result_change_p202411",
            "result_change_p202412",
            "result_change_p202501",
        ]
    else:
        assert partitioned(engine) == []

    # The same evaluation changes nothing; the series upserts (ON CONFLICT) still add up.
    again = run_evaluation(engine, contracts, EVALUATED[-1])
    assert again.stored is not None and again.stored.changes == 0
    assert results(engine) == judged
    with engine.begin() as connection:
        add_rollups(connection, rollups())
    doubled = rollup_sums(engine, "availability", local("2024-12-01"), local("2025-01-01"))
    assert doubled == {rid: counts + counts for rid, counts in month_sums.items()}
    # A month without its partition yet is stored all the same (the DEFAULT partition).
    with engine.begin() as connection:
        upsert_tickets(connection, [fault("D", "2025-03-10 09:00")], COLUMNS, IMPORTED)
    later = run_evaluation(engine, contracts, local("2025-03-10 12:00"))
    assert later.stored is not None and later.stored.changes > 0
    assert rows_of(engine, "result_change")[0] == before["result_change"][0] + later.stored.changes
