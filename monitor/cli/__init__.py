"""The `slamon` command line. Each command group lives in its own module."""

from __future__ import annotations

import importlib
import os
import sys
import traceback
from typing import Any

import click

from monitor.cli.context import UsageProblem
from monitor.cli.help_language import SpokenGroup, both, speak_through_click, version_option
from monitor.cli.language import (
    ERROR_LEAD,
    choose,
    echo,
    error_line,
    language_of,
    pick_language,
)
from monitor.contract.model import ContractError
from monitor.domain.calendar import CalendarError
from monitor.domain.message import Message
from monitor.storage.db import DatabaseError
from monitor.storage.failures import storage_failure

EXIT_ERROR = 2
# Errors that are the user's to fix: shown as one clear message, never as a traceback.
USER_ERRORS = (ContractError, CalendarError, DatabaseError, UsageProblem)


# An explicit list: one line per command, in the order `slamon --help` lists them; each
# module is imported when its command runs, so that a command does not pay for the others'
# imports (the web service's, the dashboard's, the report's).
COMMANDS: dict[str, str] = {
    "import": "monitor.cli.import_cmd:import_group",
    "evaluate": "monitor.cli.evaluate_cmd:evaluate",
    "score": "monitor.cli.score_cmd:score",
    "availability": "monitor.cli.availability_cmd:availability",
    "collect": "monitor.cli.collect_cmd:collect",
    "sync-tickets": "monitor.cli.ticket_sync_cmd:sync_tickets",
    "report": "monitor.cli.report_cmd:report",
    "db": "monitor.cli.db_cmd:db",
    "contract": "monitor.cli.contract_cmd:contract",
    "demo": "monitor.cli.demo_cmd:demo",
    "serve": "monitor.cli.serve_cmd:serve",
    "token": "monitor.cli.token_cmd:token",
    "dashboard": "monitor.cli.dashboard_cmd:dashboard",
    "users": "monitor.cli.users_cmd:users",
    "calendar": "monitor.cli.calendar_cmd:calendar_group",
    "rejudge": "monitor.cli.rejudge_cmd:rejudge",
    "billing": "monitor.cli.billing_cmd:billing",
    "obligations": "monitor.cli.obligations_cmd:obligations",
}


speak_through_click()


def language_before_parsing(args: list[str]) -> str:
    """The language of a run as --lang or SLAMON_LANG give it before click parses: click
    shows --help as soon as it meets it, before --lang's callback when --lang comes later
    on the line or only from the environment. An unknown spelling gives zh here and is
    refused by --lang's callback."""
    named = os.environ.get("SLAMON_LANG")
    for at, arg in enumerate(args):
        if arg in COMMANDS:
            break
        if arg == "--lang" and at + 1 < len(args):
            named = args[at + 1]
        elif arg.startswith("--lang="):
            named = arg.partition("=")[2]
    try:
        return language_of(named)
    except ValueError:
        return "zh"


class Commands(SpokenGroup):
    """The commands of COMMANDS, each imported when it is asked for."""

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # Every run starts from its own language, never from the previous run's in this
        # process (tests run both languages in one).
        choose(language_before_parsing(args))
        return super().make_context(info_name, args, parent, **extra)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        path = COMMANDS.get(cmd_name)
        if path is None:
            return None
        module, name = path.split(":")
        command = getattr(importlib.import_module(module), name)
        assert isinstance(command, click.Command) and command.name == cmd_name, path
        return command


@click.group(cls=Commands, context_settings={"help_option_names": ["-h", "--help"]})
@version_option()
@click.option(
    "--lang",
    envvar="SLAMON_LANG",
    default=None,
    metavar="zh|en",
    callback=pick_language,
    expose_value=False,
    is_eager=True,
    help=both(
        "所有消息的语言：`zh`（中文，默认）或 `en`（英文）；默认取 SLAMON_LANG。",
        "The language of every message: zh (Chinese, the default) or en (English); "
        "default SLAMON_LANG.",
    ),
)
def cli() -> None:
    """slamon — 政务云合同履约（SLA）与事件合规监测。

    数据库为 SLAMON_DATABASE_URL（默认：SQLite 文件 data/slamon.db）；合同为 SLAMON_CONTRACT
    或 --contract（默认：config/contracts/default.yaml）。消息默认为中文，`--lang en`
    （SLAMON_LANG=en）时为英文。

    English:

    slamon — SLA and incident-compliance monitor for government clouds.

    The database is SLAMON_DATABASE_URL (default: SQLite at data/slamon.db); the contract is
    SLAMON_CONTRACT or --contract (default: config/contracts/default.yaml). Messages are in
    Chinese, or in English with --lang en (SLAMON_LANG=en).
    """


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        echo("已中止", "aborted", err=True)
        sys.exit(130)
    except USER_ERRORS as error:
        echo(error_line(error), err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:
        failure = storage_failure(error)
        if failure is not None:  # a full disk or a lost database, not a bug: one line, exit 2
            again = Message("重新运行该命令", "run the command again")
            echo(ERROR_LEAD + failure.said(again), err=True)
            sys.exit(EXIT_ERROR)
        if os.environ.get("SLAMON_DEBUG"):
            traceback.print_exc()
        echo(
            f"内部错误：{type(error).__name__}: {error}\n"
            "（设置 SLAMON_DEBUG=1 可查看调用栈，请报告此问题）",
            f"internal error: {type(error).__name__}: {error}\n"
            "(set SLAMON_DEBUG=1 to see the traceback, and please report it)",
            err=True,
        )
        sys.exit(1)
