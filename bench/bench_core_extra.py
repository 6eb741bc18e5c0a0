"""bench_core's PostgreSQL rows and its peak-memory import, kept apart from the SQLite rounds.

- `pg_round`: import_tickets into an emptied PostgreSQL database, and two floors: psycopg's
  COPY of the same parsed rows into a plain table with the ticket columns (no key, no index),
  and the same COPY into slamon's (emptied) ticket table, with its unique key and indexes.
- `rss_import`: import_tickets of an N-row file in a child process; its ru_maxrss (os.wait4)
  is the honest peak: SQLite's and the driver's C memory included, nothing else in it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text

from collectors.tickets.file_import import import_tickets
from monitor.contract.model import load_contract
from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.tickets import TICKET_TABLE

_COPY_TABLE = "bench_copy_floor"


def pg_engine(url: str) -> Engine:
    engine = make_engine(url)
    ensure_schema(engine)
    return engine


def _empty(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("TRUNCATE ticket, import_run RESTART IDENTITY CASCADE"))


def pg_round(
    engine: Engine,
    csv_path: Path,
    tickets: list[dict[str, Any]],
    measure: Callable[[str, Callable[[], Any]], Any],
    source: str,
    now: Any,
) -> None:
    """pg.import.first, pg.import.again and baseline.pg_copy, each on the state it needs."""
    contract = load_contract()
    _empty(engine)

    def run() -> Any:
        return import_tickets(engine, csv_path, contract, source=source, now=now)

    measure("pg.import.first", run)
    measure("pg.import.again", run)
    _empty(engine)
    columns = ["source", *(c.name for c in TICKET_TABLE.columns if c.name not in ("id", "source"))]
    stamps = {"created_at": now, "updated_at": now}
    rows = [tuple(stamps.get(name) or ticket.get(name) for name in columns) for ticket in tickets]
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {_COPY_TABLE}"))
        connection.execute(
            text(
                f"CREATE TABLE {_COPY_TABLE} AS SELECT {', '.join(columns)} "
                "FROM ticket WITH NO DATA"
            )
        )

    def copy() -> None:
        with engine.begin() as connection:
            connection.execute(text(f"TRUNCATE {_COPY_TABLE}"))
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(f"COPY {_COPY_TABLE} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    measure("baseline.pg_copy", copy)
    with engine.begin() as connection:
        connection.execute(text(f"DROP TABLE IF EXISTS {_COPY_TABLE}"))
    _empty(engine)

    def copy_into_ticket() -> None:
        with engine.begin() as connection:
            cursor = connection.connection.driver_connection.cursor()  # type: ignore[union-attr]
            with cursor.copy(f"COPY ticket ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)

    # The second floor: the same COPY into slamon's ticket table, key and indexes and all.
    measure("baseline.pg_copy_ticket", copy_into_ticket)
    _empty(engine)


def rss_import(csv_path: Path, workdir: Path, source: str) -> dict[str, Any]:
    """Import `csv_path` into a fresh SQLite file in a child process; its seconds and peak RSS."""
    database = workdir / "rss.db"
    for leftover in (database, Path(f"{database}-wal"), Path(f"{database}-shm")):
        leftover.unlink(missing_ok=True)
    report = workdir / "rss-report.json"
    argv = [sys.executable, __file__, str(csv_path), str(database), source, str(report)]
    started = time.perf_counter()
    process = subprocess.Popen(argv)
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"the import child failed with exit code {process.returncode}")
    rss_kib = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return {
        **json.loads(report.read_text(encoding="utf-8")),
        "seconds": seconds,
        "peak_rss_mib": rss_kib / 1024,
        "csv_mib": csv_path.stat().st_size / 2**20,
        "method": "ru_maxrss of a child process that only imports the file (os.wait4)",
    }


def _child(csv_path: str, database: str, source: str, report_path: str) -> None:
    from datetime import UTC, datetime

    engine = make_engine(f"sqlite:///{database}")
    ensure_schema(engine)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    started = time.perf_counter()
    report = import_tickets(engine, Path(csv_path), load_contract(), source=source, now=now)
    found = {
        "rows": report.rows_read,
        "inserted": report.inserted,
        "rejected": report.rejected_rows,
        "import_seconds": time.perf_counter() - started,
    }
    Path(report_path).write_text(json.dumps(found), encoding="utf-8")


if __name__ == "__main__":
    _child(*sys.argv[1:5])
