"""`slamon import tickets PATH`."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.records.outages import import_outages
from collectors.records.resources import import_resources
from collectors.records.usage import import_usage
from collectors.tickets.file_import import import_tickets
from monitor import clock
from monitor.cli.context import Runtime, contract_option
from monitor.cli.import_output import print_report, run_import
from monitor.cli.profile_import_cmd import run_profile_import
from monitor.cli.record_import_cmd import run_record_import


@click.group("import")
def import_group() -> None:
    """导入数据 Import data from files."""


@import_group.command("tickets")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--source",
    default=None,
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


# Outages, inventory and monthly usage figures share the record importer's report and exits.
_EXITS = (
    "Exit code 0: all rows stored; 3: some rows rejected (the good ones are stored, the bad "
    "ones kept in rejected_row); 2: the file could not be used, nothing stored."
)


@import_group.command("outages", epilog=_EXITS)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--source", default="file", show_default=True, help="Where the file comes from.")
@contract_option
def outages(path: Path, source: str, contract_path: Path | None) -> None:
    """导入中断记录 Import outage records (CSV/XLSX/JSON).

    Columns: resource_id, class, pool, start, end, planned, approved_by, cause. A planned
    outage with an approver is a maintenance window: its time is excluded from availability.
    """
    run_record_import(import_outages, path, source, contract_path)


@import_group.command("resources", epilog=_EXITS)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--source", default="file", show_default=True, help="Where the file comes from.")
@contract_option
def resources(path: Path, source: str, contract_path: Path | None) -> None:
    """导入资源清单 Import the resource inventory (CSV/XLSX/JSON).

    Columns: resource_id, class (vm/physical/network/power/backup/storage), pool, user_unit,
    system, status, in_service_from, reclaimed_at.
    """
    run_record_import(import_resources, path, source, contract_path)


@import_group.command("usage", epilog=_EXITS)
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--source", default="file", show_default=True, help="Where the file comes from.")
@contract_option
def usage(path: Path, source: str, contract_path: Path | None) -> None:
    """导入月度使用率 Import monthly utilisation figures (CSV/XLSX/JSON).

    Columns: pool or resource_id, month (YYYY-MM), cpu, memory, storage (percent).
    """
    run_record_import(import_usage, path, source, contract_path)
