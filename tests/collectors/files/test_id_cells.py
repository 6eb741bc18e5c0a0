"""An id with a control character in it (TAB, CR, LF, NUL's neighbours, NEL, U+2028) is a bad
row with its line, column and reason, whichever way the file comes in; the good rows are stored.

Such an id would split across lines in every alert, e-mail header, log line and export it
reaches; it is refused where it enters.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, select

from collectors.files.import_report import ImportReport
from collectors.files.values import BadValue, parse_id
from collectors.records.resources import import_resources
from collectors.tickets.file_import import import_tickets
from collectors.tickets.profile import load_profile
from collectors.tickets.profile_import import import_with_profile
from monitor.contract.model import Contract
from monitor.storage.tables import RejectedRow, ResourceRow, TicketRow

NOW = datetime(2023, 1, 5, 9, 0, tzinfo=UTC)
TICKET = TicketRow.__table__  # type: ignore[attr-defined]
RESOURCE = ResourceRow.__table__  # type: ignore[attr-defined]
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]
ID_COLUMN = "ticket_id (工单编号)"
# One good ticket between ids with a TAB, an ESC, a NEL (C1) and a line separator inside.
BAD_IDS = ["T-1\tX", "T-2\x1bX", "T-3\x85X", "T-4\u2028X"]
HEADER = ["工单编号", "类型", "报障时间"]


def rows() -> list[list[str]]:
    good = ["T-OK", "故障", "2022-08-10 11:41"]
    return [[ticket_id, "故障", "2022-08-10 11:41"] for ticket_id in BAD_IDS[:2]] + [
        good,
        *([ticket_id, "故障", "2022-08-10 11:41"] for ticket_id in BAD_IDS[2:]),
    ]


def stored_ids(engine: Engine, column: Any = TICKET.c.ticket_id) -> list[str]:
    with engine.connect() as connection:
        return list(connection.execute(select(column)).scalars())


def assert_bad_ids_rejected(report: ImportReport, lines: list[int], column: str) -> None:
    assert [(p.line, p.column) for p in report.problems] == [(line, column) for line in lines]
    assert all("控制字符" in p.message.zh for p in report.problems)
    assert all(p.reason.startswith("control character") for p in report.problems)
    assert report.rejected_rows == 4 and report.exit_code == 3


@pytest.mark.parametrize(
    ("value", "code", "place"),
    [("A\tB", "U+0009", 2), ("AB\rC", "U+000D", 3), ("A\nB", "U+000A", 2), ("A\x00", "U+0000", 2),
     ("A\x85B", "U+0085", 2), ("A\u2029B", "U+2029", 2), ("A\udc00", "U+DC00", 2)],
)  # fmt: skip
def test_an_id_with_a_control_character_is_refused_with_where_it_is(
    value: str, code: str, place: int
) -> None:
    with pytest.raises(BadValue) as refused:
        parse_id(value)
    assert refused.value.message.zh.startswith(f"第 {place} 个字符是控制字符 {code}")
    assert str(refused.value).startswith(f"control character {code} at position {place}")


def test_an_id_as_spreadsheets_write_it_is_read_as_before() -> None:
    assert [parse_id(value) for value in (" GZ-1 ", 2022001.0, "", None, "工单-１")] == [
        "GZ-1",
        "2022001",
        None,
        None,
        "工单-１",
    ]


def test_a_csv_with_control_characters_in_ticket_ids_keeps_the_good_row(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([HEADER, *rows()])
    report = import_tickets(sqlite_engine, path, contract, source="file", now=NOW)
    assert_bad_ids_rejected(report, [2, 3, 5, 6], ID_COLUMN)
    assert (
        report.problems[0]
        .describe("zh")
        .startswith("第 2 行，工单 T-1\\tX，列 ticket_id (工单编号)：第 4 个字符是控制字符 U+0009")
    )
    assert (
        report.problems[0]
        .describe("en")
        .startswith(
            "line 2, ticket T-1\\tX, column ticket_id (工单编号): "
            "control character U+0009 at position 4"
        )
    )
    assert stored_ids(sqlite_engine) == ["T-OK"]
    with sqlite_engine.connect() as connection:
        kept = connection.execute(select(REJECTED.c.line, REJECTED.c.ticket_id)).all()
    assert [tuple(row) for row in kept] == list(zip([2, 3, 5, 6], BAD_IDS, strict=True))


def test_a_line_break_inside_a_quoted_csv_id_is_refused(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.csv"
    text = (
        '工单编号,类型,报障时间\n"T-1\r\nBcc: x",故障,2022-08-10 11:41\nT-2,故障,2022-08-10 11:41\n'
    )
    path.write_bytes(text.encode())
    report = import_tickets(sqlite_engine, path, contract, source="file", now=NOW)
    assert [(p.line, p.column) for p in report.problems] == [(2, ID_COLUMN)]
    assert stored_ids(sqlite_engine) == ["T-2"]


def test_a_json_file_with_control_characters_in_ticket_ids_keeps_the_good_row(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.json"
    items = [dict(zip(["ticket_id", "kind", "reported_at"], row, strict=True)) for row in rows()]
    path.write_text("[\n" + ",\n".join(json.dumps(item) for item in items) + "\n]", "utf-8")
    report = import_tickets(sqlite_engine, path, contract, source="file", now=NOW)
    assert_bad_ids_rejected(report, [2, 3, 5, 6], ID_COLUMN)
    assert stored_ids(sqlite_engine) == ["T-OK"]


def test_an_xlsx_with_control_characters_in_ticket_ids_keeps_the_good_row(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    # A worksheet holds TAB, CR and LF of the C0 controls, and any C1 one.
    for row in [HEADER, *rows()]:
        sheet.append([cell.replace("\x1b", "\n") for cell in row])
    path = tmp_path / "tickets.xlsx"
    workbook.save(path)
    report = import_tickets(sqlite_engine, path, contract, source="file", now=NOW)
    assert_bad_ids_rejected(report, [2, 3, 5, 6], ID_COLUMN)
    assert stored_ids(sqlite_engine) == ["T-OK"]


def test_a_profile_import_refuses_control_characters_in_ticket_ids(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "tickets.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        csv.writer(file).writerows([HEADER, *rows()])
    profile = load_profile("slamon")
    report = import_with_profile(sqlite_engine, path, profile, contract, source="desk", now=NOW)
    assert_bad_ids_rejected(report, [2, 3, 5, 6], "ticket_id / 工单编号 / 工单号 (ticket_id)")
    assert stored_ids(sqlite_engine) == ["T-OK"]


def test_a_record_import_refuses_control_characters_in_resource_ids(
    sqlite_engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = tmp_path / "resources.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["资源编号", "资源类型", "资源池"])
        for resource_id in [*BAD_IDS[:2], "VM-OK", *BAD_IDS[2:]]:
            writer.writerow([resource_id, "云主机", "一云"])
    report = import_resources(sqlite_engine, path, contract, source="file", now=NOW)
    assert [p.line for p in report.problems] == [2, 3, 5, 6]
    assert all(p.column and "资源编号" in p.column for p in report.problems)
    assert all("控制字符" in p.message.zh for p in report.problems)
    assert stored_ids(sqlite_engine, RESOURCE.c.resource_id) == ["VM-OK"]


def test_a_source_with_a_control_character_is_refused_before_anything_is_read(
    tmp_path: Path,
) -> None:
    path = tmp_path / "tickets.csv"
    path.write_text("工单编号,类型,报障时间\nT-1,故障,2022-08-10 11:41\n", "utf-8")
    environment = {key: value for key, value in os.environ.items() if key != "SLAMON_CONTRACT"}
    for command in (["tickets"], ["resources"]):
        done = subprocess.run(
            [sys.executable, "-m", "monitor", "import", *command, str(path), "--source", "a\tb"],
            capture_output=True,
            text=True,
            env={**environment, "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}"},
            cwd=tmp_path,
            timeout=120,
        )
        assert done.returncode == 2, done.stderr
        assert "--source" in done.stderr and "控制字符" in done.stderr
        assert "Traceback" not in done.stderr
