"""`slamon import tickets PATH`."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.tickets.file_import import import_tickets
from monitor import clock
from monitor.cli.context import Runtime, contract_option
from monitor.cli.import_output import checked_source, print_report, run_import
from monitor.cli.profile_import_cmd import run_profile_import
from monitor.cli.record_import_cmd import RECORD_COMMANDS


@click.group("import")
def import_group() -> None:
    """导入数据 Import data from files."""


@import_group.command("tickets")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--source",
    default=None,
    callback=checked_source,
    help="Where the tickets come from (default: file, or the profile's name); tickets are "
    "unique per (source, ticket_id).",
)
@click.option(
    "--profile",
    default=None,
    metavar="NAME|PATH",
    help="Read another tool's export through a mapping profile (config/mappings/NAME.yaml): "
    "servicenow, jira_sm, zammad, nanguan, slamon.",
)
@contract_option
def tickets(
    path: Path, source: str | None, profile: str | None, contract_path: Path | None
) -> None:
    """导入工单 Import tickets from a CSV, XLSX or JSON file.

    Exit code 0: all rows stored; 3: some rows rejected (the good ones are stored, the bad
    ones kept in the rejected_row table); 2: the file could not be used, nothing stored.
    """
    if profile is not None:
        run_profile_import(path, profile, source, contract_path)
        return
    runtime = Runtime(contract_path)
    run_import(
        lambda: import_tickets(
            runtime.engine, path, runtime.contract, source=source or "file", now=clock.now()
        ),
        print_report,
    )


for command in RECORD_COMMANDS:
    import_group.add_command(command)
