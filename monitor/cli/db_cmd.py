"""`slamon db upgrade|current|partitions`: schema migrations and the monthly partitions."""

from __future__ import annotations

from pathlib import Path

import click

from monitor.cli.context import Runtime, at_option, contract_option, settings_from_environment
from monitor.cli.help_language import SpokenGroup, both
from monitor.cli.language import echo
from monitor.service.locks import Locks
from monitor.service.partition_upkeep import PartitionUpkeep
from monitor.settings import ServiceSettings, Settings
from monitor.storage.db import current_revision, head_revision, make_engine, upgrade


@click.group(cls=SpokenGroup)
def db() -> None:
    """数据库结构。

    English:

    Database schema.
    """


@db.command("upgrade")
@click.option(
    "--revision",
    default="heads",
    show_default=True,
    help=both(
        "升级到的版本（Alembic 的版本号或 `heads`）。",
        "The revision to upgrade to (an Alembic revision, or heads).",
    ),
)
def db_upgrade(revision: str) -> None:
    """执行数据库结构迁移；已有数据保留。

    English:

    Apply schema migrations; existing data is kept.
    """
    engine = make_engine(Settings().database_url)
    before = current_revision(engine)
    upgrade(engine, revision)
    after = current_revision(engine)
    echo(f"数据库结构 {before or '（空）'} → {after}", f"schema {before or '(empty)'} → {after}")


@db.command("current")
def db_current() -> None:
    """显示数据库的结构版本，以及本版 slamon 需要的版本。

    English:

    Show the schema revision of the database and the one this slamon needs.
    """
    engine = make_engine(Settings().database_url)
    current, head = current_revision(engine), head_revision()
    echo(
        f"数据库：{current or '（空）'}；本 slamon：{head}",
        f"database: {current or '(empty)'}; this slamon: {head}",
    )


@db.command("partitions")
@contract_option
@at_option
def db_partitions(contract_path: Path | None, at_text: str | None) -> None:
    """PostgreSQL 分区维护：建好未来几个月的分区，把行移出 DEFAULT 分区，删除超过保留期的月份。

    `slamon serve` 每隔几小时做一次；供不运行 `slamon serve` 的部署使用（例如由 cron 调用）。

    English:

    PostgreSQL partitions: make the months ahead, move rows out of the DEFAULT partition and
    drop the months past retention.

    `slamon serve` does this every few hours; this command is for a deployment that runs no
    `slamon serve` (e.g. from cron).
    """
    runtime = Runtime(contract_path)
    engine = runtime.engine
    try:
        if engine.dialect.name != "postgresql":
            echo("SQLite 不分区，无需维护", "SQLite keeps plain tables: nothing to do")
            return
        settings = settings_from_environment(ServiceSettings)
        upkeep = PartitionUpkeep.from_settings(
            engine, runtime.contract.zone, settings, Locks(engine)
        )
        done = upkeep.run(runtime.parse_at(at_text))
    finally:
        engine.dispose()
    made = ", ".join(done.made) or "—"
    echo(f"新建分区 {len(done.made)} 个：{made}", f"made {len(done.made)}: {made}")
    dropped = ", ".join(partition.name for partition in done.dropped) or "—"
    echo(
        f"删除分区（已记入审计日志）{len(done.dropped)} 个：{dropped}",
        f"dropped, audited {len(done.dropped)}: {dropped}",
    )
