"""`slamon score --period P`: the evaluation indicators of a year or month."""

from __future__ import annotations

import json
from pathlib import Path

import click

from monitor.cli.context import Runtime, UsageProblem, at_option, contract_option
from monitor.cli.render import iso_or_none, table
from monitor.evaluation import score_period
from monitor.scoring import parse_period


@click.command()
@click.option("--period", required=True, metavar="YYYY|YYYY-MM", help="The year or month to score.")
@at_option
@contract_option
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def score(period: str, at_text: str | None, contract_path: Path | None, output: str) -> None:
    """绩效评分 Score a period's indicators (故障响应及时性 …) as of --at (default: now)."""
    runtime = Runtime(contract_path)
    try:
        bounds = parse_period(period, runtime.contract.zone)
    except ValueError as error:
        raise UsageProblem(f"--period: {error}") from None
    at = runtime.parse_at(at_text)
    indicators = score_period(runtime.engine, runtime.contract, runtime.calendar, bounds, at)
    if output == "json":
        document = {
            "period": bounds.label,
            "evaluated_at": iso_or_none(at, runtime.contract.zone),
            "indicators": [
                {
                    "id": indicator.id,
                    "name_zh": indicator.name_zh,
                    "points": indicator.points,
                    "max_points": indicator.max_points,
                    "rule_zh": indicator.rule_zh,
                    "measured": indicator.measured,
                    "evidence": list(indicator.evidence),
                    **indicator.details,
                }
                for indicator in indicators
            ],
        }
        click.echo(json.dumps(document, ensure_ascii=False, indent=1))
        return
    click.echo(f"考核期 period {bounds.label}")
    click.echo(
        table(
            ["指标", "得分", "满分", "依据", "评分规则"],
            [
                [
                    i.name_zh,
                    f"{i.points:g}",
                    f"{i.max_points:g}",
                    ", ".join(i.evidence) or "—",
                    i.rule_zh,
                ]
                for i in indicators
            ],
            right=(1, 2),
        )
    )
