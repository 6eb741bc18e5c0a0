"""`slamon rejudge`: re-evaluate closed tickets under the contracts in force, openly.

A closed ticket keeps the verdict of the contract version that judged it; after a contract or
its calendar changes, `slamon rejudge --dry-run` shows what judging them anew would change
(each verdict by target and pool, and each period's score), and `slamon rejudge --reason …`
stores it as a new version, the old results kept (`slamon rejudge history`, `show N`).
"""

from __future__ import annotations

import getpass
from collections import Counter
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import click

from monitor import clock
from monitor.cli.context import Runtime, UsageProblem, at_option, contract_option
from monitor.cli.help_language import SpokenGroup, both
from monitor.cli.language import chosen, echo, say
from monitor.cli.render import local_time, table
from monitor.contract.model import Contract
from monitor.domain.durations import format_duration_in, format_duration_zh
from monitor.domain.message import Message
from monitor.domain.tickets import Status, TargetResult
from monitor.runs.rejudge import RejudgePlan, apply_rejudge, plan_rejudge
from monitor.storage.rejudges import (
    KeptResult,
    current_results_of,
    rejudgings,
    superseded_results,
)

# How many changed results are listed one by one (all of them with --all).
_LISTED = 50


@click.group(cls=SpokenGroup, invoke_without_command=True)
@at_option
@contract_option
@click.option(
    "--from",
    "from_text",
    default=None,
    metavar="DATE",
    help=both(
        "只处理此日期起报告的工单（YYYY-MM-DD，合同的时区）。默认：全部。",
        "Only tickets reported from this date (YYYY-MM-DD, the contract zone). Default: all.",
    ),
)
@click.option(
    "--dry-run",
    is_flag=True,
    help=both("只显示会有的变化，不保存。", "Show what would change; store nothing."),
)
@click.option(
    "--reason",
    default=None,
    help=both(
        "原因（随本次重新评估保存；保存时必填）。",
        "Why (kept with the rejudging; needed to store).",
    ),
)
@click.option(
    "--by",
    "actor",
    default=None,
    help=both("由谁重新评估（默认：登录名）。", "Who rejudges (default: the login name)."),
)
@click.option(
    "--all",
    "show_all",
    is_flag=True,
    help=both("列出每个变化的结果。", "List every changed result."),
)
@click.pass_context
def rejudge(
    context: click.Context,
    at_text: str | None,
    contract_path: Path | None,
    from_text: str | None,
    dry_run: bool,
    reason: str | None,
    actor: str | None,
    show_all: bool,
) -> None:
    """按现行合同重新评估已关闭的工单。

    已关闭的工单保留评估它的那一版合同的结论，直到运行本命令。显示哪些结论改变（按指标和
    资源池）及其对各期得分的影响；不带 --dry-run 时把新结果存为新版本（旧结果保留：
    `slamon rejudge history`、`slamon rejudge show N`）并记审计日志，过去的阶段不发告警。

    English:

    Rejudge closed tickets under the contracts in force.

    A closed ticket keeps the verdict of the contract version that judged it until this is
    run. Prints which verdicts change (by target and pool) and what that does to each
    period's score; without --dry-run stores the new results as a new version (the old ones
    kept: `slamon rejudge history`, `slamon rejudge show N`) with an audit entry, and sends
    no alert for a past stage.
    """
    if context.invoked_subcommand is not None:
        return
    if not dry_run and not (reason or "").strip():
        raise UsageProblem(
            Message(
                "--reason：请说明重新评估的原因（与结果一并保存）",
                "--reason: say why you rejudge (it is kept with the results)",
            )
        )
    runtime = Runtime(contract_path)
    at = runtime.parse_at(at_text)
    reported_from = _day_start(from_text, runtime.contract.zone)
    plan = plan_rejudge(runtime.engine, runtime.contracts, at, reported_from)
    click.echo(plan_text(plan, runtime.contract, show_all))
    if dry_run or not plan.tickets:
        if dry_run:
            echo("\n试运行，未保存", "\ndry run: nothing stored")
        return
    who = actor or getpass.getuser()
    made = apply_rejudge(runtime.engine, plan, actor=who, reason=reason or "", now=clock.now())
    echo(
        f"\n已保存为第 {made} 次重新评估（{who}），原结果已保留：slamon rejudge show {made}",
        f"\nstored as rejudging {made} ({who}); the earlier results are kept: "
        f"slamon rejudge show {made}",
    )


def _day_start(text: str | None, zone: ZoneInfo) -> datetime | None:
    if text is None:
        return None
    try:
        day = datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise UsageProblem(
            Message(
                f"--from '{text}'：日期格式为 YYYY-MM-DD，如 2022-01-01",
                f"--from '{text}': write a date as YYYY-MM-DD, e.g. 2022-01-01",
            )
        ) from None
    return datetime.combine(day, time(0), tzinfo=zone)


def plan_text(plan: RejudgePlan, contract: Contract, show_all: bool) -> str:
    zone, lang = contract.zone, chosen()
    since = local_time(plan.reported_from, zone) if plan.reported_from else None
    at, tickets, changed = local_time(plan.at, zone), len(plan.tickets), len(plan.changes)
    lines = [
        say(
            f"评估时间 {at}；{f'{since} 起报告的' if since else '全部'}已关闭工单中，"
            f"由早先合同版本评定的 {tickets} 张按现行合同重新评估，{changed} 条结论改变",
            f"evaluated at {at}: of the closed tickets"
            + (f" reported since {since}" if since else "")
            + f", {tickets} judged by an earlier contract version are judged again by the "
            f"contract in force; {changed} verdicts change",
        )
    ]
    if not plan.tickets:
        lines.append(
            say(
                "没有需要重新评估的工单：每张已关闭工单的结论都由现行合同评定",
                "nothing to rejudge: every closed ticket's verdict is by a contract in force",
            )
        )
        return "\n".join(lines)
    names = _target_names(contract, lang)
    grouped = Counter(
        (
            names.get(change.target_id, change.target_id),
            change.ticket.pool or "—",
            _label(change.before, lang),
            _label(change.after, lang),
        )
        for change in plan.changes
    )
    if grouped:
        rows = [[*key, str(count)] for key, count in sorted(grouped.items())]
        headers = (
            ["考核项", "资源池", "原结论", "新结论", "结果数"]
            if lang == "zh"
            else ["target", "pool", "was", "now", "results"]
        )
        lines += ["", table(headers, rows, right=[4])]
    if plan.scores:
        rows = [
            [
                score.period.label,
                f"{score.before:g}（{score.grade_before}）",
                f"{score.after:g}（{score.grade_after}）",
                f"{score.after - score.before:+g}",
            ]
            for score in plan.scores
        ]
        headers = (
            ["考核期", "原总分", "新总分", "变化"]
            if lang == "zh"
            else ["period", "total was", "total now", "change"]
        )
        lines += ["", table(headers, rows, right=[3])]
    listed = plan.changes if show_all else plan.changes[:_LISTED]
    if listed:
        rows = [
            [
                change.ticket.ticket_id,
                names.get(change.target_id, change.target_id),
                _described(change.before, zone, lang),
                _described(change.after, zone, lang),
                _contract_of(change.after or change.before),
            ]
            for change in listed
        ]
        headers = (
            ["工单编号", "考核项", "原结论", "新结论", "新依据合同"]
            if lang == "zh"
            else ["ticket", "target", "was", "now", "judged by"]
        )
        lines += ["", table(headers, rows)]
        hidden = len(plan.changes) - len(listed)
        if hidden > 0:
            lines.append(
                say(
                    f"…… 另有 {hidden} 条（--all 列出全部）",
                    f"… and {hidden} more (--all lists every one)",
                )
            )
    return "\n".join(lines)


def _target_names(contract: Contract, lang: str) -> dict[str, str]:
    return {t.id: t.name_zh if lang == "zh" else t.name_en for t in contract.targets}


def _label(result: TargetResult | None, lang: str) -> str:
    return say("无", "none") if result is None else result.status.label(lang)


def _described(result: TargetResult | None, zone: ZoneInfo, lang: str) -> str:
    if result is None:
        return say("无（不再适用）", "none (no longer applies)")
    due, late = local_time(result.deadline, zone), result.overdue_seconds
    if lang == "zh":
        overdue = f"，超时 {format_duration_zh(late)}" if late else ""
        return f"{result.status.label_zh}（截止 {due}{overdue}）"
    overdue = f", {format_duration_in(late, 'en')} late" if late else ""
    return f"{result.status.label('en')} (due {due}{overdue})"


def _contract_of(result: TargetResult | None) -> str:
    ref = None if result is None else result.contract
    return "—" if ref is None else f"{ref.name}（{ref.short_version}）"


@rejudge.command("history")
def history() -> None:
    """历次重新评估：时间、操作人、原因。

    English:

    Every rejudging: when, by whom, why.
    """
    runtime = Runtime()
    zone = runtime.contract.zone
    found = rejudgings(runtime.engine)
    if not found:
        echo("尚无重新评估", "no rejudging yet")
        return
    rows = [
        [
            str(r.id),
            local_time(r.ran_at, zone),
            r.actor,
            r.reason,
            local_time(r.reported_from, zone) if r.reported_from else say("全部", "all"),
            str(r.tickets),
            str(r.changed),
            r.contracts,
        ]
        for r in found
    ]
    headers = (
        ["编号", "时间", "操作人", "原因", "工单范围", "工单数", "改变结论", "现行合同"]
        if chosen() == "zh"
        else ["no.", "at", "by", "reason", "reported since", "tickets", "changed", "contracts"]
    )
    click.echo(table(headers, rows, right=[0, 5, 6]))


@rejudge.command("show")
@click.argument("number", type=int)
def show(number: int) -> None:
    """一次重新评估替换掉的结果，与现行结果并列。

    English:

    The results a rejudging replaced, beside those in force.
    """
    runtime = Runtime()
    if not any(r.id == number for r in rejudgings(runtime.engine)):
        raise UsageProblem(
            Message(
                f"没有第 {number} 次重新评估（见 slamon rejudge history）",
                f"no rejudging {number} (slamon rejudge history)",
            )
        )
    zone = runtime.contract.zone
    names = _target_names(runtime.contract, chosen())
    old = {(r.ticket_id, r.target_id): r for r in superseded_results(runtime.engine, number)}
    now = {(r.ticket_id, r.target_id): r for r in current_results_of(runtime.engine, number)}
    rows = [
        [
            key[0],
            (old.get(key) or now[key]).pool or "—",
            names.get(key[1], key[1]),
            _kept(old.get(key), zone),
            _kept(now.get(key), zone),
        ]
        for key in sorted({*old, *now})
    ]
    headers = (
        ["工单编号", "资源池", "考核项", "重新评估前", "现在"]
        if chosen() == "zh"
        else ["ticket", "pool", "target", "before", "now"]
    )
    click.echo(table(headers, rows))


def _kept(result: KeptResult | None, zone: ZoneInfo) -> str:
    if result is None:
        return say("无", "none")
    version = (result.contract_version or "—")[:12]
    deadline, status = local_time(result.deadline, zone), Status(result.status)
    return say(
        f"{status.label_zh}（截止 {deadline}；版本 {version}）",
        f"{status.label('en')} (due {deadline}; version {version})",
    )
