"""`slamon import tickets PATH --profile NAME`: the summary of a profile import."""

from __future__ import annotations

from pathlib import Path

from collectors.tickets.profile import ProfileError, load_profile
from collectors.tickets.profile_import import ProfileImportReport, import_with_profile
from monitor import clock
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.import_output import print_problems, run_import
from monitor.cli.language import chosen, echo
from monitor.domain.message import message_of

# Beyond this many, problems are counted by reason; every rejected row is kept in rejected_row.
_LISTED_PROBLEMS = 20


def run_profile_import(
    path: Path, profile_name: str, source: str | None, contract_path: Path | None
) -> None:
    try:
        profile = load_profile(profile_name)
    except ProfileError as error:
        raise UsageProblem(message_of(error)) from None
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
    echo(
        f"{report.path}（映射 {report.profile}，来源 {report.source}）："
        f"读取 {report.rows_read} 行；工单 {report.tickets} 张：新增 {counts.inserted}，"
        f"更新 {counts.updated}，未变 {counts.unchanged}；拒绝 {report.rejected_rows} 行",
        f"{report.path} (profile {report.profile}, source {report.source}): "
        f"{report.rows_read} rows read; {report.tickets} tickets: "
        f"{counts.inserted} inserted, {counts.updated} updated, "
        f"{counts.unchanged} unchanged; {report.rejected_rows} rows rejected",
    )
    if counts.events_new or counts.events_known:
        echo(
            f"  状态记录：新 {counts.events_new} 条，已有 {counts.events_known} 条；"
            f"暂停/重开/等级变更有变的工单 {counts.histories_changed} 张",
            f"  status events: {counts.events_new} new, {counts.events_known} already stored; "
            f"{counts.histories_changed} ticket histories changed",
        )
    if report.rows_skipped:
        echo(
            f"  跳过 {report.rows_skipped} 行（映射配置跳过的状态）",
            f"  {report.rows_skipped} rows skipped (a status the profile skips)",
        )
    if report.unknown_columns:
        columns = ", ".join(report.unknown_columns)
        echo(f"  未知列（已忽略）：{columns}", f"  unknown columns, ignored: {columns}", err=True)
    for reason, count in report.reasons(chosen()):
        echo(f"  拒绝原因 ×{count}：{reason}", f"  rejected ×{count}: {reason}", err=True)
    print_problems(report.problems, _LISTED_PROBLEMS)
