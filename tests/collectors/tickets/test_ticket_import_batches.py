"""A ticket file imported a few rows at a time: the same result as all at once.

import_tickets parses and upserts `batch_rows` rows at a time (20,000 by default) inside one
transaction. These tests use batches of 1–3 rows so that a ticket repeated in the file lands
in different batches, and compare with one batch holding the whole file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select

from collectors.files.import_report import ImportReport
from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from monitor.storage.tables import ImportRunRow, RejectedRow, TicketRow

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
IMPORT_RUN = ImportRunRow.__table__  # type: ignore[attr-defined]
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]
NOW = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)
LATER = datetime(2023, 1, 6, 9, 0, tzinfo=UTC)
HEADER = "工单编号,类型,报障时间,恢复时间\n"
WHOLE_FILE = 10**9  # one batch holds every row: the behaviour before batching


def write(tmp_path: Path, name: str, rows: list[str]) -> Path:
    path = tmp_path / name
    path.write_text(HEADER + "".join(row + "\n" for row in rows), encoding="utf-8")
    return path


def run(
    engine: Engine, contract: Contract, path: Path, batch_rows: int, now: datetime = NOW
) -> ImportReport:
    return import_tickets(engine, path, contract, source="file", now=now, batch_rows=batch_rows)


def counts(report: ImportReport) -> tuple[int, ...]:
    return (
        report.rows_read,
        report.inserted,
        report.updated,
        report.unchanged,
        report.duplicate_rows,
        report.rejected_rows,
    )


def stored(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as connection:
        rows = connection.execute(select(TICKET).order_by(TICKET.c.ticket_id))
        return {row.ticket_id: {**row._asdict(), "id": None} for row in rows}


def rejections(engine: Engine) -> list[tuple[int, str | None, str | None, str]]:
    query = select(REJECTED.c.line, REJECTED.c.ticket_id, REJECTED.c.column_name, REJECTED.c.reason)
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(REJECTED.c.line))]


def runs(engine: Engine) -> list[tuple[int, int, int, int]]:
    query = select(
        IMPORT_RUN.c.rows_read,
        IMPORT_RUN.c.rows_stored,
        IMPORT_RUN.c.rows_unchanged,
        IMPORT_RUN.c.rows_rejected,
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query.order_by(IMPORT_RUN.c.id))]


def restored(engine: Engine, ticket_id: str) -> datetime | None:
    return stored(engine)[ticket_id]["restored_at"]  # type: ignore[no-any-return]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


MIXED = [
    "A-1,故障,2022-08-10 11:41,2022-08-10 13:00",  # line 2
    "B-1,故障,2022-08-10 12:00,2022-08-10 13:00",
    "C-1,故障,not a time,",  # line 4: bad
    "A-1,故障,2022-08-10 11:41,2022-08-10 14:00",  # line 5: A-1 again, wins
    "D-1,故障,2022-08-10 12:00,",
    "B-1,nonsense,2022-08-10 12:00,2022-08-10 15:00",  # line 7: B-1's last row is bad
    "E-1,故障,2022-08-10 12:00,",
    "A-1,故障,2022-08-10 11:41,2022-08-10 16:00",  # line 9: A-1 a third time, wins
    "C-1,故障,2022-08-10 12:00,",  # line 10: C-1's only good row
]


@pytest.mark.parametrize("batch_rows", [1, 2, 3])
def test_small_batches_store_and_count_exactly_what_one_batch_does(
    engine: Engine, contract: Contract, tmp_path: Path, batch_rows: int
) -> None:
    path = write(tmp_path, "mixed.csv", MIXED)
    whole = run(engine, contract, path, WHOLE_FILE)
    expected = (stored(engine), rejections(engine), runs(engine), counts(whole))
    assert counts(whole) == (9, 5, 0, 0, 2, 2)
    assert restored(engine, "A-1") == utc("2022-08-10 08:00")
    assert restored(engine, "B-1") == utc("2022-08-10 05:00")
    with engine.begin() as connection:
        for table in (REJECTED, IMPORT_RUN, TICKET):
            connection.execute(table.delete())

    report = run(engine, contract, path, batch_rows)
    assert (stored(engine), rejections(engine), runs(engine), counts(report)) == expected
    assert [p.line for p in report.problems] == [p.line for p in whole.problems] == [4, 7]


@pytest.mark.parametrize("batch_rows", [1, 2, WHOLE_FILE])
def test_a_ticket_inserted_by_one_batch_and_repeated_in_a_later_one_is_one_insert(
    engine: Engine, contract: Contract, tmp_path: Path, batch_rows: int
) -> None:
    rows = [f"X-{n},故障,2022-08-10 12:00," for n in range(5)]
    rows.append("X-0,故障,2022-08-10 12:00,2022-08-10 18:00")  # X-0 again, 5 rows later
    report = run(engine, contract, write(tmp_path, "t.csv", rows), batch_rows)
    assert counts(report) == (6, 5, 0, 0, 1, 0)
    ticket = stored(engine)["X-0"]
    assert (ticket["restored_at"], ticket["created_at"], ticket["updated_at"]) == (
        utc("2022-08-10 10:00"),
        NOW,
        NOW,
    )


@pytest.mark.parametrize("batch_rows", [1, 2, WHOLE_FILE])
def test_reimporting_a_file_that_repeats_tickets_across_batches_changes_nothing(
    engine: Engine, contract: Contract, tmp_path: Path, batch_rows: int
) -> None:
    path = write(tmp_path, "mixed.csv", MIXED)
    run(engine, contract, path, batch_rows)
    before = stored(engine)
    again = run(engine, contract, path, batch_rows, now=LATER)
    # Written row by row, A-1's first row would differ from what is stored (its last row),
    # the update would stamp updated_at, and the last row would "change" it back.
    assert counts(again) == (9, 0, 0, 5, 2, 2)
    assert stored(engine) == before
    assert {ticket["updated_at"] for ticket in before.values()} == {NOW}


@pytest.mark.parametrize("batch_rows", [1, 2, WHOLE_FILE])
def test_a_repeated_ticket_whose_last_row_matches_the_stored_one_is_unchanged(
    engine: Engine, contract: Contract, tmp_path: Path, batch_rows: int
) -> None:
    first = write(tmp_path, "a.csv", ["A-1,故障,2022-08-10 11:41,2022-08-10 13:00"])
    run(engine, contract, first, WHOLE_FILE)
    later = [
        "A-1,故障,2022-08-10 11:41,2022-08-10 20:00",  # differs from what is stored …
        "B-1,故障,2022-08-10 12:00,",
        "C-1,故障,2022-08-10 12:00,",
        "A-1,故障,2022-08-10 11:41,2022-08-10 13:00",  # … but the last row is the same
    ]
    report = run(engine, contract, write(tmp_path, "b.csv", later), batch_rows, now=LATER)
    assert counts(report) == (4, 2, 0, 1, 1, 0)
    ticket = stored(engine)["A-1"]
    assert (ticket["restored_at"], ticket["updated_at"]) == (utc("2022-08-10 05:00"), NOW)


@pytest.mark.parametrize("batch_rows", [1, 2, WHOLE_FILE])
def test_when_a_repeated_tickets_last_row_is_bad_its_last_good_row_wins(
    engine: Engine, contract: Contract, tmp_path: Path, batch_rows: int
) -> None:
    rows = [
        "A-1,故障,2022-08-10 11:41,2022-08-10 13:00",
        "A-1,故障,2022-08-10 11:41,2022-08-10 14:00",
        "B-1,故障,2022-08-10 12:00,",
        "C-1,故障,2022-08-10 12:00,",
        "A-1,故障,2022-08-10 11:41,yesterday",  # line 6
    ]
    report = run(engine, contract, write(tmp_path, "t.csv", rows), batch_rows)
    assert counts(report) == (5, 3, 0, 0, 1, 1)
    assert restored(engine, "A-1") == utc("2022-08-10 06:00")
    assert [(line, ticket_id) for line, ticket_id, _c, _r in rejections(engine)] == [(6, "A-1")]
