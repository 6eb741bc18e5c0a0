"""`slamon users add|list`: the dashboard's local users (hashed passwords) and SSO users."""

from __future__ import annotations

import sys

import click

from monitor import clock
from monitor.cli.context import Runtime, UsageProblem
from monitor.cli.help_language import SpokenGroup, both
from monitor.cli.language import chosen, echo, say
from monitor.cli.render import local_time, table
from monitor.domain.message import Message
from monitor.domain.passwords import WeakPassword, hash_password
from monitor.domain.viewer import Role
from monitor.storage.users import UserError, add_user, list_users


@click.group(cls=SpokenGroup)
def users() -> None:
    """监控大屏的用户：角色、所属资源池或单位、密码。

    English:

    Dashboard users: roles, their pools or units, passwords.
    """


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UsageProblem(
                Message(
                    "--password-stdin：标准输入中没有内容",
                    "--password-stdin: nothing was given on standard input",
                )
            )
        return line.rstrip("\r\n")
    return str(
        click.prompt("密码 password", hide_input=True, confirmation_prompt="再次输入 repeat")
    )


@users.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice([role.value for role in Role]),
    required=True,
    help=both(
        "`supervisor` 监理 · `owner` 建设单位 · `operator` 运营单位（配 --pool）· `user_unit` "
        "使用单位（配 --unit）· `wall` 大屏（全云概览，只读）。",
        "supervisor · owner · operator (with --pool) · user_unit (with --unit) · wall (the "
        "read-only overview of the whole cloud, for a wall display).",
    ),
)
@click.option(
    "--pool",
    "pools",
    multiple=True,
    help=both("运营单位的资源池；可重复。", "An operator's resource pool; repeatable."),
)
@click.option(
    "--unit",
    "units",
    multiple=True,
    help=both("使用单位的名称；可重复。", "A user unit's name; repeatable."),
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help=both("从标准输入读取密码。", "Read the password from standard input."),
)
@click.option(
    "--sso",
    is_flag=True,
    help=both(
        "无密码：用户通过单点登录（OIDC）登录；NAME 为其电子邮箱。",
        "No password: the user signs in through single sign-on (OIDC); NAME is its e-mail.",
    ),
)
@click.option(
    "--replace",
    is_flag=True,
    help=both(
        "修改已有用户的角色、范围和密码。", "Change an existing user's role, scope, password."
    ),
)
def users_add(
    name: str,
    role: str,
    pools: tuple[str, ...],
    units: tuple[str, ...],
    password_stdin: bool,
    sso: bool,
    replace: bool,
) -> None:
    """添加监控大屏用户；会询问密码（或用 --password-stdin 读取）。

    English:

    Add a dashboard user; the password is asked for (or read with --password-stdin).
    """
    runtime = Runtime()
    if sso and password_stdin:
        raise UsageProblem(
            Message(
                "--sso 用户没有密码：请去掉 --password-stdin",
                "--sso users have no password: leave out --password-stdin",
            )
        )
    password_hash = None
    if not sso:
        try:
            password_hash = hash_password(_read_password(password_stdin))
        except WeakPassword as error:
            raise UsageProblem(error.message) from None
    try:
        add_user(
            runtime.engine,
            name,
            Role(role),
            pools=tuple(pools),
            units=tuple(units),
            password_hash=password_hash,
            now=clock.now(),
            replace=replace,
        )
    except UserError as error:
        raise UsageProblem(error.message) from None
    echo(
        f"已添加用户：{name}（{Role(role).label_zh}，{'、'.join(pools or units) or '全部'}）",
        f"user saved: {name} ({role}, {', '.join(pools or units) or 'all'})",
    )


@users.command("list")
def users_list() -> None:
    """列出监控大屏用户及其角色和范围（从不显示密码）。

    English:

    List the dashboard users with their role and scope (never their passwords).
    """
    runtime = Runtime()
    found = list_users(runtime.engine)
    if not found:
        echo(
            "尚无用户：slamon users add NAME --role supervisor",
            "no users yet: slamon users add NAME --role supervisor",
        )
        return
    zone = runtime.contract.zone
    rows = [
        [
            user.name,
            say(f"{user.role.label_zh} {user.role.value}", user.role.value),
            say(
                "、".join(user.pools or user.units) or "全部",
                ", ".join(user.pools or user.units) or "all",
            ),
            say("密码", "password") if user.has_password else say("单点登录", "single sign-on"),
            local_time(user.created_at, zone),
        ]
        for user in found
    ]
    headers = ["用户", "角色", "范围", "登录方式", "创建时间"]
    headers_en = ["user", "role", "scope", "sign-in", "created"]
    click.echo(table(headers if chosen() == "zh" else headers_en, rows))


def _scope(names: tuple[str, ...]) -> str:
    return say("、".join(names) or "全部", ", ".join(names) or "all")
