"""`slamon db partitions` as a deployment without `slamon serve` runs it from cron: the same
upkeep as the service's job, on PostgreSQL and on SQLite."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Engine

from monitor.cli import cli
from monitor.storage.audit import recent_entries
from monitor.storage.rollups import add_rollups


def slamon(database_url: str, *args: str) -> Result:
    result = CliRunner().invoke(cli, list(args), env={"SLAMON_DATABASE_URL": database_url})
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


def store_quarter_hours(engine: Engine, *moments: datetime) -> None:
    row = {"metric": "availability", "pool": "一云", "resource_id": "vm-1", "samples": 15}
    with engine.begin() as connection:
        add_rollups(
            connection,
            [
                {
                    **row,
                    "bucket_start": moment,
                    "total": 15.0,
                    "peak": 1.0,
                    "covered_seconds": 900.0,
                }
                for moment in moments
            ],
        )


@pytest.mark.postgres
def test_it_drops_the_months_before_the_evaluation_year_and_says_which(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    store_quarter_hours(
        postgres_engine, datetime(2024, 11, 2, tzinfo=UTC), datetime(2024, 12, 2, tzinfo=UTC)
    )
    url = postgres_engine.url.render_as_string(hide_password=False)
    done = slamon(url, "db", "partitions", "--at", "2026-06-15T12:00")
    assert done.exit_code == 0, done.output
    lines = done.output.splitlines()
    assert lines[0].startswith("新建分区 ")
    assert "metric_rollup_p202412" in lines[0] and "metric_rollup_p202609" in lines[0]
    assert lines[1] == "删除分区（已记入审计日志）1 个：metric_rollup_p202411"
    assert [e.subject for e in recent_entries(postgres_engine) if e.action == "partition.drop"] == [
        "metric_rollup_p202411"
    ]


def test_on_sqlite_it_says_there_is_nothing_to_do(tmp_path: Path) -> None:
    done = slamon(f"sqlite:///{tmp_path / 'slamon.db'}", "db", "partitions")
    assert done.exit_code == 0, done.output
    assert done.output == "SQLite 不分区，无需维护\n"
