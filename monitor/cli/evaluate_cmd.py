"""`slamon evaluate`: every stored ticket against every target."""

from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from monitor.cli.calendar_warning import warn_unknown_calendar
from monitor.cli.context import Runtime, at_option, contract_option
from monitor.cli.contract_output import (
    contract_json,
    contracts_lines,
    ref_json,
    warn_uncovered,
)
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.language import WARNING_LEAD, chosen, echo, say
from monitor.cli.render import iso_or_none, local_time, table
from monitor.contract.contract_set import ContractSet
from monitor.domain.bounds import evaluation_error_message
from monitor.domain.durations import format_duration, format_duration_zh
from monitor.domain.message import Message, joined
from monitor.domain.tickets import EVENT_FIELDS, Status, TargetResult
from monitor.runs.evaluate import Evaluation, run_evaluation

# Shown by default in the table: what a supervisor has to look at.
_ATTENTION = (
    Status.BREACHED,
    Status.MISSING_EVIDENCE,
    Status.AT_RISK,
    Status.NOT_STARTED,
    Status.CALENDAR_UNKNOWN,
    Status.EVALUATION_ERROR,
)
# Tickets named in the warning about evaluation errors; the rest are counted.
_NAMED_ERRORS = 5


@click.command(cls=SpokenCommand)
@at_option
@contract_option
@click.option(
    "--format", "output", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help=both(
        "表格：列出每个结果，不只是需要关注的。",
        "Table: list every result, not only those needing attention.",
    ),
)
@click.option(
    "--no-store",
    is_flag=True,
    help=both("只评估，不把结果写入数据库。", "Evaluate without writing results to the database."),
)
def evaluate(
    at_text: str | None, contract_path: Path | None, output: str, show_all: bool, no_store: bool
) -> None:
    """按合同的指标评估每张已存工单。

    结果会保存（每张工单每个指标一条，状态变化留作历史），除非给出 --no-store。截止时间需要
    工作日历未收录年份的结果为 `calendar_unknown`，标准错误输出上有一条警告列出这些年份；
    工单中有无法计算时钟的值时为 `evaluation_error`，标准错误输出上写明工单和原因。

    English:

    Evaluate every stored ticket against the contract's targets.

    Results are stored (one per ticket and target, status changes kept as history) unless
    --no-store is given. A result whose deadline needs a year the working-day calendar does not
    know is calendar_unknown, and one warning on stderr names the years; a ticket holding a
    value its clocks cannot be computed from is evaluation_error, named on stderr with why.
    """
    runtime = Runtime(contract_path)
    at = runtime.parse_at(at_text)
    evaluation = run_evaluation(runtime.engine, runtime.contracts, at, store=not no_store)
    if output == "json":
        document = _as_json(evaluation, runtime.contracts)
        click.echo(json.dumps(document, ensure_ascii=False, indent=1))
    else:
        click.echo(_as_table(evaluation, runtime.contracts, show_all))
    warn_uncovered(evaluation.uncovered)
    warn_unknown_calendar(evaluation.results, runtime)
    warn_evaluation_errors(evaluation)


def warn_evaluation_errors(evaluation: Evaluation) -> None:
    """One warning on stderr naming the tickets whose results are evaluation_error, and why."""
    keys = {
        (r.source, r.ticket_id) for r in evaluation.results if r.status is Status.EVALUATION_ERROR
    }
    if not keys:
        return
    named = [t for t in evaluation.tickets if (t.source, t.ticket_id) in keys][:_NAMED_ERRORS]
    reasons = joined(
        Message(f"{t.ticket_id}：", f"{t.ticket_id}: ")
        + evaluation_error_message({n: getattr(t, n) for n in _FIELDS})
        for t in named
    )
    hidden = len(keys) - len(named)
    echo(
        WARNING_LEAD
        + Message(
            f"{len(keys)} 张工单评估错误，未判定、不计分：{reasons.zh}"
            + (f"（另有 {hidden} 张）" if hidden else ""),
            f"{len(keys)} ticket(s) could not be evaluated (evaluation_error, no verdict): "
            f"{reasons.en}" + (f" and {hidden} more" if hidden else ""),
        ),
        err=True,
    )


_FIELDS = ("restore_size_gb", *EVENT_FIELDS)


def _as_json(evaluation: Evaluation, contracts: ContractSet) -> dict[str, object]:
    zone = contracts.deployment.zone
    return {
        "evaluated_at": iso_or_none(evaluation.evaluated_at, zone),
        "contracts": [contract_json(judging) for judging in contracts],
        "results": [
            {
                "ticket_id": result.ticket_id,
                "target": result.target_id,
                "status": result.status.value,
                "start": iso_or_none(result.start, zone),
                "deadline": iso_or_none(result.deadline, zone),
                "stop": iso_or_none(result.stop, zone),
                "overdue_seconds": result.overdue_seconds,
                "contract": ref_json(result.contract),
            }
            for result in evaluation.results
        ],
        "uncovered": [
            {
                "source": ticket.source,
                "ticket_id": ticket.ticket_id,
                "pool": ticket.pool,
                "operator": ticket.operator,
                "reported_at": iso_or_none(ticket.reported_at, zone),
            }
            for ticket in evaluation.uncovered
        ],
    }


def _as_table(evaluation: Evaluation, contracts: ContractSet, show_all: bool) -> str:
    contract = contracts.deployment
    zone, lang = contract.zone, chosen()
    names = {t.id: t.name_zh if lang == "zh" else t.name_en for t in contract.targets}
    counts = Counter((result.target_id, result.status) for result in evaluation.results)
    summary_rows = [
        [names[target.id], *(str(counts[(target.id, status)]) for status in Status)]
        for target in contract.targets
    ]
    when = f"{local_time(evaluation.evaluated_at, zone)} ({contract.timezone})"
    tickets, results = len(evaluation.tickets), len(evaluation.results)
    parts = [
        say(
            f"评估时间 {when}；工单 {tickets} 张，考核结果 {results} 条",
            f"evaluated at {when}; {tickets} tickets, {results} results",
        ),
        *(contracts_lines(contracts, evaluation.results) if len(contracts) > 1 else []),
        "",
        table(
            [say("考核项", "target"), *(status.label(lang) for status in Status)],
            summary_rows,
            right=range(1, len(Status) + 1),
        ),
    ]
    shown = [r for r in evaluation.results if show_all or r.status in _ATTENTION]
    shown.sort(key=lambda r: (list(Status).index(r.status), -(r.overdue_seconds or 0)))
    if shown:
        headers = _RESULT_HEADERS_ZH if lang == "zh" else _RESULT_HEADERS_EN
        parts += ["", table(headers, [_row(result, names, zone, lang) for result in shown])]
    elif evaluation.results:
        parts += [
            "",
            say(
                "没有需要关注的结果（--all 列出全部结果）",
                "nothing needs attention (--all lists every result)",
            ),
        ]
    return "\n".join(parts)


_RESULT_HEADERS_ZH = ["工单编号", "考核项", "状态", "起算", "截止", "完成", "超时"]
_RESULT_HEADERS_EN = ["ticket", "target", "status", "start", "deadline", "stop", "overdue"]


def _row(result: TargetResult, names: dict[str, str], zone: ZoneInfo, lang: str) -> list[str]:
    overdue = result.overdue_seconds
    late = "—"
    if overdue:
        late = (
            format_duration_zh(overdue)
            if lang == "zh"
            else format_duration(timedelta(seconds=overdue))
        )
    return [
        result.ticket_id,
        names[result.target_id],
        result.status.label(lang),
        local_time(result.start, zone),
        local_time(result.deadline, zone),
        local_time(result.stop, zone),
        late,
    ]
