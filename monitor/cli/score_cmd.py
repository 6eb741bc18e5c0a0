"""`slamon score --period P`: the evaluation indicators of a year or month."""

from __future__ import annotations

import json
from pathlib import Path

import click

from monitor.cli.calendar_warning import warn_unknown_calendar
from monitor.cli.context import Runtime, UsageProblem, at_option, contract_option
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.scorecard_output import scorecard_json, scorecard_text
from monitor.contract.model import Contract
from monitor.domain.message import Message, message_of
from monitor.domain.periods import Period
from monitor.runs.scorecard import period_scorecard
from monitor.scorecard.manual import ManualScores, ManualScoresError, load_manual_scores


@click.command(cls=SpokenCommand)
@click.option(
    "--period",
    required=True,
    metavar="YYYY|YYYY-MM",
    help=both("评分的年份或月份。", "The year or month to score."),
)
@at_option
@contract_option
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--manual",
    "manual_path",
    type=click.Path(path_type=Path),
    default=None,
    help=both(
        "手工填报指标（立项、预算……）和 SLA 考核得分的 YAML。",
        "YAML of hand-entered indicators (project approval, budget …) and the SLA "
        "assessment score.",
    ),
)
def score(
    period: str,
    at_text: str | None,
    contract_path: Path | None,
    output: str,
    manual_path: Path | None = None,
) -> None:
    """本期绩效评分：各项指标、总分与等级、未关闭的问题。

    截止时间需要工作日历未收录年份的结果不算超时；标准错误输出上有一条警告列出这些年份。

    English:

    The period's scorecard: every indicator, total and grade, unclosed findings.

    A result whose deadline needs a year the working-day calendar does not know is not counted
    as late; one warning on stderr names the years.
    """
    runtime = Runtime(contract_path)
    bounds = runtime.parse_period(period)
    at = runtime.parse_at(at_text)
    manual = load_manual_option(manual_path, runtime.contract, bounds)
    card = period_scorecard(runtime.engine, runtime.contracts, bounds, at, manual)
    if output == "json":
        document = scorecard_json(card, runtime.contract)
        click.echo(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        click.echo(scorecard_text(card, runtime.contract))
    warn_unknown_calendar(card.calendar_unknown, runtime)


def load_manual_option(
    path: Path | None, contract: Contract, period: Period
) -> ManualScores | None:
    """--manual: the hand-entered indicators of `period`, or None when not given."""
    if path is None:
        return None
    try:
        manual = load_manual_scores(path, contract)
    except ManualScoresError as error:
        raise UsageProblem(Message("--manual：", "--manual: ") + message_of(error)) from None
    if not manual.scores(period.label):
        raise UsageProblem(
            Message(
                f"--manual：{path} 评的是 {manual.period}，不是 {period.label}",
                f"--manual: {path} scores {manual.period}, not {period.label}",
            )
        )
    return manual
