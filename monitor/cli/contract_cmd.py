"""`slamon contract check`: validate a contract file, or a directory of them, and show what
each judges: its scope and validity, its targets and their clocks."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import click

from monitor.cli.help_language import SpokenGroup
from monitor.cli.language import chosen, say
from monitor.cli.render import table
from monitor.contract.contract_set import JudgingContract, load_contract_set
from monitor.contract.model import DEFAULT_CONTRACT_PATH, ClockKind, Contract, Target


@click.group(cls=SpokenGroup)
def contract() -> None:
    """合同配置。

    English:

    Contract configuration.
    """


@contract.command("check")
@click.argument("path", type=click.Path(path_type=Path), default=DEFAULT_CONTRACT_PATH)
def check(path: Path) -> None:
    """校验合同文件（或合同目录）并列出其中的指标。

    English:

    Validate a contract file (or a directory of contracts) and list their targets.
    """
    contracts = load_contract_set(path)
    parts = []
    for judging in contracts:
        parts.append(_contract_text(judging))
    if path.is_dir():
        parts.append(
            say(f"考核方案：{contracts.scheme.name}", f"evaluation scheme: {contracts.scheme.name}")
        )
    click.echo("\n\n".join(parts))


def _contract_text(judging: JudgingContract) -> str:
    loaded = judging.contract
    years = judging.calendar.known_years
    until = judging.calendar.known_until()
    last = None if until is None else until - timedelta(days=1)
    version, span = judging.ref.short_version, f"{years[0]}–{years[-1]}"
    if chosen() == "en":
        header = (
            f"{judging.path}: OK — {loaded.name} (version {version}); time zone "
            f"{loaded.timezone}; working-day calendar {span}"
            + ("" if last is None else f" (known through {last})")
            + f"\nscope: {judging.scope.describe_en()}; {judging.describe_validity_en()}"
        )
        return header + "\n" + _targets_en(loaded)
    header = (
        f"{judging.path}: OK — {loaded.name}（版本 {version}）；"
        f"时区 {loaded.timezone}；工作日历 {span}"
        + ("" if last is None else f"（至 {last}）")
        + f"\n适用范围 {judging.scope.describe_zh()}；{judging.describe_validity_zh()}"
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


def _targets_en(loaded: Contract) -> str:
    rows = [
        [
            t.id,
            t.name_en,
            f"{loaded.kinds[t.kind].name_en}/"
            + (
                ",".join(loaded.severities[s].name_en for s in t.severities)
                if t.severities
                else "all"
            ),
            f"{t.start} → {t.stop}",
            t.limit.describe_en(),
            _clock_en(t),
        ]
        for t in loaded.targets
    ]
    return table(["id", "target", "applies to", "start → stop", "limit", "clock"], rows)


def _clock_en(target: Target) -> str:
    if target.schedule is not None:
        return f"by {target.schedule}"
    return "working days" if target.clock is ClockKind.WORKING_DAYS else "7×24"


def _clock_zh(target: Target) -> str:
    if target.schedule is not None:
        return f"按{target.schedule}"
    return "工作日" if target.clock is ClockKind.WORKING_DAYS else "7×24"
