"""A zipped export: a zip holding one CSV, XLSX or JSON imports as that file would, within the
same unpacked-size limit as an XLSX; anything else inside is refused in one line, naming what
the zip holds, and the unpacked copy is gone after the import."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine

from collectors.files.import_report import ImportFileError
from collectors.records.inspections import import_inspections
from collectors.tickets.file_import import import_tickets
from monitor.contract.model import Contract
from tests.cli.test_cli import slamon

DATA = Path(__file__).resolve().parents[2] / "data"
NOW = datetime(2024, 6, 5, 9, 0, tzinfo=UTC)
MiB = 1 << 20


class GbkName(zipfile.ZipInfo):
    """A member named in GBK without the UTF-8 flag, as Windows tools in Chinese write it."""

    def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # zipfile names it so
        return self.filename.encode("gbk"), self.flag_bits & ~0x800


def zipped(path: Path, members: dict[str, bytes], utf8_names: bool = True) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            info = (zipfile.ZipInfo if utf8_names else GbkName)(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def unpacked_folders() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("slamon-unzipped-*"))


@pytest.mark.parametrize("name", ["tickets_zh.csv", "tickets_title_row.xlsx", "tickets.json"])
def test_a_zip_of_one_export_imports_as_the_export_itself(
    engine: Engine, contract: Contract, tmp_path: Path, name: str
) -> None:
    before = unpacked_folders()
    archive = zipped(tmp_path / "export.zip", {f"导出/{name}": (DATA / name).read_bytes()})
    report = import_tickets(engine, archive, contract, source="zipped", now=NOW)
    plain = import_tickets(engine, DATA / name, contract, source="plain", now=NOW)
    assert report.rows_read == plain.rows_read > 0
    assert (report.inserted, report.rejected_rows) == (plain.inserted, plain.rejected_rows)
    assert [p.line for p in report.problems] == [p.line for p in plain.problems]
    assert unpacked_folders() == before  # the unpacked copy is removed after the import


def test_macos_companions_and_folders_are_not_counted_as_files(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    archive = zipped(
        tmp_path / "export.zip",
        {
            "巡检/": b"",
            "巡检/inspections_zh.csv": (DATA / "inspections_zh.csv").read_bytes(),
            "__MACOSX/巡检/._inspections_zh.csv": b"\x00\x05\x16\x07",
        },
    )
    report = import_inspections(engine, archive, contract, source="zipped", now=NOW)
    assert report.rows_read == 5


@pytest.mark.parametrize(
    ("members", "holds"),
    [
        ({"一月.csv": b"a", "二月.csv": b"b"}, "一月.csv、二月.csv"),
        ({"说明.docx": b"x"}, "说明.docx"),
        ({"inner.zip": b"PK"}, "inner.zip"),
        ({}, "—"),
    ],
)
def test_a_zip_without_exactly_one_table_file_is_refused_naming_what_it_holds(
    engine: Engine, contract: Contract, tmp_path: Path, members: dict[str, bytes], holds: str
) -> None:
    archive = zipped(tmp_path / "export.zip", members, utf8_names=False)  # GBK names, as on Windows
    with pytest.raises(ImportFileError) as refused:
        import_tickets(engine, archive, contract, source="zipped", now=NOW)
    # The first line, then the accepted headers, as for any file.
    assert f"实有 {holds}" in refused.value.message.zh.splitlines()[0]
    first = str(refused.value).splitlines()[0]
    assert "a zip must hold exactly one CSV, XLSX or JSON file" in first


def test_a_zip_unpacking_past_the_limit_is_refused_before_anything_is_unpacked(
    engine: Engine, contract: Contract, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SLAMON_IMPORT_MAX_UNPACKED_BYTES", str(MiB))
    header = (DATA / "tickets_zh.csv").read_bytes()
    archive = zipped(tmp_path / "bomb.zip", {"t.csv": header + b"\n" * (2 * MiB)})
    assert archive.stat().st_size < 64 * 1024
    before = unpacked_folders()
    with pytest.raises(ImportFileError) as refused:
        import_tickets(engine, archive, contract, source="zipped", now=NOW)
    message = refused.value.message
    assert "解压后过大" in message.zh and "SLAMON_IMPORT_MAX_UNPACKED_BYTES" in message.zh
    assert "the zip unpacks to" in message.en
    assert unpacked_folders() == before


def test_a_broken_file_inside_is_named_inside_the_zip(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    archive = zipped(tmp_path / "export.zip", {"工单.json": b'{"not": "a list"}'})
    with pytest.raises(
        ImportFileError, match=f"{archive}:工单.json: expected a JSON list"
    ) as refused:
        import_tickets(engine, archive, contract, source="zipped", now=NOW)
    assert refused.value.message.zh.startswith(f"{archive}:工单.json")


def test_not_a_zip_at_all_is_one_line(engine: Engine, contract: Contract, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    archive.write_bytes(b"this is no archive")
    with pytest.raises(ImportFileError, match="not a readable zip archive") as refused:
        import_tickets(engine, archive, contract, source="zipped", now=NOW)
    assert "无法解压" in refused.value.message.zh


def test_slamon_import_tickets_takes_a_zip(tmp_path: Path) -> None:
    archive = zipped(
        tmp_path / "export.zip", {"tickets.csv": (DATA / "tickets_zh.csv").read_bytes()}
    )
    done = slamon(tmp_path, "import", "tickets", str(archive))
    assert done.returncode == 0, done.stderr
    assert f"{archive}：读取 4 行；新增 4，" in done.stdout
