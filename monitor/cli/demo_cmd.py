"""`slamon demo`: the main job on the embedded default with the shipped sample tickets."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.tickets.file_import import import_tickets
from monitor import clock
from monitor.cli import evaluate_cmd, score_cmd
from monitor.cli.context import Runtime
from monitor.cli.import_output import print_report

SAMPLE_TICKETS = Path(__file__).resolve().parents[2] / "samples/tickets_2022.csv"


@click.command()
@click.pass_context
def demo(context: click.Context) -> None:
    """演示 Import the sample tickets (2022), evaluate them and score 2022."""
    runtime = Runtime()
    click.echo(f"数据库 database: {runtime.settings.database_url}\n")
    report = import_tickets(
        runtime.engine, SAMPLE_TICKETS, runtime.contract, source="sample", now=clock.now()
    )
    print_report(report)
    click.echo("")
    context.invoke(evaluate_cmd.evaluate, output="table")
    click.echo("")
    context.invoke(score_cmd.score, period="2022", output="table")
