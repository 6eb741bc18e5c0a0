"""`slamon contract check`: validate a contract file and show its targets."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from monitor.cli.render import table
from monitor.contract.model import DEFAULT_CONTRACT_PATH, load_contract
from monitor.domain.calendar import BusinessCalendar


@click.group()
def contract() -> None:
    """合同 Contract configuration."""


@contract.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_CONTRACT_PATH)
def check(path: Path) -> None:
    """Validate a contract file and list its targets."""
    loaded = load_contract(path)
    calendar = BusinessCalendar.from_config(loaded.calendar)
    years = calendar.known_years
    until = calendar.known_until()
    through = "" if until is None else f"（至 {until - timedelta(days=1)} known through）"
    click.echo(
        f"{path}: OK — {loaded.name}; 时区 {loaded.timezone}; "
        f"工作日历 {years[0]}–{years[-1]}{through}"
    )
    rows = [
        [
            t.id,
            t.name_zh,
            f"{loaded.kinds[t.kind].name_zh}/"
            + (
                ",".join(loaded.severities[s].name_zh for s in t.severities)
                if t.severities
                else "全部"
            ),
            f"{t.start} → {t.stop}",
            t.limit.describe_zh(),
        ]
        for t in loaded.targets
    ]
    click.echo(table(["id", "考核项", "适用", "起止事件", "时限"], rows))
