"""`slamon import resources|outages|usage|inspections|surveys PATH`, one command per record kind
of collectors.records.RECORD_IMPORTERS."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.records import RECORD_IMPORTERS, ImportFile, RecordKind
from monitor import clock
from monitor.cli.context import Runtime, contract_option
from monitor.cli.import_output import (
    NEXT_AFTER_RECORDS,
    checked_source,
    print_report,
    run_import,
)

_EXITS = (
    "Exit code 0: all rows stored; 3: some rows rejected (the good ones are stored, the bad "
    "ones kept in rejected_row); 2: the file could not be used, nothing stored."
)


def record_command(kind: RecordKind) -> click.Command:
    """The import command of one record kind."""

    @click.command(kind.name, help=f"{kind.summary}\n\n{kind.columns}", epilog=_EXITS)
    @click.argument("path", type=click.Path(path_type=Path))
    @click.option(
        "--source",
        default="file",
        callback=checked_source,
        show_default=True,
        help="Where the records come from; records are unique per source.",
    )
    @contract_option
    def command(path: Path, source: str, contract_path: Path | None, **profile: str | None) -> None:
        name, profiled = profile.get("profile"), kind.import_profiled
        if name is None or profiled is None:
            run_record_import(kind.import_file, path, source, contract_path)
            return
        run_record_import(
            lambda engine, path, contract, *, source, now: profiled(
                engine, path, contract, source=source, now=now, profile=name
            ),
            path,
            source,
            contract_path,
        )

    if kind.import_profiled is not None:
        command = click.option(
            "--profile",
            default=None,
            help="A layout of the operator's own: config/mappings/statements/NAME.yaml, or a "
            "YAML file's path.",
        )(command)
    return command


RECORD_COMMANDS = [record_command(kind) for kind in RECORD_IMPORTERS.values()]


def run_record_import(
    importer: ImportFile, path: Path, source: str, contract_path: Path | None
) -> None:
    """Import one file of records with `importer`, print the summary and exit with its code."""
    runtime = Runtime(contract_path)
    run_import(
        lambda: importer(runtime.engine, path, runtime.contract, source=source, now=clock.now()),
        print_report,
        NEXT_AFTER_RECORDS,
    )
