"""What every `slamon import …` prints and exits with: the counts, the first problems, and the
exit code of the report (2, with the reason, when the file cannot be used)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from typing import NoReturn, TypeVar

import click

from collectors.files.import_report import (
    EXIT_UNREADABLE,
    ImportFileError,
    ImportReport,
    RowProblem,
)
from monitor.cli.language import chosen, echo, error_line, say
from monitor.domain.message import Message
from monitor.domain.text import control_problem

Report = TypeVar("Report", bound=ImportReport)
# Beyond this many, problems are counted rather than listed; all are kept in rejected_row.
LISTED_PROBLEMS = 50
# What to run after an import that stored rows: tickets' clocks are judged by an evaluation
# (which a running `slamon serve` makes by itself), records are read by the scorecard as stored.
NEXT_AFTER_TICKETS = Message(
    "下一步：slamon evaluate（按合同计算时限与违约），再 slamon score --period YYYY-MM（评分）；"
    "slamon serve 运行时会自动评估。",
    "Next: slamon evaluate (deadlines and breaches by the contract), then slamon score "
    "--period YYYY-MM (the scorecard); a running slamon serve evaluates by itself.",
)
NEXT_AFTER_RECORDS = Message(
    "下一步：slamon score --period YYYY-MM（评分）。",
    "Next: slamon score --period YYYY-MM (the scorecard).",
)
NEXT_AFTER_BILLING = Message(
    "下一步：slamon billing check --period YYYY-MM（核对结算清单）。",
    "Next: slamon billing check --period YYYY-MM (check the statement).",
)


def checked_source(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    """--source is an id like a ticket's: one with a control character is a usage error."""
    problem = control_problem(value) if value is not None else None
    if problem is not None:
        raise click.BadParameter(say(problem))
    return value


def run_import(
    importing: Callable[[], Report],
    summary: Callable[[Report], None],
    next_step: Message = NEXT_AFTER_TICKETS,
) -> NoReturn:
    """Import, print the report's summary and, when rows were stored, what to run next; exit
    with the report's code."""
    try:
        report = importing()
    except ImportFileError as error:
        echo(error_line(error), err=True)
        sys.exit(EXIT_UNREADABLE)
    summary(report)
    if report.rows_read > report.rejected_rows:
        echo(next_step)
    sys.exit(report.exit_code)


def print_report(report: ImportReport) -> None:
    """The summary of a ticket or record import: its counts, then its first problems."""
    echo(
        f"{report.path}：读取 {report.rows_read} 行；新增 {report.inserted}，"
        f"更新 {report.updated}，未变 {report.unchanged}，拒绝 {report.rejected_rows}",
        f"{report.path}: {report.rows_read} rows read; {report.inserted} inserted, "
        f"{report.updated} updated, {report.unchanged} unchanged, "
        f"{report.rejected_rows} rejected",
    )
    if report.duplicate_rows:
        echo(
            f"  文件内重复工单 {report.duplicate_rows} 行：以最后一行为准",
            f"  {report.duplicate_rows} duplicate ticket rows in the file: the last one wins",
        )
    print_problems(report.problems, LISTED_PROBLEMS)


def print_problems(problems: Sequence[RowProblem], listed: int) -> None:
    """The first `listed` problems, one a line, then how many more were left out."""
    for problem in problems[:listed]:
        click.echo(f"  {problem.describe(chosen())}", err=True)
    hidden = len(problems) - listed
    if hidden > 0:
        echo(
            f"  … 另有 {hidden} 个问题未列出；每个被拒绝的行都保存在 rejected_row 表中",
            f"  … and {hidden} more problem(s); every rejected row is kept in rejected_row",
            err=True,
        )
