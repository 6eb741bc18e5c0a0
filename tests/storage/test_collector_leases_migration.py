"""Migration 0015 gives collector_state its lease columns: the watermarks stored before it are
kept, and each collector is free to claim at once."""

from __future__ import annotations

from datetime import timedelta

from alembic import command
from sqlalchemy import Engine

from monitor.storage.collector_leases import claim_share
from monitor.storage.collector_state import get_watermark, set_watermark
from monitor.storage.db import alembic_config, current_revision, head_revision, upgrade
from tests.conftest import local


def test_watermarks_from_before_the_leases_are_kept_and_free_to_claim(engine: Engine) -> None:
    command.downgrade(alembic_config(engine), "0014")
    with engine.begin() as connection:  # its columns only: the table as 0014 has it
        set_watermark(connection, "vm_up", local("2022-07-02 05:00"), local("2022-07-02 05:01"))
        set_watermark(connection, "vm_cpu", local("2022-07-01 12:00"), local("2022-07-01 12:01"))
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    assert get_watermark(engine, "vm_up") == local("2022-07-02 05:00")
    assert get_watermark(engine, "vm_cpu") == local("2022-07-01 12:00")
    now = local("2022-07-03 09:00")
    assert claim_share(engine, "vm_up", now, now + timedelta(minutes=10)) is not None
    assert get_watermark(engine, "vm_up") == local("2022-07-02 05:00")
