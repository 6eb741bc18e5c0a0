"""`slamon import tickets PATH`."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.tickets.file_import import import_tickets
from monitor import clock
from monitor.cli.context import Runtime, contract_option
from monitor.cli.help_language import SpokenGroup, both
from monitor.cli.import_output import checked_source, print_report, run_import
from monitor.cli.profile_import_cmd import run_profile_import
from monitor.cli.record_import_cmd import RECORD_COMMANDS


@click.group("import", cls=SpokenGroup)
def import_group() -> None:
    """从文件导入数据。

    English:

    Import data from files.
    """


@import_group.command("tickets")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--source",
    default=None,
    callback=checked_source,
    help=both(
        "工单的来源（默认：`file`，或映射配置的名称）；工单按（来源，`ticket_id`）唯一。",
        "Where the tickets come from (default: file, or the profile's name); tickets are "
        "unique per (source, ticket_id).",
    ),
)
@click.option(
    "--profile",
    default=None,
    metavar="NAME|PATH",
    help=both(
        "按映射配置（config/mappings/NAME.yaml）读取其他系统导出的文件：`servicenow`、"
        "`jira_sm`、`zammad`、`nanguan`、`slamon`。",
        "Read another tool's export through a mapping profile (config/mappings/NAME.yaml): "
        "servicenow, jira_sm, zammad, nanguan, slamon.",
    ),
)
@contract_option
def tickets(
    path: Path, source: str | None, profile: str | None, contract_path: Path | None
) -> None:
    """从 CSV、XLSX 或 JSON 文件导入工单。

    退出码 0：全部行已保存；3：部分行被拒（正确的行已保存，错误的行记入 `rejected_row` 表）；
    2：文件无法使用，未保存任何内容。

    English:

    Import tickets from a CSV, XLSX or JSON file.

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
