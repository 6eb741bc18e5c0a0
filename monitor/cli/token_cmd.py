"""`slamon token create|revoke|list`: bearer tokens for the HTTP API's writes."""

from __future__ import annotations

import click

from monitor import clock
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.render import local_time, table
from monitor.storage.tokens import TokenError, create_token, list_tokens, revoke_token


@click.group()
def token() -> None:
    """API 令牌 Bearer tokens for the HTTP API (only a hash is stored)."""


@token.command()
@click.argument("name")
def create(name: str) -> None:
    """Create a token for NAME and print it — the only time it is shown."""
    runtime = Runtime()
    try:
        secret = create_token(runtime.engine, name, clock.now())
    except TokenError as error:
        raise UsageProblem(str(error)) from None
    click.echo(secret)
    click.echo(f"令牌已创建 token '{name}' created; it is not shown again.", err=True)


@token.command()
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke NAME's token: requests carrying it are refused from now on."""
    runtime = Runtime()
    try:
        revoke_token(runtime.engine, name, clock.now())
    except TokenError as error:
        raise UsageProblem(str(error)) from None
    click.echo(f"令牌已吊销 token '{name}' revoked")


@token.command(name="list")
def list_command() -> None:
    """List the tokens (names and dates, never the tokens)."""
    runtime = Runtime()
    zone = runtime.contract.zone
    rows = [
        [row.name, local_time(row.created_at, zone), local_time(row.revoked_at, zone)]
        for row in list_tokens(runtime.engine)
    ]
    click.echo(table(["名称", "创建时间", "吊销时间"], rows))
