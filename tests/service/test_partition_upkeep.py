"""The service's partition upkeep: months ahead made, rows moved out of the DEFAULT partition,
months past retention dropped whole and audited, the evaluation year never; nothing on SQLite.

Now is pinned to 15 June 2026 in Shanghai: the evaluation year is 2025–2026 in Shanghai, so it
starts at 2024-12-31 16:00 UTC, inside the UTC month December 2024.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, func, select, text

from collectors.tickets.file_import import parse_records
from monitor import clock
from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.resources import BUCKET
from monitor.service.app import build_service
from monitor.service.locks import Locks
from monitor.service.partition_upkeep import PartitionUpkeep
from monitor.settings import ServiceSettings
from monitor.storage.audit import recent_entries
from monitor.storage.partitions import month_partitions
from monitor.storage.rollups import DAILY, ROLLUP, add_rollups
from tests.conftest import SHANGHAI, local

NOW = local("2026-06-15 12:00")
# The first quarter hour of the evaluation year in Shanghai, and the one before it.
YEAR_OPENS = datetime(2024, 12, 31, 16, 0, tzinfo=UTC)
MONTHS = [datetime(2024 + (9 + m) // 12, (9 + m) % 12 + 1, 1, tzinfo=UTC) for m in range(21)]


def rollup(moment: datetime) -> dict[str, Any]:
    return {
        "metric": "availability",
        "pool": "一云",
        "resource_id": "vm-1",
        "bucket_start": moment,
        "samples": 15,
        "total": 15.0,
        "peak": 1.0,
        "covered_seconds": 900.0,
    }


def store_rollups(engine: Engine) -> None:
    """A quarter hour on the 2nd of every month October 2024 – June 2026, and both sides of
    the evaluation year's first instant."""
    moments = [month + timedelta(days=1) for month in MONTHS]
    moments += [YEAR_OPENS - BUCKET, YEAR_OPENS]
    with engine.begin() as connection:
        add_rollups(connection, [rollup(moment) for moment in moments])


def upkeep(engine: Engine, **months: int | None) -> PartitionUpkeep:
    retention = {"metric_rollup": 13, "metric_rollup_daily": None, "result_change": None}
    return PartitionUpkeep(engine, SHANGHAI, {**retention, **months}, 3, Locks(engine))


def buckets(engine: Engine) -> list[datetime]:
    with engine.connect() as connection:
        query = select(ROLLUP.c.bucket_start).order_by(ROLLUP.c.bucket_start)
        return [moment.astimezone(UTC) for moment in connection.execute(query).scalars()]


def partitions(engine: Engine, table: str) -> list[str]:
    with engine.connect() as connection:
        return [partition.name for partition in month_partitions(connection, table)]


@pytest.mark.postgres
def test_months_past_retention_are_dropped_whole_and_audited_the_evaluation_year_never(
    postgres_engine: Engine,
) -> None:
    store_rollups(postgres_engine)
    done = upkeep(postgres_engine).run(NOW)
    # Thirteen months before June 2026 is May 2025, but the evaluation year reaches further
    # back: only the months that end before it opens go, December 2024 stays.
    assert [partition.name for partition in done.dropped] == [
        "metric_rollup_p202410",
        "metric_rollup_p202411",
    ]
    kept = buckets(postgres_engine)
    assert kept[:3] == [datetime(2024, 12, 2, tzinfo=UTC), YEAR_OPENS - BUCKET, YEAR_OPENS]
    assert datetime(2024, 11, 2, tzinfo=UTC) not in kept
    assert len(kept) == 21 - 2 + 2
    assert partitions(postgres_engine, "metric_rollup")[0] == "metric_rollup_p202412"
    # The daily rollups are kept forever.
    assert "metric_rollup_daily_p202410" in partitions(postgres_engine, "metric_rollup_daily")
    with postgres_engine.connect() as connection:
        days = connection.execute(select(func.count()).select_from(DAILY)).scalar_one()
    assert days == 21 + 2  # the evaluation year's two sides are two days of UTC+08:00
    audited = [e for e in recent_entries(postgres_engine) if e.action == "partition.drop"]
    assert sorted(entry.subject for entry in audited) == [
        "metric_rollup_p202410",
        "metric_rollup_p202411",
    ]
    assert {entry.actor for entry in audited} == {"slamon serve"}
    entry = next(entry for entry in audited if entry.subject == "metric_rollup_p202411")
    assert entry.details["start"] == "2024-11-01T00:00:00+00:00"
    assert entry.details["end"] == "2024-12-01T00:00:00+00:00"


@pytest.mark.postgres
def test_a_one_month_retention_still_keeps_the_evaluation_year(postgres_engine: Engine) -> None:
    store_rollups(postgres_engine)
    upkeep(postgres_engine, metric_rollup=1, result_change=1).run(NOW)
    assert buckets(postgres_engine)[0] == datetime(2024, 12, 2, tzinfo=UTC)
    assert partitions(postgres_engine, "metric_rollup")[0] == "metric_rollup_p202412"


@pytest.mark.postgres
def test_rows_waiting_in_the_default_partition_move_to_their_month_and_months_ahead_are_made(
    postgres_engine: Engine,
) -> None:
    store_rollups(postgres_engine)
    before = buckets(postgres_engine)
    upkeep(postgres_engine, metric_rollup=None).run(NOW)
    assert buckets(postgres_engine) == before
    with postgres_engine.connect() as connection:
        waiting = connection.execute(text("SELECT count(*) FROM metric_rollup_default"))
        assert waiting.scalar_one() == 0
    made = partitions(postgres_engine, "metric_rollup")
    assert made[0] == "metric_rollup_p202410"
    assert made[-4:] == [f"metric_rollup_p2026{month:02d}" for month in (6, 7, 8, 9)]
    assert len(made) == 21 + 3
    assert partitions(postgres_engine, "result_change")[-4:] == [
        f"result_change_p2026{month:02d}" for month in (6, 7, 8, 9)
    ]
    # A second run finds everything in place.
    again = upkeep(postgres_engine, metric_rollup=None).run(NOW)
    assert (again.made, again.dropped) == ([], [])


def test_on_sqlite_the_tables_stay_plain_and_nothing_is_dropped(sqlite_engine: Engine) -> None:
    store_rollups(sqlite_engine)
    before = buckets(sqlite_engine)
    done = upkeep(sqlite_engine, metric_rollup=1).run(NOW)
    assert (done.made, done.dropped) == ([], [])
    assert buckets(sqlite_engine) == before


@pytest.mark.postgres
def test_slamon_serve_runs_the_upkeep_as_a_job_that_drops_the_months_past_retention(
    postgres_engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    store_rollups(postgres_engine)
    settings = ServiceSettings(
        evaluation_interval=timedelta(hours=24), replan_interval=timedelta(hours=1)
    )
    contracts = ContractSet.single(contract, calendar)
    service = build_service(postgres_engine, contracts, settings, AlertingConfig(), parse_records)
    service.scheduler.now = lambda: NOW
    service.scheduler.keep_partitions()  # what the "partitions" job runs
    dropped = [e.subject for e in recent_entries(postgres_engine) if e.action == "partition.drop"]
    assert sorted(dropped) == ["metric_rollup_p202410", "metric_rollup_p202411"]
    assert buckets(postgres_engine)[0] == datetime(2024, 12, 2, tzinfo=UTC)
    service.scheduler.now = clock.now
    service.scheduler.start()
    try:
        job = service.scheduler.scheduler.get_job("partitions")
        assert job is not None and job.trigger.interval == timedelta(hours=6)
    finally:
        service.scheduler.shutdown()


@pytest.mark.postgres
def test_slamon_serve_makes_the_months_partitions_before_any_job_writes(
    postgres_engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    # A partition attached while a statement routes rows to the DEFAULT one fails that
    # statement: the months must exist before the first evaluation stores its changes.
    settings = ServiceSettings(evaluation_interval=timedelta(hours=24))
    contracts = ContractSet.single(contract, calendar)
    service = build_service(postgres_engine, contracts, settings, AlertingConfig(), parse_records)
    service.scheduler.now = lambda: NOW
    seen: dict[str, list[datetime]] = {}
    start_jobs = service.scheduler.scheduler.start

    def start_after_looking() -> None:
        with postgres_engine.connect() as connection:
            for table in ("result_change", "metric_rollup"):
                seen[table] = [p.start for p in month_partitions(connection, table)]
        start_jobs()

    service.scheduler.scheduler.start = start_after_looking  # type: ignore[method-assign]
    service.scheduler.start()
    try:
        wanted = [datetime(2026, month, 1, tzinfo=UTC) for month in (6, 7, 8, 9)]
        for table, months in seen.items():
            assert set(wanted) <= set(months), table
    finally:
        service.scheduler.shutdown()


def test_retention_reads_forever_and_months_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SLAMON_QUARTER_HOUR_RETENTION_MONTHS", "25")
    monkeypatch.setenv("SLAMON_DAILY_RETENTION_MONTHS", "forever")
    settings = ServiceSettings()
    assert settings.quarter_hour_retention_months == 25
    assert settings.daily_retention_months is None
    assert settings.result_change_retention_months is None
    monkeypatch.setenv("SLAMON_QUARTER_HOUR_RETENTION_MONTHS", "0")
    with pytest.raises(ValueError, match="greater than or equal to 1"):
        ServiceSettings()
