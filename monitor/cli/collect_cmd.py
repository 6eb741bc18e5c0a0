"""`slamon collect [NAME]`: fetch new samples from the configured Prometheus queries."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.prometheus import PrometheusCollector
from monitor import clock
from monitor.cli.collector_cmds import chosen_sources, settings_option, show_runs, span
from monitor.cli.context import Runtime
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.language import chosen, echo, say
from monitor.domain.message import Message

# A collector whose lease another process holds (a running `slamon serve`) is left to it.
HELD = Message("另一进程正在采集，本次跳过", "another process is collecting it: skipped")


@click.command(cls=SpokenCommand)
@click.argument("name", required=False)
@settings_option(
    both("采集器配置 YAML（或 SLAMON_COLLECTORS）。", "Collectors YAML (or SLAMON_COLLECTORS).")
)
def collect(name: str | None, settings_path: Path) -> None:
    """从 Prometheus 采集各采集器水位线之后的样本。

    每个采集器从上次停下处继续；失败的服务器记为带原因的数据缺口（退出码 3），下次再采，
    从不算作停机。

    English:

    Fetch samples from Prometheus since each collector's watermark.

    Every collector resumes where it stopped; a server that fails is recorded as a gap with
    its reason (exit code 3) and fetched again next time, never counted as downtime.
    """
    sources = chosen_sources(settings_path, name, lambda s: s.prometheus, "collector")
    if not sources:
        echo(f"{settings_path}：没有配置采集器", f"{settings_path}: no collectors configured")
        return
    runtime = Runtime()
    now = clock.now()
    rows, failed = [], False
    for source in sources:
        result = PrometheusCollector(source, runtime.engine).run(now)
        failed = failed or result.error is not None
        when = span(result.range_from, result.range_to, runtime.contract.zone)
        note = result.error or (say(HELD) if result.held_elsewhere else "—")
        rows.append([result.name, *when, str(result.samples), note])
    headers = (
        ["采集器", "起", "止（水位）", "样本数", "错误"]
        if chosen() == "zh"
        else ["collector", "from", "to (watermark)", "samples", "error"]
    )
    show_runs(headers, rows, (3,), failed)
