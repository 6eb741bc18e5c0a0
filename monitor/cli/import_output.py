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
from monitor.domain.text import control_problem

Report = TypeVar("Report", bound=ImportReport)
# Beyond this many, problems are counted rather than listed; all are kept in rejected_row.
LISTED_PROBLEMS = 50
# What to run after an import that stored rows: tickets' clocks are judged by an evaluation
# (which a running `slamon serve` makes by itself), records are read by the scorecard as stored.
NEXT_AFTER_TICKETS = (
    "下一步：slamon evaluate（按合同计算时限与违约），再 slamon score --period YYYY-MM（评分）；"
    "slamon serve 运行时会自动评估。Next: slamon evaluate, then slamon score --period YYYY-MM; "
    "a running slamon serve evaluates by itself."
)
NEXT_AFTER_RECORDS = (
    "下一步：slamon score --period YYYY-MM（评分）。Next: slamon score --period YYYY-MM."
)


def checked_source(
    _context: click.Context, _parameter: click.Parameter, value: str | None
) -> str | None:
    """--source is an id like a ticket's: one with a control character is a usage error."""
    problem = control_problem(value) if value is not None else None
    if problem is not None:
        raise click.BadParameter(problem)
    return value


def run_import(
    importing: Callable[[], Report],
    summary: Callable[[Report], None],
    next_step: str = NEXT_AFTER_TICKETS,
) -> NoReturn:
    """Import, print the report's summary and, when rows were stored, what to run next; exit
    with the report's code."""
    try:
        report = importing()
    except ImportFileError as error:
        click.echo(f"错误 error: {error}", err=True)
        sys.exit(EXIT_UNREADABLE)
    summary(report)
    if report.rows_read > report.rejected_rows:
        click.echo(next_step)
    sys.exit(report.exit_code)


def print_report(report: ImportReport) -> None:
    """The summary of a ticket or record import: its counts, then its first problems."""
    click.echo(
        f"{report.path}: 读取 {report.rows_read} 行 rows read; 新增 {report.inserted} inserted, "
        f"更新 {report.updated} updated, 未变 {report.unchanged} unchanged, "
        f"拒绝 {report.rejected_rows} rejected"
    )
    if report.duplicate_rows:
        click.echo(
            f"  文件内重复工单 {report.duplicate_rows} 行：以最后一行为准 "
            "(duplicate ticket rows in the file; the last one wins)"
        )
    print_problems(report.problems, LISTED_PROBLEMS, "more problem(s)")


def print_problems(problems: Sequence[RowProblem], listed: int, more: str) -> None:
    """The first `listed` problems, one a line, then how many `more` were left out."""
    for problem in problems[:listed]:
        click.echo(f"  {problem.describe()}", err=True)
    hidden = len(problems) - listed
    if hidden > 0:
        click.echo(f"  … and {hidden} {more}; every rejected row is kept in rejected_row", err=True)
