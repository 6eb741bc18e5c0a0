"""`slamon token create|revoke|list`: bearer tokens for the HTTP API, each with its scope."""

from __future__ import annotations

import click

from monitor import clock
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.import_output import checked_source
from monitor.cli.language import chosen, echo, say
from monitor.cli.render import local_time, table
from monitor.domain.message import Message
from monitor.storage.tokens import (
    TokenError,
    create_token,
    list_tokens,
    revoke_token,
    stored_pools,
)


@click.group()
def token() -> None:
    """API 令牌 Bearer tokens for the HTTP API (only a hash is stored)."""


@token.command()
@click.argument("name")
@click.option(
    "--source",
    callback=checked_source,
    help="写入的来源 the one source its tickets are written as (required to write)",
)
@click.option("--read-only", is_flag=True, help="只读令牌 a token that only reads")
@click.option("--pool", "pools", multiple=True, help="资源池 a pool it reads and writes (repeat)")
@click.option("--all-pools", is_flag=True, help="全部资源池 every pool (a supervisor's desk)")
def create(
    name: str, source: str | None, read_only: bool, pools: tuple[str, ...], all_pools: bool
) -> None:
    """Create a token for NAME and print it — the only time it is shown.

    A token writes only tickets of its source and its pools, and reads only its pools.
    """
    if (source is None) == (not read_only):
        raise UsageProblem(
            Message(
                "写入令牌须指定 --source，只读令牌须指定 --read-only，二者选一",
                "give --source NAME for a token that writes, or --read-only",
            )
        )
    if bool(pools) == all_pools:
        raise UsageProblem(
            Message(
                "须指定 --pool（可重复）或 --all-pools，二者选一",
                "give --pool NAME (repeatable) or --all-pools",
            )
        )
    runtime = Runtime()
    try:
        secret = create_token(
            runtime.engine, name, clock.now(), source=source, pools=None if all_pools else pools
        )
    except TokenError as error:
        raise UsageProblem(error.message) from None
    click.echo(secret)
    echo(
        f"令牌 '{name}' 已创建；它不会再次显示。",
        f"token '{name}' created; it is not shown again.",
        err=True,
    )


@token.command()
@click.argument("name")
def revoke(name: str) -> None:
    """Revoke NAME's token: requests carrying it are refused from now on."""
    runtime = Runtime()
    try:
        revoke_token(runtime.engine, name, clock.now())
    except TokenError as error:
        raise UsageProblem(error.message) from None
    echo(f"令牌 '{name}' 已吊销", f"token '{name}' revoked")


@token.command(name="list")
def list_command() -> None:
    """List the tokens (names, scopes and dates, never the tokens)."""
    runtime = Runtime()
    zone = runtime.contract.zone
    rows = [
        [
            row.name,
            row.source or say("（只读）", "(read only)"),
            _pools(stored_pools(row.pools)),
            local_time(row.created_at, zone),
            local_time(row.revoked_at, zone),
        ]
        for row in list_tokens(runtime.engine)
    ]
    headers = ["名称", "写入来源", "资源池", "创建时间", "吊销时间"]
    headers_en = ["name", "writes source", "pools", "created", "revoked"]
    click.echo(table(headers if chosen() == "zh" else headers_en, rows))


def _pools(pools: tuple[str, ...] | None) -> str:
    if pools is None:
        return say("（全部）", "(all)")
    return say("、".join(pools), ", ".join(pools))
