"""What `slamon collect` and `slamon sync-tickets` share: the collectors file, the collectors
chosen by name, and the table of runs with exit code 3 when a source failed."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar
from zoneinfo import ZoneInfo

import click

from collectors.settings import (
    DEFAULT_COLLECTORS_PATH,
    CollectorSettings,
    CollectorSettingsError,
    load_collector_settings,
)
from monitor.cli.context import UsageProblem
from monitor.cli.render import table
from monitor.domain.message import Message, message_of

EXIT_SOURCE_FAILED = 3  # what could be read is stored; the rest is a recorded gap


class Named(Protocol):
    @property
    def name(self) -> str: ...


S = TypeVar("S", bound=Named)


def settings_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    return click.option(
        "--settings",
        "settings_path",
        type=click.Path(path_type=Path),
        envvar="SLAMON_COLLECTORS",
        default=DEFAULT_COLLECTORS_PATH,
        show_default=True,
        help=help_text,
    )


# The kinds of collector in Chinese, for the error naming an unknown one.
_WHAT_ZH = {"collector": "采集器", "ticket collector": "工单采集器"}


def chosen_sources(
    settings_path: Path,
    name: str | None,
    sources_of: Callable[[CollectorSettings], Sequence[S]],
    what: str,
) -> list[S]:
    """The collectors to run (all, or the one named); a name the file lacks is a usage error."""
    try:
        settings = load_collector_settings(settings_path)
    except CollectorSettingsError as error:
        raise UsageProblem(message_of(error)) from None
    configured = sources_of(settings)
    sources = [s for s in configured if name is None or s.name == name]
    if name is not None and not sources:
        names = ", ".join(s.name for s in configured)
        raise UsageProblem(
            Message(
                f"{settings_path} 中没有名为 '{name}' 的{_WHAT_ZH.get(what, what)}"
                f"（已配置：{names or '无'}）",
                f"no {what} named '{name}' in {settings_path} (known: {names or 'none'})",
            )
        )
    return sources


def span(start: datetime, end: datetime, zone: ZoneInfo) -> list[str]:
    return [moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") for moment in (start, end)]


def show_runs(
    headers: list[str], rows: list[list[str]], right: tuple[int, ...], failed: bool
) -> None:
    click.echo(table(headers, rows, right=right))
    if failed:
        sys.exit(EXIT_SOURCE_FAILED)
