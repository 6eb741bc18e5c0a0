"""`slamon token create|revoke|list`: bearer tokens for the HTTP API, each with its scope."""

from __future__ import annotations

import click

from monitor import clock
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.help_language import SpokenGroup, both
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


@click.group(cls=SpokenGroup)
def token() -> None:
    """HTTP API 的访问令牌（只保存其哈希）。

    English:

    Bearer tokens for the HTTP API (only a hash is stored).
    """


@token.command()
@click.argument("name")
@click.option(
    "--source",
    callback=checked_source,
    help=both(
        "写入工单时所用的唯一来源（写入时必填）。",
        "The one source its tickets are written as (required to write).",
    ),
)
@click.option("--read-only", is_flag=True, help=both("只读的令牌。", "A token that only reads."))
@click.option(
    "--pool",
    "pools",
    multiple=True,
    help=both("可读写的资源池（可重复）。", "A pool it reads and writes (repeat)."),
)
@click.option(
    "--all-pools",
    is_flag=True,
    help=both("全部资源池（监理的视角）。", "Every pool (a supervisor's desk)."),
)
def create(
    name: str, source: str | None, read_only: bool, pools: tuple[str, ...], all_pools: bool
) -> None:
    """为 NAME 创建令牌并显示——仅此一次。

    令牌只写入其来源和其资源池的工单，只读取其资源池。

    English:

    Create a token for NAME and print it — the only time it is shown.

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
    """吊销 NAME 的令牌：此后带该令牌的请求都被拒绝。

    English:

    Revoke NAME's token: requests carrying it are refused from now on.
    """
    runtime = Runtime()
    try:
        revoke_token(runtime.engine, name, clock.now())
    except TokenError as error:
        raise UsageProblem(error.message) from None
    echo(f"令牌 '{name}' 已吊销", f"token '{name}' revoked")


@token.command(name="list")
def list_command() -> None:
    """列出令牌（名称、范围和日期，从不显示令牌本身）。

    English:

    List the tokens (names, scopes and dates, never the tokens).
    """
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
