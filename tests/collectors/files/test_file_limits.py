"""Bounded files: a cell past SLAMON_IMPORT_MAX_CELL_CHARS rejects its row (kept cut short,
its full length noted), a file past SLAMON_IMPORT_MAX_ROWS or an XLSX unpacking past
SLAMON_IMPORT_MAX_UNPACKED_BYTES is refused with one line; a zip bomb and a 300 MB shared
string are each read in bounded memory (the child's peak RSS, measured by wait4)."""

from __future__ import annotations

import io
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import Engine, create_engine, select

from collectors.files import xlsx
from collectors.files.import_report import ImportFileError
from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from monitor.storage.tables import RejectedRow, TicketRow
from tests.serving import service_env

TICKET = TicketRow.__table__  # type: ignore[attr-defined]
REJECTED = RejectedRow.__table__  # type: ignore[attr-defined]
NOW = datetime(2024, 6, 5, 9, 0, tzinfo=UTC)
HEADER = ["工单编号", "类型", "故障等级", "标题", "报障时间"]
MiB = 1 << 20


def row(number: int, title: str = "磁盘告警") -> list[str]:
    return [f"GZ-{number}", "故障", "一般", title, "2024-06-03 10:00"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    lines = [",".join(HEADER), *(",".join(cells) for cells in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for cells in (HEADER, *rows):
        sheet.append(cells)
    book.save(path)
    return path


def stored(engine: Engine) -> tuple[list[str], list[tuple[int, str, str]]]:
    with engine.connect() as connection:
        ids = connection.execute(select(TICKET.c.ticket_id).order_by(TICKET.c.id)).scalars()
        kept = connection.execute(select(REJECTED.c.line, REJECTED.c.reason, REJECTED.c.raw))
        return list(ids), [tuple(r) for r in kept]  # type: ignore[misc]


def test_a_csv_cell_past_the_limit_rejects_its_row_kept_short_with_its_length(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "t.csv", [row(1), row(2, "长" * 40_000), row(3)])
    report = import_tickets(engine, path, contract, source="file", now=NOW)
    assert (report.inserted, report.rejected_rows) == (2, 1)
    [problem] = report.problems
    assert problem.line == 3
    assert "40,000" in problem.reason and "32,767" in problem.reason
    assert "SLAMON_IMPORT_MAX_CELL_CHARS" in problem.reason
    ids, [(line, reason, raw)] = stored(engine)
    assert ids == ["GZ-1", "GZ-3"] and line == 3 and "SLAMON_IMPORT_MAX_CELL_CHARS" in reason
    assert len(raw) < 1000 and "…（共 40,000 字符）" in raw


def test_an_xlsx_cell_past_the_limit_rejects_its_row(
    engine: Engine, contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLAMON_IMPORT_MAX_CELL_CHARS", "100")
    path = write_xlsx(tmp_path / "t.xlsx", [row(1), row(2, "x" * 101), row(3, "y" * 100)])
    report = import_tickets(engine, path, contract, source="file", now=NOW)
    assert (report.inserted, report.rejected_rows) == (2, 1)
    assert "101" in report.problems[0].reason and "100" in report.problems[0].reason
    ids, [(line, _reason, raw)] = stored(engine)
    assert ids == ["GZ-1", "GZ-3"] and line == 3 and "…（共 101 字符）" in raw


@pytest.mark.parametrize(("writer", "name"), [(write_csv, "t.csv"), (write_xlsx, "t.xlsx")])
def test_a_file_past_the_row_limit_is_refused_in_one_line_and_nothing_is_stored(
    engine: Engine,
    contract: Contract,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    writer: object,
    name: str,
) -> None:
    monkeypatch.setenv("SLAMON_IMPORT_MAX_ROWS", "3")
    path = writer(tmp_path / name, [row(n) for n in range(1, 5)])  # type: ignore[operator]
    with pytest.raises(ImportFileError) as refused:
        import_tickets(engine, path, contract, source="file", now=NOW)
    message = str(refused.value)
    assert "\n" not in message and "SLAMON_IMPORT_MAX_ROWS" in message and " 3 " in message
    assert stored(engine) == ([], [])


def test_a_bad_limit_setting_is_one_clear_line(
    engine: Engine, contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLAMON_IMPORT_MAX_ROWS", "many")
    with pytest.raises(ImportFileError, match="SLAMON_IMPORT_MAX_ROWS"):
        import_tickets(
            engine, write_csv(tmp_path / "t.csv", [row(1)]), contract, source="file", now=NOW
        )


def test_an_xlsx_with_more_text_in_one_place_than_a_cell_can_hold_is_refused_unparsed(
    engine: Engine, contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLAMON_IMPORT_MAX_CELL_CHARS", "100")
    path = write_xlsx(tmp_path / "t.xlsx", [row(1), row(2, "x" * 1001)])  # over 10 bytes a char
    with pytest.raises(ImportFileError) as refused:
        import_tickets(engine, path, contract, source="file", now=NOW)
    message = str(refused.value)
    assert "\n" not in message and "SLAMON_IMPORT_MAX_CELL_CHARS" in message
    assert stored(engine) == ([], [])


@pytest.mark.parametrize("chunk", [1, 3, 5, 7, 1 << 20])
def test_a_sheets_rows_and_longest_text_are_counted_across_chunks(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsx, "_CHUNK_BYTES", chunk)
    text = b"x" * 30
    sheet = b'<sheetData><row r="1"><c><v>%s</v></c></row><row><c/></row></sheetData>' % text
    assert xlsx.scan_sheet(io.BytesIO(sheet)) == (2, len(b"v>" + text))


def test_a_long_reason_is_cut_short_on_its_line_and_in_rejected_row(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "t.csv", [row(1), [*row(2)[:4], "9" * 30_000]])
    report = import_tickets(engine, path, contract, source="file", now=NOW)
    [problem] = report.problems
    assert len(problem.reason) > 30_000  # the parser quotes the cell
    whole = f"line 3, ticket GZ-2, column {problem.column}: {problem.reason}"
    assert problem.describe() == f"{whole[:500]}…（共 {len(whole):,} 字符）"
    _ids, [(_line, reason, _raw)] = stored(engine)
    assert len(reason) < 2_100 and "字符）" in reason


# --- memory: the child's peak RSS -------------------------------------------------------------


# Runs the import as its own child and writes that child's exit code and peak RSS (KiB) to a
# file; a bounded wait, so a regression fails instead of running on.
MEASURED = """
import resource, subprocess, sys
done = subprocess.run(sys.argv[2:], timeout=300)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
open(sys.argv[1], "w").write(f"{done.returncode} {peak}")
"""


def import_in_child(tmp_path: Path, path: Path) -> tuple[int, str, int]:
    """`slamon import tickets PATH` in a child: exit code, stderr, peak RSS in bytes."""
    env = service_env(tmp_path, f"sqlite:///{tmp_path / 'slamon.db'}")
    measured = tmp_path / "measured"
    command = [sys.executable, "-m", "monitor", "import", "tickets", str(path)]
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, str(measured), *command],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=360,
    )
    assert measured.exists(), done.stderr[-2000:]
    code, peak = measured.read_text().split()
    return int(code), done.stderr, int(peak) * 1024


def rewritten(source: Path, target: Path, member: str, parts: Iterator[bytes]) -> Path:
    """`source` with `member` written anew from `parts`, streamed (never whole in memory)."""
    with (
        zipfile.ZipFile(source) as old,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as new,
    ):
        for info in old.infolist():
            if info.filename != member:
                new.writestr(info, old.read(info))
                continue
            with new.open(member, "w", force_zip64=True) as stream:
                for part in parts:
                    stream.write(part)
    return target


@pytest.mark.slow
def test_a_zip_bomb_is_refused_before_it_is_parsed_in_bounded_memory(tmp_path: Path) -> None:
    template = write_xlsx(tmp_path / "template.xlsx", [row(1)])
    with zipfile.ZipFile(template) as book:
        sheet = book.read("xl/worksheets/sheet1.xml")
    head, tail = sheet.split(b"</sheetData>")
    repeated = b'<row><c t="inlineStr"><is><t>GZ</t></is></c></row>' * 20_000

    def parts() -> Iterator[bytes]:
        yield head
        for _ in range((1100 * MiB) // len(repeated)):  # 1.1 GB of rows
            yield repeated
        yield b"</sheetData>" + tail

    bomb = rewritten(template, tmp_path / "bomb.xlsx", "xl/worksheets/sheet1.xml", parts())
    assert bomb.stat().st_size < 20 * MiB
    code, stderr, peak = import_in_child(tmp_path, bomb)
    assert code == 2, stderr
    [line] = stderr.strip().splitlines()
    assert "SLAMON_IMPORT_MAX_UNPACKED_BYTES" in line and "1,073,741,824" in line
    assert peak < 1 << 30, f"peak RSS {peak:,} bytes"


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
    'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_TYPE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_TYPE}.worksheet+xml"/>'
    f'<Override PartName="/xl/sharedStrings.xml" ContentType="{_TYPE}.sharedStrings+xml"/>'
    "</Types>",
    "_rels/.rels": f'<Relationships xmlns="{_PACKAGE_REL}"><Relationship Id="rId1" '
    f'Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="工单" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": f'<Relationships xmlns="{_PACKAGE_REL}">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>",
}


def shared_strings_xlsx(path: Path, rows: list[list[str]], giant: Iterator[bytes]) -> Path:
    """An XLSX whose cells are all shared strings, as Excel writes them; the cell "GIANT"
    is the text `giant` streams, written without ever being whole in memory."""
    table = [HEADER, *rows]
    strings = sorted({cell for cells in table for cell in cells})
    index = {text: number for number, text in enumerate(strings)}
    sheet = "".join(
        f'<row r="{line}">'
        + "".join(
            f'<c r="{chr(65 + col)}{line}" t="s"><v>{index[cell]}</v></c>'
            for col, cell in enumerate(cells)
        )
        + "</row>"
        for line, cells in enumerate(table, start=1)
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as book:
        for name, text in _PARTS.items():
            book.writestr(name, text)
        book.writestr(
            "xl/worksheets/sheet1.xml",
            f'<worksheet xmlns="{_MAIN}"><sheetData>{sheet}</sheetData></worksheet>',
        )
        with book.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(
                f'<sst xmlns="{_MAIN}" count="{len(strings)}" '
                f'uniqueCount="{len(strings)}">'.encode()
            )
            for text in strings:
                stream.write(b"<si><t>")
                if text == "GIANT":
                    for part in giant:
                        stream.write(part)
                else:
                    stream.write(text.encode())
                stream.write(b"</t></si>")
            stream.write(b"</sst>")
    return path


def test_a_workbook_of_shared_strings_is_read_like_any_other(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    path = shared_strings_xlsx(tmp_path / "t.xlsx", [row(1), row(2, "GIANT")], iter([b"ok"]))
    report = import_tickets(engine, path, contract, source="file", now=NOW)
    assert (report.inserted, report.rejected_rows) == (2, 0)
    with engine.connect() as connection:
        titles = connection.execute(select(TICKET.c.title).order_by(TICKET.c.id)).scalars()
        assert list(titles) == ["磁盘告警", "ok"]


@pytest.mark.slow
def test_a_300_mb_shared_string_rejects_its_row_in_bounded_memory(tmp_path: Path) -> None:
    giant = (b"x" * MiB for _ in range(300))
    book = shared_strings_xlsx(tmp_path / "giant.xlsx", [row(1), row(2, "GIANT"), row(3)], giant)
    assert book.stat().st_size < 5 * MiB
    code, stderr, peak = import_in_child(tmp_path, book)
    assert code == 3, stderr
    assert max(len(line) for line in stderr.splitlines()) < 1000
    assert "314,572,800" in stderr and "SLAMON_IMPORT_MAX_CELL_CHARS" in stderr
    assert peak < 1 << 30, f"peak RSS {peak:,} bytes"
    engine = create_engine(f"sqlite:///{tmp_path / 'slamon.db'}")
    try:
        ids, [(line, _reason, raw)] = stored(engine)
    finally:
        engine.dispose()
    assert ids == ["GZ-1", "GZ-3"] and line == 3
    assert len(raw) < 1000 and "…（共 314,572,800 字符）" in raw
