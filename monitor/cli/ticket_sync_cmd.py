"""`slamon sync-tickets [NAME]`: read new and changed tickets from the service desk APIs."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.ticket_api import TICKET_COLLECTORS
from collectors.tickets.profile import ProfileError
from monitor import clock
from monitor.cli.collector_cmds import chosen_sources, settings_option, show_runs, span
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.language import chosen, echo
from monitor.domain.message import message_of


@click.command("sync-tickets", cls=SpokenCommand)
@click.argument("name", required=False)
@settings_option(
    both(
        "采集器配置 YAML（或 SLAMON_COLLECTORS）；工单接口在 `tickets:` 下。",
        "Collectors YAML (or SLAMON_COLLECTORS); ticket APIs are under `tickets:`.",
    )
)
def sync_tickets(name: str | None, settings_path: Path) -> None:
    """读取各工单接口水位线之后更新的工单。

    ServiceNow、Jira Service Management、Zammad 或通用的分页 JSON 接口，各按其映射配置读取。
    失败的来源记为带原因的数据缺口（退出码 3），下次从其水位线起重新读取。

    English:

    Read tickets updated since each API collector's watermark.

    ServiceNow, Jira Service Management, Zammad or a generic paged JSON endpoint, each read
    through its mapping profile. A source that fails is recorded as a gap with its reason
    (exit code 3) and read again from its watermark next time.
    """
    sources = chosen_sources(settings_path, name, lambda s: s.tickets, "ticket collector")
    if not sources:
        echo(
            f"{settings_path}：没有配置工单采集器",
            f"{settings_path}: no ticket collectors configured",
        )
        return
    runtime = Runtime()
    now = clock.now()
    rows, failed = [], False
    for source in sources:
        try:
            collector = TICKET_COLLECTORS[source.type](source, runtime.engine, runtime.contract)
        except (ProfileError, ValueError) as error:
            raise UsageProblem(message_of(error)) from None
        result = collector.run(now)
        failed = failed or result.error is not None
        counts = result.counts
        rows.append(
            [
                result.name,
                *span(result.range_from, result.range_to, runtime.contract.zone),
                str(result.records),
                f"{counts.inserted}/{counts.updated}/{counts.unchanged}",
                str(result.rejected),
                result.error or "—",
            ]
        )
    headers = (
        ["采集器", "起", "止（水位）", "记录", "新增/更新/未变", "拒绝", "错误"]
        if chosen() == "zh"
        else [
            "collector",
            "from",
            "to (watermark)",
            "records",
            "new/updated/same",
            "rejected",
            "error",
        ]
    )
    show_runs(headers, rows, (3, 5), failed)
