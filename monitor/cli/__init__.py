"""The `slamon` command line. Each command group lives in its own module."""

from __future__ import annotations

import os
import sys
import traceback

import click

from monitor.cli import (
    availability_cmd,
    billing_cmd,
    calendar_cmd,
    collect_cmd,
    contract_cmd,
    dashboard_cmd,
    db_cmd,
    demo_cmd,
    evaluate_cmd,
    import_cmd,
    obligations_cmd,
    rejudge_cmd,
    report_cmd,
    score_cmd,
    serve_cmd,
    ticket_sync_cmd,
    token_cmd,
    users_cmd,
)
from monitor.cli.context import UsageProblem
from monitor.contract.model import ContractError
from monitor.domain.calendar import CalendarError
from monitor.storage.db import DatabaseError
from monitor.storage.failures import storage_failure

EXIT_ERROR = 2
# Errors that are the user's to fix: shown as one clear message, never as a traceback.
USER_ERRORS = (ContractError, CalendarError, DatabaseError, UsageProblem)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="slamon")
def cli() -> None:
    """slamon — 政务云合同履约（SLA）监测。 SLA and incident-compliance monitor.

    The database is SLAMON_DATABASE_URL (default: SQLite at data/slamon.db); the contract is
    SLAMON_CONTRACT or --contract (default: config/contracts/default.yaml).
    """


# An explicit list: one line per command module.
for command in (
    import_cmd.import_group,
    evaluate_cmd.evaluate,
    score_cmd.score,
    availability_cmd.availability,
    collect_cmd.collect,
    ticket_sync_cmd.sync_tickets,
    report_cmd.report,
    db_cmd.db,
    contract_cmd.contract,
    demo_cmd.demo,
    serve_cmd.serve,
    token_cmd.token,
    dashboard_cmd.dashboard,
    users_cmd.users,
    calendar_cmd.calendar_group,
    rejudge_cmd.rejudge,
    billing_cmd.billing,
    obligations_cmd.obligations,
):
    cli.add_command(command)
# Import subcommands beyond tickets, each module adding its own.


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except click.Abort:
        click.echo("已中止 aborted", err=True)
        sys.exit(130)
    except USER_ERRORS as error:
        click.echo(f"错误 error: {error}", err=True)
        sys.exit(EXIT_ERROR)
    except Exception as error:
        failure = storage_failure(error)
        if failure is not None:  # a full disk or a lost database, not a bug: one line, exit 2
            click.echo(f"错误 error: {failure.message('run the command again')}", err=True)
            sys.exit(EXIT_ERROR)
        if os.environ.get("SLAMON_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"内部错误 internal error: {type(error).__name__}: {error}\n"
            "(set SLAMON_DEBUG=1 to see the traceback, and please report it)",
            err=True,
        )
        sys.exit(1)
