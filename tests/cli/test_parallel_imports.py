"""Four `slamon import tickets` at once, of files that share most of their tickets: every
import succeeds (no deadlock, no "database is locked"), and the database ends as a serial
import of the same files leaves it.

Each round starts four real `python -m monitor import tickets` subprocesses together, one per
file; a file holds 6,000 of 8,000 tickets (any two share 4,000), shuffled its own way, and
three bad rows. The first round inserts, the second imports the same files with every title
changed (updates). A ticket's row is the same in every file of a round, so the order the
imports commit in cannot change the end state; what a serial import of the eight files stores
is compared with it.

So that the four are writing at the same moment however the machine schedules them, a fifth
writer holds some of the tickets (every 500th) in an open transaction until all four wait for
it (PostgreSQL: four sessions waiting for a lock; SQLite, which shows no waiters: a few
seconds), then rolls back: the four then go on from the middle of their writes together.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.tickets import TICKET_FIELDS, upsert_tickets
from tests.serving import service_env, wait_until

pytestmark = pytest.mark.slow
TICKETS = 8_000
PER_FILE = 6_000
FILES = 4
BAD_ROWS = 3  # per file: a report time that is no time
HEADERS = ["工单编号", "类型", "故障等级", "资源池", "运营单位", "标题", "报障时间", "恢复时间"]
NOW = datetime.fromisoformat("2026-01-01T00:00:00+08:00")
SHANGHAI = ZoneInfo("Asia/Shanghai")
FIELDS = ["source", "ticket_id", "kind", "severity", "pool", "operator", "title", "reported_at"]
HELD = range(250, TICKETS, 500)  # the tickets the fifth writer holds
SQLITE_HOLD_SECONDS = 5.0


def ticket_values(number: int, title: str) -> list[Any]:
    """A ticket of ticket_row as stored: FIELDS' values."""
    reported = datetime(2022, 1, 1, tzinfo=SHANGHAI) + timedelta(minutes=7 * number)
    severity, pool = ("major", "general")[number % 2], ("一云", "二云")[number % 2]
    title = f"{title} {number}"
    return ["file", f"GZ-{number:07d}", "fault", severity, pool, "某运营单位", title, reported]


def lock_waiters(engine: Engine) -> int:
    """How many sessions of the database wait for a lock."""
    with engine.connect() as connection:
        return int(
            connection.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
            ).scalar_one()
        )


def ticket_row(number: int, title: str) -> list[str]:
    reported = datetime(2022, 1, 1) + timedelta(minutes=7 * number)
    return [
        f"GZ-{number:07d}",
        "故障",
        ("重大", "一般")[number % 2],
        ("一云", "二云")[number % 2],
        "某运营单位",
        f"{title} {number}",
        f"{reported:%Y-%m-%d %H:%M}",
        f"{reported + timedelta(hours=1):%Y-%m-%d %H:%M}",
    ]


def write_round(folder: Path, title: str) -> list[Path]:
    """FILES files, each PER_FILE of the TICKETS tickets in its own order, and BAD_ROWS."""
    folder.mkdir()
    paths = []
    for place in range(FILES):
        rng = random.Random(place)
        # Every ticket but a quarter of them, its own quarter: any two files share half.
        left_out = range(place * (TICKETS - PER_FILE), (place + 1) * (TICKETS - PER_FILE))
        numbers = [number for number in range(TICKETS) if number not in left_out]
        rng.shuffle(numbers)
        rows = [ticket_row(number, title) for number in numbers]
        for bad in range(BAD_ROWS):
            row = ticket_row(bad, title)
            row[0], row[6] = f"BAD-{place}-{bad}", "2022-13-45 25:00"
            rows.insert(rng.randrange(len(rows)), row)
        path = folder / f"tickets_{place}.csv"
        with path.open("w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(HEADERS)
            writer.writerows(rows)
        paths.append(path)
    return paths


def import_together(
    paths: list[Path], engine: Engine, workdir: Path, title: str
) -> list[tuple[int, str]]:
    """(exit code, stderr) of each import, all started while another writer holds some of
    their tickets, released once they all wait."""
    env = service_env(workdir, engine.url.render_as_string(hide_password=False))
    holder = engine.connect()
    held = holder.begin()
    rows = [dict(zip(FIELDS, ticket_values(number, title), strict=True)) for number in HELD]
    upsert_tickets(holder, rows, FIELDS, NOW)
    importers = [
        subprocess.Popen(
            [sys.executable, "-m", "monitor", "import", "tickets", str(path)],
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for path in paths
    ]
    try:
        if engine.dialect.name == "postgresql":
            assert wait_until(lambda: lock_waiters(engine) >= FILES, timeout=120, step=0.1)
        else:
            time.sleep(SQLITE_HOLD_SECONDS)
    finally:
        held.rollback()
        holder.close()
    outcomes = []
    for importer in importers:
        _out, err = importer.communicate(timeout=300)
        outcomes.append((importer.returncode, err))
    return outcomes


@contextmanager
def second_database(engine: Engine, tmp_path: Path) -> Iterator[Engine]:
    """A fresh database of the same kind as `engine`, for the serial import."""
    if engine.dialect.name == "sqlite":
        serial = make_engine(f"sqlite:///{tmp_path / 'serial.db'}")
        ensure_schema(serial)
        yield serial
        serial.dispose()
        return
    admin = create_engine(
        engine.url.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    name = f"slamon_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    serial = make_engine(make_url(engine.url).set(database=name).render_as_string(False))
    try:
        ensure_schema(serial)
        yield serial
    finally:
        serial.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def end_state(engine: Engine) -> dict[str, Any]:
    """What an import leaves: the tickets, the runs' totals, the rejected rows by file."""
    listed = ", ".join(TICKET_FIELDS)
    with engine.connect() as connection:
        tickets = set(connection.execute(text(f"SELECT {listed} FROM ticket")).all())
        runs = Counter(
            (Path(path).parent.name, Path(path).name, read, rejected)
            for path, read, rejected in connection.execute(
                text("SELECT path, rows_read, rows_rejected FROM import_run")
            )
        )
        totals = connection.execute(
            text("SELECT sum(rows_stored), sum(rows_unchanged) FROM import_run")
        ).one()
        rejected = Counter(
            (Path(path).parent.name, Path(path).name, line, ticket_id, raw)
            for path, line, ticket_id, raw in connection.execute(
                text(
                    "SELECT import_run.path, line, ticket_id, raw FROM rejected_row "
                    "JOIN import_run ON import_run.id = rejected_row.import_run_id"
                )
            )
        )
    return {"tickets": tickets, "runs": runs, "totals": tuple(totals), "rejected": rejected}


def test_four_parallel_imports_of_overlapping_files_end_as_a_serial_import(
    tmp_path: Path, engine: Engine, contract: Contract
) -> None:
    rounds = [write_round(tmp_path / "故障", "故障"), write_round(tmp_path / "更新", "更新")]
    for paths in rounds:
        outcomes = import_together(paths, engine, tmp_path, paths[0].parent.name)
        # 3: some rows rejected, the good ones stored; never 1 or 2 (a failed write).
        assert [code for code, _err in outcomes] == [3] * FILES, outcomes
        assert not any("错误" in err for _code, err in outcomes), outcomes

    with second_database(engine, tmp_path) as serial:
        for paths in rounds:
            for path in paths:
                import_tickets(serial, path, contract, source="file", now=NOW)
        expected = end_state(serial)
    found = end_state(engine)

    assert len(found["tickets"]) == TICKETS
    assert {ticket[TICKET_FIELDS.index("title")] for ticket in found["tickets"]} == {
        f"更新 {number}" for number in range(TICKETS)
    }
    # Each ticket inserted once in the first round and updated once in the second.
    assert found["totals"] == (2 * TICKETS, 2 * FILES * PER_FILE - 2 * TICKETS)
    assert sum(found["rejected"].values()) == 2 * FILES * BAD_ROWS
    assert found == expected
