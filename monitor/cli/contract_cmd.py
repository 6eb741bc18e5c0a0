"""`slamon contract check`: validate a contract file, or a directory of them, and show what
each judges: its scope and validity, its targets and their clocks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from monitor.cli.render import table
from monitor.contract.contract_set import JudgingContract, load_contract_set
from monitor.contract.model import DEFAULT_CONTRACT_PATH, ClockKind, Target


@click.group()
def contract() -> None:
    """合同 Contract configuration."""


@contract.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_CONTRACT_PATH)
def check(path: Path) -> None:
    """Validate a contract file (or a directory of contracts) and list their targets."""
    contracts = load_contract_set(path)
    parts = []
    for judging in contracts:
        parts.append(_contract_text(judging))
    if path.is_dir():
        parts.append(f"考核方案 evaluation scheme: {contracts.scheme.name}")
    click.echo("\n\n".join(parts))


def _contract_text(judging: JudgingContract) -> str:
    loaded = judging.contract
    years = judging.calendar.known_years
    until = judging.calendar.known_until()
    through = "" if until is None else f"（至 {until - timedelta(days=1)} known through）"
    header = (
        f"{judging.path}: OK — {loaded.name}（版本 {judging.ref.short_version}）; "
        f"时区 {loaded.timezone}; 工作日历 {years[0]}–{years[-1]}{through}\n"
        f"适用范围 {judging.scope.describe_zh()}；{judging.describe_validity_zh()}"
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
            _clock_zh(t),
        ]
        for t in loaded.targets
    ]
    return header + "\n" + table(["id", "考核项", "适用", "起止事件", "时限", "计时"], rows)


def _clock_zh(target: Target) -> str:
    if target.schedule is not None:
        return f"按{target.schedule}"
    return "工作日" if target.clock is ClockKind.WORKING_DAYS else "7×24"
