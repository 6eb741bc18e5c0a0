"""Retention on PostgreSQL: dropping one month's partition vs DELETE of the same rows.

    python bench/bench_partitions.py                          # 1,000,000 rows, 3 repeats
    python bench/bench_partitions.py --rows 5000000 --repeat 1 --json /tmp/partitions.json
    python bench/bench_partitions.py --pg-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Two scratch databases on the server of --pg-url (dropped afterwards): one at migration 0013,
where metric_rollup is one plain table, and one at head, where it is partitioned by UTC month.
Both get the same quarter-hour rows: --rows in February 2024, the oldest month, and as many
again in March and in April, so the month removed is a third of the table and its indexes.
Then, per repeat, with February loaded afresh (not timed):

- delete: `DELETE FROM metric_rollup WHERE bucket_start in February` on the plain table,
  committed, and then the `VACUUM` that gives the space back (timed apart: a DELETE leaves
  dead rows and index entries that the next reads skip until vacuum removes them);
- drop: `monitor.storage.partitions.drop_before` on the partitioned table, what the service's
  upkeep runs: DETACH and DROP of February's partition and its audit row, committed.

Each side checks that February is gone and March and April are whole. Nothing here asserts a
time; the medians and their ratios are printed and written as JSON with --json.
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from monitor.domain.retention import add_months
from monitor.storage.db import make_engine, upgrade
from monitor.storage.partitions import drop_before, month_partitions, prepare_months

MONTH = datetime(2024, 2, 1, tzinfo=UTC)  # the month removed: the oldest
NEIGHBOURS = (add_months(MONTH, 1), add_months(MONTH, 2))
BUCKETS_IN_28_DAYS = 28 * 96  # quarter hours every month of the three has
LOAD = text(
    "INSERT INTO metric_rollup "
    "(metric, pool, resource_id, bucket_start, samples, total, peak, covered_seconds) "
    "SELECT 'availability', '一云', 'vm-' || (g % :resources), "
    "CAST(:month AS timestamptz) + (g / :resources) * interval '15 minutes', "
    "15, 15.0 - (g % 3), 1.0, 900.0 FROM generate_series(0, :rows - 1) AS g"
)
IN_MONTH = "bucket_start >= :a AND bucket_start < :b"


@contextmanager
def scratch_database(admin_url: str, revision: str) -> Iterator[Engine]:
    """A new database at `revision` on the server of `admin_url`, dropped afterwards."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    name = f"slamon_bench_partitions_{uuid.uuid4().hex[:10]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    engine = make_engine(url)
    try:
        upgrade(engine, revision)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def load_month(engine: Engine, month: datetime, rows: int) -> None:
    resources = math.ceil(rows / BUCKETS_IN_28_DAYS)
    with engine.begin() as connection:
        connection.execute(LOAD, {"month": month, "rows": rows, "resources": resources})
    with engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(
            text("VACUUM ANALYZE metric_rollup")
        )


def rows_in(engine: Engine, month: datetime) -> int:
    with engine.connect() as connection:
        query = text(f"SELECT count(*) FROM metric_rollup WHERE {IN_MONTH}")
        return int(connection.execute(query, {"a": month, "b": add_months(month, 1)}).scalar_one())


def timed(work: Callable[[], Any]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def delete_month(engine: Engine) -> tuple[float, float]:
    """Seconds of the DELETE (committed) and of the VACUUM after it."""

    def delete() -> None:
        with engine.begin() as connection:
            bounds = {"a": MONTH, "b": add_months(MONTH, 1)}
            connection.execute(text(f"DELETE FROM metric_rollup WHERE {IN_MONTH}"), bounds)

    def vacuum() -> None:
        with engine.connect() as connection:
            autocommit = connection.execution_options(isolation_level="AUTOCOMMIT")
            autocommit.execute(text("VACUUM metric_rollup"))

    return timed(delete), timed(vacuum)


def drop_month(engine: Engine) -> float:
    """Seconds of DETACH + DROP of the month's partition (audited), committed."""

    def drop() -> None:
        with engine.begin() as connection:
            gone = drop_before(
                connection, "metric_rollup", add_months(MONTH, 1), now=MONTH, actor="bench"
            )
        assert [partition.start for partition in gone] == [MONTH], gone

    return timed(drop)


def run(pg_url: str, rows: int, repeat: int) -> dict[str, Any]:
    deletes: list[float] = []
    vacuums: list[float] = []
    drops: list[float] = []
    with (
        scratch_database(pg_url, "0013") as plain,
        scratch_database(pg_url, "heads") as partitioned,
    ):
        with partitioned.begin() as connection:
            prepare_months(connection, "metric_rollup", NEIGHBOURS)
        for engine in (plain, partitioned):
            for month in NEIGHBOURS:
                load_month(engine, month, rows)
        for round_ in range(repeat):
            with partitioned.begin() as connection:
                prepare_months(connection, "metric_rollup", [MONTH])
            for engine in (plain, partitioned):
                load_month(engine, MONTH, rows)
                assert rows_in(engine, MONTH) == rows
            delete, vacuum = delete_month(plain)
            drop = drop_month(partitioned)
            for engine in (plain, partitioned):
                assert rows_in(engine, MONTH) == 0
                assert [rows_in(engine, month) for month in NEIGHBOURS] == [rows, rows]
            with partitioned.connect() as connection:
                left = [p.start for p in month_partitions(connection, "metric_rollup")]
            assert left == list(NEIGHBOURS), left
            deletes.append(delete)
            vacuums.append(vacuum)
            drops.append(drop)
            print(
                f"round {round_ + 1}: delete {delete:.3f} s, vacuum {vacuum:.3f} s, "
                f"drop {drop:.4f} s",
                flush=True,
            )
    delete, vacuum, drop = (statistics.median(xs) for xs in (deletes, vacuums, drops))
    return {
        "rows": rows,
        "table_rows": 3 * rows,
        "repeat": repeat,
        "delete_s": delete,
        "vacuum_s": vacuum,
        "drop_s": drop,
        "delete_over_drop": delete / drop,
        "delete_and_vacuum_over_drop": (delete + vacuum) / drop,
        "python": platform.python_version(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows in the month removed")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--pg-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
        help="a database on the server where the scratch databases are made",
    )
    parser.add_argument("--json", type=Path, help="write the figures here as JSON")
    args = parser.parse_args(argv)
    figures = run(args.pg_url, args.rows, args.repeat)
    delete, vacuum, drop = figures["delete_s"], figures["vacuum_s"], figures["drop_s"]
    print(f"\none month of {figures['rows']:,} quarter-hour rows, of {figures['table_rows']:,}")
    print("| removal | median s | × the drop |")
    print("|---|---:|---:|")
    print(f"| DELETE (committed) | {delete:.3f} | {figures['delete_over_drop']:.1f} |")
    both = figures["delete_and_vacuum_over_drop"]
    print(f"| DELETE, then VACUUM | {delete + vacuum:.3f} | {both:.1f} |")
    print(f"| DETACH + DROP of the partition | {drop:.4f} | 1 |")
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
