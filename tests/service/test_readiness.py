"""/readyz is not ready while whole evaluations fail or the database's disk is full, and says
why; it is ready again once they succeed. The service is built in-process on the test's
database (SQLite and PostgreSQL), its scheduler started with nothing else due for hours."""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from collectors.tickets.file_import import parse_records
from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.service.app import Service, build_service
from monitor.service.readiness import MIN_FREE_BYTES
from monitor.settings import ServiceSettings
from monitor.storage.db import ensure_schema, make_engine
from tests.serving import wait_until

QUIET = ServiceSettings(evaluation_interval=timedelta(hours=24), replan_interval=timedelta(hours=1))


@pytest.fixture
def started() -> Iterator[list[Service]]:
    services: list[Service] = []
    yield services
    for service in services:
        service.scheduler.shutdown()


def start(
    started: list[Service], engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> Service:
    """The service with its scheduler running, once its start-up evaluation has run."""
    contracts = ContractSet.single(contract, calendar)
    service = build_service(engine, contracts, QUIET, AlertingConfig(), parse_records, ())
    started.append(service)
    service.scheduler.start()
    assert wait_until(service.scheduler.caught_up.is_set, timeout=30)
    return service


def readiness(service: Service) -> tuple[bool, dict[str, Any]]:
    ready, details = service.app.state.slamon.readiness()
    return ready, details["checks"]


def test_failing_whole_evaluations_make_the_service_not_ready_and_say_why(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    started: list[Service],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def full(**_: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    contracts = ContractSet.single(contract, calendar)
    service = build_service(engine, contracts, QUIET, AlertingConfig(), parse_records, ())
    started.append(service)
    live = service.scheduler.live
    monkeypatch.setattr(live, "evaluate_all", full)
    service.scheduler.start()
    assert wait_until(service.scheduler.caught_up.is_set, timeout=30)
    ready, checks = readiness(service)
    assert not ready
    assert checks["database"] == "ok" and checks["scheduler"] == "running"
    assert checks["evaluation"].startswith("全量评估连续失败 ")
    assert "whole evaluation failed" in checks["evaluation"]
    assert "存储空间不足 no space left for the database" in checks["evaluation"]
    monkeypatch.undo()  # the disk has room again: the next whole evaluation succeeds
    service.scheduler.evaluate_all()
    assert readiness(service) == (True, {**checks, "evaluation": "ok"})


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=32m,mode=0700", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a 32 MB tmpfs (needs root): {mounted.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], capture_output=True, timeout=30)


def test_a_full_disk_under_the_sqlite_database_makes_the_service_not_ready(
    small_disk: Path, contract: Contract, calendar: BusinessCalendar, started: list[Service]
) -> None:
    engine = make_engine(f"sqlite:///{small_disk / 'slamon.db'}")
    ensure_schema(engine)
    service = start(started, engine, contract, calendar)
    assert readiness(service)[0]
    room = os.statvfs(small_disk)
    ballast = small_disk / "ballast"
    ballast.write_bytes(b"\0" * (room.f_bavail * room.f_frsize - MIN_FREE_BYTES // 2))
    ready, checks = readiness(service)
    assert not ready
    assert checks["storage"].startswith("存储空间不足 no space left for the database: ")
    assert str(small_disk) in checks["storage"]
    ballast.unlink()
    assert readiness(service)[0]
    engine.dispose()
