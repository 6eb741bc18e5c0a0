"""`slamon collect [NAME]`: fetch new samples from the configured Prometheus queries."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from collectors.prometheus import PrometheusCollector
from collectors.settings import (
    DEFAULT_COLLECTORS_PATH,
    CollectorSettingsError,
    load_collector_settings,
)
from monitor import clock
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.render import table

EXIT_SOURCE_FAILED = 3  # what could be fetched is stored; the rest is a recorded gap


@click.command()
@click.argument("name", required=False)
@click.option(
    "--settings",
    "settings_path",
    type=click.Path(path_type=Path),
    envvar="SLAMON_COLLECTORS",
    default=DEFAULT_COLLECTORS_PATH,
    show_default=True,
    help="Collectors YAML (or SLAMON_COLLECTORS).",
)
def collect(name: str | None, settings_path: Path) -> None:
    """采集 Fetch samples from Prometheus since each collector's watermark.

    Every collector resumes where it stopped; a server that fails is recorded as a gap with
    its reason (exit code 3) and fetched again next time, never counted as downtime.
    """
    try:
        settings = load_collector_settings(settings_path)
    except CollectorSettingsError as error:
        raise UsageProblem(str(error)) from None
    sources = [s for s in settings.prometheus if name is None or s.name == name]
    if name is not None and not sources:
        known = ", ".join(s.name for s in settings.prometheus) or "none"
        raise UsageProblem(f"no collector named '{name}' in {settings_path} (known: {known})")
    if not sources:
        click.echo(f"{settings_path}: 没有配置采集器 no collectors configured")
        return
    runtime = Runtime()
    now = clock.now()
    zone = runtime.contract.zone
    rows, failed = [], False
    for source in sources:
        result = PrometheusCollector(source, runtime.engine).run(now)
        failed = failed or result.error is not None
        rows.append(
            [
                result.name,
                result.range_from.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                result.range_to.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                str(result.samples),
                result.error or "—",
            ]
        )
    click.echo(table(["采集器", "起", "止（水位）", "样本数", "错误"], rows, right=(3,)))
    if failed:
        sys.exit(EXIT_SOURCE_FAILED)
