"""A sample of hostile files through `slamon import …` in a subprocess: exit 0, 2 or 3, never a
traceback, and every listed problem starts with its line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.badinput.fuzzing import FUZZ
from tests.badinput.importers import BY_NAME, Importer
from tests.badinput.mutations import DEEP, Mutant, csv_mutant, json_mutant, xlsx_mutant

# A problem line as the import commands print it, e.g. "  第 5 行，工单 T-3，列 …：…".
PROBLEM = re.compile(r"^  第 \d+ 行[，：]")
# Lines of the summary that are not problems: counts, skipped rows, unknown columns, reasons.
NOT_A_PROBLEM = ("  文件内重复工单", "  跳过", "  未知列", "  拒绝原因", "  状态记录", "  … 另有 ")


def slamon_import(
    importer: Importer, path: Path, workdir: Path
) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("SLAMON_")}
    env["SLAMON_DATABASE_URL"] = f"sqlite:///{workdir / 'cli.db'}"
    return subprocess.run(
        [sys.executable, "-m", "monitor", "import", *importer.cli, str(path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=workdir,
        timeout=120,
    )


def assert_clean_outcome(done: subprocess.CompletedProcess[str]) -> None:
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output[-3000:]
    assert done.returncode in (0, 2, 3), output[-3000:]
    if done.returncode == 2:
        assert done.stderr.startswith("错误：")
        return  # the message is the whole answer (with the accepted headers)
    for line in done.stderr.splitlines():
        if line.startswith("  ") and not line.startswith(NOT_A_PROBLEM):
            assert PROBLEM.match(line), line


def cli_mutants(importer: Importer) -> st.SearchStrategy[Mutant]:
    if importer.path.suffix == ".xlsx":
        return xlsx_mutant(importer.path, importer.header_row)
    if importer.path.suffix == ".json":
        return json_mutant(importer.path)
    return csv_mutant(importer.path)


# One importer of each shape: native CSV, JSON and XLSX, a profile, a record importer.
SAMPLE = ["tickets-bad-rows", "tickets-json", "profile-nanguan", "profile-zammad", "surveys"]


@pytest.mark.parametrize("name", SAMPLE)
def test_a_mutated_file_through_the_cli_exits_0_2_or_3_without_a_traceback(
    name: str, tmp_path: Path
) -> None:
    importer = BY_NAME[name]

    @settings(FUZZ, max_examples=2)
    @given(mutant=cli_mutants(importer))
    def check(mutant: Mutant) -> None:
        (tmp_path / "cli.db").unlink(missing_ok=True)
        assert_clean_outcome(slamon_import(importer, mutant.write(tmp_path), tmp_path))

    check()


@pytest.mark.parametrize(
    ("name", "content", "suffix", "exit_code"),
    [
        ("tickets-json", b"[" * DEEP + b"]" * DEEP, ".json", 2),
        ("tickets", "工单编号,类型,报障时间\nGZ\x00-1,故障,2022-08-10 11:41\n".encode(), ".csv", 3),
        (
            "tickets",
            "\ufeff工单编号,类型,报障时间\r\nGZ-1,故障,2022-08-10 11:41\r\n".encode(),
            ".csv",
            0,
        ),
        ("resources", "资源编号,资源类型\n".encode("utf-16"), ".csv", 2),
        ("profile-nanguan", b"PK\x03\x04 not really a workbook", ".xlsx", 2),
    ],
    ids=["deep-json", "nul-byte", "bom-crlf", "utf-16", "broken-zip"],
)
def test_a_known_hostile_file_through_the_cli_gets_a_clear_answer(
    name: str, content: bytes, suffix: str, exit_code: int, tmp_path: Path
) -> None:
    path = tmp_path / f"hostile{suffix}"
    path.write_bytes(content)
    done = slamon_import(BY_NAME[name], path, tmp_path)
    assert_clean_outcome(done)
    assert done.returncode == exit_code, done.stdout + done.stderr
