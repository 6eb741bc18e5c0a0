"""`slamon sync-tickets [NAME]`: read new and changed tickets from the service desk APIs."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from collectors.mapping_profile import ProfileError
from collectors.settings import (
    DEFAULT_COLLECTORS_PATH,
    CollectorSettingsError,
    load_collector_settings,
)
from collectors.ticket_api import TICKET_COLLECTORS
from monitor import clock
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.render import table

EXIT_SOURCE_FAILED = 3  # what could be read is stored; the rest is a recorded gap


@click.command("sync-tickets")
@click.argument("name", required=False)
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(path_type=Path),
    envvar="SLAMON_COLLECTORS",
    default=DEFAULT_COLLECTORS_PATH,
    show_default=True,
    help="Collectors YAML (or SLAMON_COLLECTORS); ticket APIs are under `tickets:`.",
)
def sync_tickets(name: str | None, settings_path: Path) -> None:
    """同步工单 Read tickets updated since each API collector's watermark.

    ServiceNow, Jira Service Management, Zammad or a generic paged JSON endpoint, each read
    through its mapping profile. A source that fails is recorded as a gap with its reason
    (exit code 3) and read again from its watermark next time.
    """
    try:
        settings = load_collector_settings(settings_path)
    except CollectorSettingsError as error:
        raise UsageProblem(str(error)) from None
    sources = [s for s in settings.tickets if name is None or s.name == name]
    if name is not None and not sources:
        known = ", ".join(s.name for s in settings.tickets) or "none"
        raise UsageProblem(
            f"no ticket collector named '{name}' in {settings_path} (known: {known})"
        )
    if not sources:
        click.echo(f"{settings_path}: 没有配置工单采集器 no ticket collectors configured")
        return
    runtime = Runtime()
    now = clock.now()
    zone = runtime.contract.zone
    rows, failed = [], False
    for source in sources:
        try:
            collector = TICKET_COLLECTORS[source.type](source, runtime.engine, runtime.contract)
        except (ProfileError, ValueError) as error:
            raise UsageProblem(str(error)) from None
        result = collector.run(now)
        failed = failed or result.error is not None
        counts = result.counts
        rows.append(
            [
                result.name,
                result.range_from.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                result.range_to.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                str(result.records),
                f"{counts.inserted}/{counts.updated}/{counts.unchanged}",
                str(result.rejected),
                result.error or "—",
            ]
        )
    headers = ["采集器", "起", "止（水位）", "记录", "新增/更新/未变", "拒绝", "错误"]
    click.echo(table(headers, rows, right=(3, 5)))
    if failed:
        sys.exit(EXIT_SOURCE_FAILED)
