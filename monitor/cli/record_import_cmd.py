"""`slamon import inspections PATH` and `slamon import surveys PATH`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from collectors.files.import_report import ImportReport
from collectors.records.inspections import import_inspections
from collectors.records.surveys import import_surveys
from monitor import clock
from monitor.cli.context import Runtime, contract_option
from monitor.cli.import_output import print_report, run_import

Importer = Callable[..., ImportReport]


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
    run_record_import(import_inspections, path, source, contract_path)


@click.command("surveys")
@click.argument("path", type=click.Path(path_type=Path))
@_source_option
@contract_option
def surveys(path: Path, source: str, contract_path: Path | None) -> None:
    """导入满意度调查 Import satisfaction survey replies from a CSV, XLSX or JSON file.

    One row per unit and survey: 使用单位, 填报时间, 总体评价 (非常满意/比较满意/一般/不满意),
    optional per-question columns headed q:QUESTION. Exit codes as for tickets.
    """
    run_record_import(import_surveys, path, source, contract_path)


def run_record_import(
    importer: Importer, path: Path, source: str, contract_path: Path | None
) -> None:
    """Import one file of records with `importer`, print the summary and exit with its code."""
    runtime = Runtime(contract_path)
    run_import(
        lambda: importer(runtime.engine, path, runtime.contract, source=source, now=clock.now()),
        print_report,
    )
