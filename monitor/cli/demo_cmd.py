"""`slamon demo`: the product on a sample year — loaded, evaluated and scored, then live."""

from __future__ import annotations

import os
from pathlib import Path

import click

from monitor import clock
from monitor.cli import evaluate_cmd, score_cmd
from monitor.cli.context import Runtime
from monitor.cli.dashboard_cmd import APP
from monitor.cli.demo_live import DEMO_USER, add_demo_user, import_live_tickets
from monitor.cli.demo_serve import HOST, check_free, serve_together
from monitor.cli.demo_year import (
    SAMPLE_CONTRACT,
    SAMPLE_MANUAL,
    SAMPLE_YEAR,
    check_installed,
    fresh_database,
    load_sample_year,
)
from monitor.cli.help_language import SpokenCommand, both
from monitor.cli.language import chosen, echo
from monitor.domain.message import Message

ROOT = Path(__file__).resolve().parents[2]
# The older 13-ticket sample, kept for the tests that count its tickets.
SAMPLE_TICKETS = ROOT / "samples/tickets_2022.csv"
DEMO_ALERTING = ROOT / "config/alerting.demo.yaml"
SAMPLE_PERIOD = "2022"


@click.command(cls=SpokenCommand)
@click.option(
    "--no-serve",
    is_flag=True,
    help=both(
        "载入示例年份、评估并评分后即停止（不启动服务和监控大屏）。",
        "Load, evaluate and score the sample year, then stop (no service, no dashboard).",
    ),
)
@click.option(
    "--port",
    default=8080,
    show_default=True,
    type=click.IntRange(1, 65535),
    help=both(f"`slamon serve` 在 {HOST} 上的端口。", f"slamon serve's port on {HOST}."),
)
@click.option(
    "--dashboard-port",
    default=8501,
    show_default=True,
    type=click.IntRange(1, 65535),
    help=both(f"监控大屏在 {HOST} 上的端口。", f"The dashboard's port on {HOST}."),
)
@click.pass_context
def demo(context: click.Context, no_serve: bool, port: int, dashboard_port: int) -> None:
    """演示：把 2022 年示例数据载入新的 SQLite 数据库，评估并评分（78.00，中）。

    随后在本机回环地址上运行 `slamon serve` 和监控大屏，几个计时器正在走，直到 Ctrl-C。

    数据库为 SLAMON_DATABASE_URL（默认 data/slamon.db）；演示会重新建库，并拒绝不是它建的
    文件。

    English:

    Demo: the sample year 2022 loaded into a new SQLite database, evaluated and scored
    (78.00, grade 中).

    Then slamon serve and the dashboard on loopback, with a few clocks running now, until
    Ctrl-C.

    The database is SLAMON_DATABASE_URL (default data/slamon.db); the demo makes it anew, and
    refuses a file it did not make.
    """
    # Before anything is loaded: a missing file or a busy port is a quick no.
    if no_serve:
        check_installed()
    else:
        check_installed(DEMO_ALERTING, APP)
        check_free(port, "--port")
        check_free(dashboard_port, "--dashboard-port")
    url = fresh_database(Runtime().settings.database_url)
    # What the commands below and the service and dashboard started later read.
    os.environ["SLAMON_DATABASE_URL"] = url
    os.environ["SLAMON_CONTRACT"] = str(SAMPLE_CONTRACT)
    runtime = Runtime()
    echo(
        f"数据库：{url}\n样例年：{SAMPLE_YEAR}\n", f"database: {url}\nsample year: {SAMPLE_YEAR}\n"
    )
    load_sample_year(runtime.engine, runtime.contract, clock.now())
    click.echo("")
    context.invoke(evaluate_cmd.evaluate, output="table")
    click.echo("")
    context.invoke(score_cmd.score, period=SAMPLE_PERIOD, output="table", manual_path=SAMPLE_MANUAL)
    if no_serve:
        return
    now = clock.now()
    live = import_live_tickets(runtime.engine, runtime.contract, now)
    password = add_demo_user(runtime.engine, now)
    dashboard_url = f"http://{HOST}:{dashboard_port}"
    env = {
        **os.environ,
        "SLAMON_ALERTING": str(DEMO_ALERTING),
        "SLAMON_DASHBOARD_URL": dashboard_url,
        "SLAMON_DASHBOARD_MANUAL": str(SAMPLE_MANUAL),
        "SLAMON_DASHBOARD_PERIOD": SAMPLE_PERIOD,
        # Loopback only: the API's reads need no token here.
        "SLAMON_READ_ACCESS": "open",
        # The service and the dashboard speak the demo's language.
        "SLAMON_LANG": chosen(),
        "SLAMON_DASHBOARD_LANGUAGE": chosen(),
    }

    service = f"http://{HOST}:{port}/docs · /readyz · /metrics"

    def ready() -> None:
        lines = Message(
            "\n".join(
                [
                    "",
                    "演示运行中 — 按 Ctrl-C 停止",
                    f"  监管大屏  {dashboard_url}",
                    f"  登录      {DEMO_USER} / {password}（监理单位）",
                    f"  服务      {service}",
                    f"  考核期    {SAMPLE_PERIOD}（样例年；侧栏可改为当月）",
                    f"  实时工单  {'、'.join(live)}：几分钟前报告，"
                    "见总览「计时中的时限」，告警打印在下面",
                    "",
                ]
            ),
            "\n".join(
                [
                    "",
                    "the demo is running — Ctrl-C stops it",
                    f"  dashboard  {dashboard_url}",
                    f"  sign in    {DEMO_USER} / {password} (supervisor)",
                    f"  service    {service}",
                    f"  period     {SAMPLE_PERIOD} (the sample year; the sidebar switches to "
                    "this month)",
                    f"  live       {', '.join(live)}: reported minutes ago, see the overview's "
                    "running clocks; alerts print below",
                    "",
                ]
            ),
        )
        echo(lines)

    echo("\n启动服务与监管大屏 …", "\nstarting slamon serve and the dashboard …")
    serve_together(env, port, dashboard_port, ready)
