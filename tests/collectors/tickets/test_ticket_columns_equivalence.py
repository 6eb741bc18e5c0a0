"""The column-at-a-time import stores, rejects and counts exactly what the per-cell path does.

`reference_import` is the import as it was before cells were parsed by columns: every row
through ticket_import._parse_cells (still the HTTP API's path), the last good row of a ticket
winning, the rows upserted by upsert_tickets (datetimes bound one by one). Random files mix
every shape of time cell (ISO with and without seconds, fractions and offsets, Excel's
2024/3/14 9:12, empty, blank, missing markers, out of range, invalid, garbage, times in a DST
gap or overlap) with good and bad kinds, severities, sizes and over-long texts, in
Asia/Shanghai (DST in 1986–1991) and in zones that change offsets now.
"""

from __future__ import annotations

import csv
import io
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

import collectors.tickets.file_import as ticket_import
from collectors.files.import_report import ImportReport, RowProblem
from collectors.files.tabular import read_table
from collectors.files.time_cells import TimeColumns
from collectors.files.values import BadValue, time_parser
from collectors.tickets.file_import import (
    _columns,
    _id_header,
    _id_in,
    _looks_like_header,
    _parse_cells,
    _parsers,
    _plan,
    _rejected,
    import_tickets,
)
from monitor.contract.model import Contract
from monitor.domain.instants import MISSING
from monitor.storage.tables import ImportRunRow, RejectedRow
from monitor.storage.tickets import TICKET_FIELDS, upsert_tickets

NOW = datetime(2024, 5, 1, 8, 0, tzinfo=UTC)
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]
IMPORT_RUN = ImportRunRow.__table__  # type: ignore[attr-defined]
ZONES = ("Asia/Shanghai", "America/New_York", "Europe/London", "Australia/Lord_Howe")
HEADERS = (
    "ticket_id",
    "kind",
    "severity",
    "pool",
    "title",
    "reported_at",
    "restored_at",
    "closed_at",
    "restore_size_gb",
)
_sources = itertools.count()

# Days on which a zone above changes its offset, and ordinary days, 1986–2101.
EDGE_DAYS = (
    "1986-05-04",  # Shanghai DST starts
    "1988-04-17",
    "1990-04-15",
    "1990-09-16",  # Shanghai DST ends
    "1991-04-14",
    "1991-09-15",
    "1989-12-31",
    "1990-01-01",
    "2024-03-10",  # New York springs forward
    "2024-11-03",  # New York falls back
    "2024-03-31",  # London
    "2024-10-27",
    "2024-04-07",  # Lord Howe (30 minutes)
    "2024-10-06",
    "2024-02-29",
    "2100-12-31",
    "2101-01-01",
)


@st.composite
def moments(draw: st.DrawFn) -> datetime:
    if draw(st.booleans()):
        day = datetime.fromisoformat(draw(st.sampled_from(EDGE_DAYS)))
        return day + timedelta(minutes=draw(st.integers(0, 24 * 60 - 1)) - 60)
    return draw(st.datetimes(datetime(1985, 1, 1), datetime(2102, 12, 31)))


@st.composite
def time_cells(draw: st.DrawFn) -> str:
    moment = draw(moments())
    shape = draw(st.integers(0, 9))
    if shape == 0:
        return draw(st.sampled_from(["", "", " ", "-", "N/A", "无", "null", "待定"]))
    if shape == 1:  # garbage, some of it close to a time
        return draw(
            st.one_of(
                st.text(max_size=20),
                st.sampled_from(
                    [
                        "2024-13-01 09:00",
                        "2024-02-30 09:00",
                        "2023-02-29 10:00",
                        "2024-03-14 24:00",
                        "2024-03-14 09:60",
                        "2024-03-14 09:12:60",
                        "2024-03-14 09:12+24:00",
                        "2024-03-14 09:12+08:60",
                        "2024-03-14 09:12z",
                        " 2024-03-14 09:12 ",
                        "2024-03-14",
                        "09:12",
                        "２０２４-03-14 09:12",
                        "٢٠٢٤-03-14 09:12",
                        "2024/13/1 9:00",
                        "2024/2/30 9:00",
                        "2024/3/14 24:00",
                        "2024年3月14日 9:12",
                        "2024-03-14 09:12:05,5",
                        "2024-03-14T09:12:05.1234567",
                        "2024-03-14 09:12\x00",
                    ]
                ),
            )
        )
    if shape == 2:  # Excel's short form
        text = f"{moment.year}/{moment.month}/{moment.day} {moment.hour}:{moment.minute:02d}"
        return text + (f":{moment.second:02d}" if draw(st.booleans()) else "")
    separator = draw(st.sampled_from([" ", "T"]))
    text = moment.strftime(f"%Y-%m-%d{separator}%H:%M")
    seconds = draw(st.sampled_from(["", ":SS", ":SS.fff", ":SS.ffffff", ":SS.f"]))
    if seconds:
        text += f":{moment.second:02d}"
    if seconds.endswith("fff"):
        text += f".{moment.microsecond:06d}"[: len(seconds) - 3]
    elif seconds.endswith(".f"):
        text += f".{moment.microsecond // 100000}"
    offset = draw(st.sampled_from(["", "", "Z", "+08:00", "-05:00", "+05:45", "-00:00", "+13:45"]))
    if draw(st.booleans()) and offset not in ("", "Z"):
        offset = offset.replace(":", "")  # +0800: the per-cell parser reads it too
    return text + offset


kind_cells = st.sampled_from(["故障", "fault", " incident ", "监控", "", "nonsense", "request"])
severity_cells = st.sampled_from(["重大", "major", "", "一般", "general ", "bad"])
size_cells = st.sampled_from(["", "1.5", " 2,000 ", "-1", "nan", "inf", "abc", "0", "1e3"])


@st.composite
def rows(draw: st.DrawFn) -> list[str]:
    ticket_id = draw(st.sampled_from(["A-1", "A-2", "B-1", "B-2", "C-1", " C-1 ", "", "x" * 201]))
    pool = draw(st.sampled_from(["一云", "", "p" * 100, "p" * 101]))
    return [
        ticket_id,
        draw(kind_cells),
        draw(severity_cells),
        pool,
        draw(st.sampled_from(["标题", "", " spaced "])),
        *(draw(time_cells()) for _ in range(3)),
        draw(size_cells),
    ]


def write_csv(path: Path, body: list[list[str]], shapes: list[int]) -> None:
    """Rows as given, or (by `shapes`, cycled) short by one or three cells, with a blank cell
    past the header (harmless) or a filled one (a broken row)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(HEADERS)
    for row, shape in zip(body, itertools.cycle(shapes or [0]), strict=False):
        writer.writerow([row, row[:-1], row[:-3], [*row, ""], [*row, "extra"]][shape])
    path.write_text(out.getvalue(), encoding="utf-8")


def reference_import(
    engine: Engine, path: Path, contract: Contract, source: str
) -> tuple[ImportReport, list[dict[str, Any]]]:
    """The per-cell import (one batch): its report and the rejected rows it would store."""
    table = read_table(path, _looks_like_header)
    columns = _columns(table, path)
    plan = _plan(columns, _parsers(contract))
    id_header = _id_header(columns)
    report = ImportReport(path, source)
    tickets: dict[str, dict[str, Any]] = {}
    rejected: list[dict[str, Any]] = []
    for line, cells in table.rows:
        report.rows_read += 1
        values: dict[str, Any] = {"source": source}
        structural = cells.pop("__error__", None)
        ticket_id = _id_in(cells, id_header)
        problems: list[RowProblem] = []
        if structural:
            problems.append(RowProblem(line, ticket_id, None, structural))
        else:
            problems.extend(_parse_cells(line, ticket_id, cells, plan, values))
        if problems:
            report.problems.extend(problems)
            report.rejected_rows += 1
            rejected.append(_rejected(line, ticket_id, problems, cells))
            continue
        if values["ticket_id"] in tickets:
            report.duplicate_rows += 1
        tickets[values["ticket_id"]] = values
    with engine.begin() as connection:
        counts = upsert_tickets(
            connection, list(tickets.values()), ["source", *columns.values()], NOW
        )
    report.inserted, report.updated, report.unchanged = (
        counts.inserted,
        counts.updated,
        counts.unchanged,
    )
    return report, rejected


def stored(engine: Engine, source: str) -> list[tuple[Any, ...]]:
    """The source's tickets as the database holds them (SQLite: the stored text itself)."""
    names = [name for name in TICKET_FIELDS if name != "source"]
    sql = (
        f"SELECT {', '.join(names)}, created_at, updated_at FROM ticket "
        f"WHERE source = '{source}' ORDER BY ticket_id"
    )
    with engine.connect() as connection:
        return [tuple(row) for row in connection.exec_driver_sql(sql)]


def last_run_rejections(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as connection:
        run = connection.execute(select(IMPORT_RUN.c.id).order_by(IMPORT_RUN.c.id.desc())).first()
        assert run is not None
        query = select(
            REJECTED.c.line,
            REJECTED.c.ticket_id,
            REJECTED.c.column_name,
            REJECTED.c.reason,
            REJECTED.c.raw,
        ).where(REJECTED.c.import_run_id == run.id)
        return [row._asdict() for row in connection.execute(query.order_by(REJECTED.c.id))]


def counts(report: ImportReport) -> tuple[int, ...]:
    return (
        report.rows_read,
        report.inserted,
        report.updated,
        report.unchanged,
        report.duplicate_rows,
        report.rejected_rows,
    )


def check_equivalent(
    engine: Engine,
    contract: Contract,
    tmp_path: Path,
    body: list[list[str]],
    shapes: list[int],
    zone: str,
    batch_rows: int,
    run_rows: int,
) -> None:
    contract = contract.model_copy(update={"timezone": zone})
    number = next(_sources)
    path = tmp_path / f"tickets-{number}.csv"
    write_csv(path, body, shapes)
    expected, expected_rejected = reference_import(engine, path, contract, f"ref{number}")
    before = ticket_import.PARSE_ROWS
    ticket_import.PARSE_ROWS = run_rows
    try:
        report = import_tickets(
            engine, path, contract, source=f"new{number}", now=NOW, batch_rows=batch_rows
        )
    finally:
        ticket_import.PARSE_ROWS = before
    assert report.problems == expected.problems
    assert counts(report) == counts(expected)
    assert stored(engine, f"new{number}") == stored(engine, f"ref{number}")
    keys = ("line", "ticket_id", "column_name", "reason", "raw")
    assert last_run_rejections(engine) == [{k: r[k] for k in keys} for r in expected_rejected]


files = st.tuples(
    st.lists(rows(), min_size=1, max_size=25),
    st.lists(st.sampled_from([0, 0, 0, 0, 1, 2, 3, 4]), max_size=6),
    st.sampled_from(ZONES),
    st.sampled_from([1, 2, 3, 10**9]),
    st.sampled_from([1, 2, 4, 5_000]),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file=files)
def test_column_path_matches_the_per_cell_path_on_sqlite(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path, file: Any
) -> None:
    check_equivalent(sqlite_engine, contract, tmp_path, *file)


@pytest.mark.postgres
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(file=files)
def test_column_path_matches_the_per_cell_path_on_postgresql(
    postgres_engine: Engine, contract: Contract, tmp_path: Path, file: Any
) -> None:
    check_equivalent(postgres_engine, contract, tmp_path, *file)


@settings(max_examples=400, deadline=None)
@given(cells=st.lists(time_cells(), min_size=1, max_size=40), zone=st.sampled_from(ZONES))
def test_a_time_column_reads_each_cell_as_the_per_cell_parser_does(
    cells: list[str], zone: str
) -> None:
    from zoneinfo import ZoneInfo

    parse = time_parser(ZoneInfo(zone))
    moments, problems = TimeColumns(ZoneInfo(zone)).parse(cells)
    for i, cell in enumerate(cells):
        try:
            expected = parse(cell)
        except BadValue as error:
            assert problems.get(i) == error.message, cell
            assert moments[i] == MISSING
            continue
        assert i not in problems, cell
        if expected is None:
            assert moments[i] == MISSING, cell
        else:
            stored_text = expected.astimezone(UTC).isoformat(" ", "microseconds")[:-6]
            got = datetime(1970, 1, 1) + timedelta(microseconds=int(moments[i]))
            assert got.isoformat(" ", "microseconds") == stored_text, cell


def test_every_generated_shape_is_read_without_falling_back_where_it_can_be() -> None:
    """The fast path really takes the common shapes (otherwise the tests above prove little)."""
    from zoneinfo import ZoneInfo

    columns = TimeColumns(ZoneInfo("Asia/Shanghai"))
    cells = [
        "2024-03-14 09:12",
        "2024-03-14T09:12:05",
        "2024-03-14 09:12:05.123",
        "2024-03-14 09:12:05.123456+08:00",
        "2024-03-14 09:12Z",
        "2024/3/14 9:12",
        "2024/3/14 9:12:05",
    ]
    taken = columns._fast(cells)[0]
    assert taken.all()
    assert not columns._fast(["2024-02-30 09:12", "1990-04-15 02:30", "1989-12-31 23:00"])[0].any()
