"""`slamon db upgrade|current|partitions`: schema migrations and the monthly partitions."""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from monitor.cli.context import Runtime, UsageProblem, at_option, contract_option
from monitor.cli.language import echo
from monitor.domain.message import Message
from monitor.service.locks import Locks
from monitor.service.partition_upkeep import PartitionUpkeep
from monitor.settings import ServiceSettings, Settings
from monitor.storage.db import current_revision, head_revision, make_engine, upgrade


@click.group()
def db() -> None:
    """数据库 Database schema."""


@db.command("upgrade")
@click.option("--revision", default="heads", show_default=True)
def db_upgrade(revision: str) -> None:
    """Apply schema migrations; existing data is kept."""
    engine = make_engine(Settings().database_url)
    before = current_revision(engine)
    upgrade(engine, revision)
    after = current_revision(engine)
    echo(f"数据库结构 {before or '（空）'} → {after}", f"schema {before or '(empty)'} → {after}")


@db.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the one this slamon needs."""
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
    """分区维护 PostgreSQL: make the months ahead, move rows out of the DEFAULT partition and
    drop the months past retention, as `slamon serve` does every few hours (for a deployment
    that runs no `slamon serve`, e.g. from cron)."""
    runtime = Runtime(contract_path)
    engine = runtime.engine
    try:
        if engine.dialect.name != "postgresql":
            echo("SQLite 不分区，无需维护", "SQLite keeps plain tables: nothing to do")
            return
        try:
            settings = ServiceSettings()
        except ValidationError as error:
            problem = error.errors()[0]["msg"]
            said = Message(f"设置有误：{problem}", f"bad setting: {problem}")
            raise UsageProblem(said) from None
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
