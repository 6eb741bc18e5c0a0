"""`slamon import inspections PATH` and `slamon import surveys PATH`."""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import click
from sqlalchemy import Engine

from collectors.records.base import RecordImportReport
from collectors.records.inspections import import_inspections
from collectors.records.surveys import import_surveys
from collectors.tickets.file_import import EXIT_UNREADABLE, ImportFileError
from monitor import clock
from monitor.cli.context import Runtime, contract_option
from monitor.contract.model import Contract

# Beyond this many, problems are counted rather than listed; all are kept in rejected_row.
_LISTED_PROBLEMS = 50
Importer = Callable[..., RecordImportReport]


def _source_option(function: Callable[..., None]) -> Callable[..., None]:
    return click.option(
        "--source",
        default="file",
        show_default=True,
        help="Where the records come from; records are unique per source.",
    )(function)


@click.command("inspections")
@click.argument("path", type=click.Path(path_type=Path))
@_source_option
@contract_option
def inspections(path: Path, source: str, contract_path: Path | None) -> None:
    """导入巡检记录 Import inspection records (巡检) from a CSV, XLSX or JSON file.

    Exit code 0: all rows stored; 3: some rows rejected (kept in rejected_row); 2: the file
    could not be used, nothing stored.
    """
    _run(import_inspections, path, source, contract_path)


@click.command("surveys")
@click.argument("path", type=click.Path(path_type=Path))
@_source_option
@contract_option
def surveys(path: Path, source: str, contract_path: Path | None) -> None:
    """导入满意度调查 Import satisfaction survey replies from a CSV, XLSX or JSON file.

    One row per unit and survey: 使用单位, 填报时间, 总体评价 (非常满意/比较满意/一般/不满意),
    optional per-question columns headed q:QUESTION. Exit codes as for tickets.
    """
    _run(import_surveys, path, source, contract_path)


def _run(importer: Importer, path: Path, source: str, contract_path: Path | None) -> None:
    runtime = Runtime(contract_path)
    engine: Engine = runtime.engine
    contract: Contract = runtime.contract
    now: datetime = clock.now()
    try:
        report = importer(engine, path, contract, source=source, now=now)
    except ImportFileError as error:
        click.echo(f"错误 error: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    click.echo(
        f"{report.path}: 读取 {report.rows_read} 行 rows read; 新增 {report.inserted} inserted, "
        f"更新 {report.updated} updated, 未变 {report.unchanged} unchanged, "
        f"拒绝 {report.rejected_rows} rejected"
    )
    for problem in report.problems[:_LISTED_PROBLEMS]:
        click.echo(f"  {problem.describe()}", err=True)
    hidden = len(report.problems) - _LISTED_PROBLEMS
    if hidden > 0:
        click.echo(
            f"  … and {hidden} more problem(s); every rejected row is kept in rejected_row",
            err=True,
        )
    sys.exit(report.exit_code)
