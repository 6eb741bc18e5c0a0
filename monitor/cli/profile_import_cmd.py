"""`slamon import tickets PATH --profile NAME`: the summary of a profile import."""

from __future__ import annotations

from pathlib import Path

import click

from collectors.tickets.profile import ProfileError, load_profile
from collectors.tickets.profile_import import ProfileImportReport, import_with_profile
from monitor import clock
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.import_output import print_problems, run_import

# Beyond this many, problems are counted by reason; every rejected row is kept in rejected_row.
_LISTED_PROBLEMS = 20


def run_profile_import(
    path: Path, profile_name: str, source: str | None, contract_path: Path | None
) -> None:
    try:
        profile = load_profile(profile_name)
    except ProfileError as error:
        raise UsageProblem(str(error)) from None
    runtime = Runtime(contract_path)
    run_import(
        lambda: import_with_profile(
            runtime.engine,
            path,
            profile,
            runtime.contract,
            source=source or profile.name,
            now=clock.now(),
        ),
        print_summary,
    )


def print_summary(report: ProfileImportReport) -> None:
    counts = report.counts
    click.echo(
        f"{report.path} (profile {report.profile}, source {report.source}): "
        f"读取 {report.rows_read} 行 rows read; 工单 {report.tickets} tickets: "
        f"新增 {counts.inserted} inserted, 更新 {counts.updated} updated, "
        f"未变 {counts.unchanged} unchanged; 拒绝 {report.rejected_rows} rows rejected"
    )
    if counts.events_new or counts.events_known:
        click.echo(
            f"  状态记录 status events: 新 {counts.events_new} new, "
            f"已有 {counts.events_known} already stored; "
            f"暂停/重开/等级变更有变 {counts.histories_changed} ticket histories changed"
        )
    if report.rows_skipped:
        click.echo(f"  跳过 {report.rows_skipped} 行 rows skipped (a status the profile skips)")
    if report.unknown_columns:
        click.echo(
            f"  未知列（已忽略）unknown columns, ignored: {', '.join(report.unknown_columns)}",
            err=True,
        )
    for reason, count in report.reasons():
        click.echo(f"  拒绝原因 rejected ×{count}: {reason}", err=True)
    print_problems(report.problems, _LISTED_PROBLEMS, "more")
