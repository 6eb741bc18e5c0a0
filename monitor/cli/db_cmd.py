"""`slamon db upgrade|current`: schema migrations."""

from __future__ import annotations

import click

from monitor.settings import Settings
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
    click.echo(f"schema {before or '(empty)'} → {current_revision(engine)}")


@db.command("current")
def db_current() -> None:
    """Show the schema revision of the database and the one this slamon needs."""
    engine = make_engine(Settings().database_url)
    click.echo(f"database: {current_revision(engine) or '(empty)'}; this slamon: {head_revision()}")
