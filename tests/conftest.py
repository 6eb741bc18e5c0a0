"""Shared fixtures: the default contract, its calendar, and fresh databases per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from monitor.contract.model import Contract, load_contract
from monitor.domain.calendar import BusinessCalendar
from monitor.storage.db import ensure_schema, make_engine

SHANGHAI = ZoneInfo("Asia/Shanghai")
PG_URL = os.environ.get("SLAMON_TEST_PG_URL")


def local(text_time: str) -> datetime:
    """A wall time in Asia/Shanghai, written the way the contract's people write it."""
    return datetime.fromisoformat(text_time).replace(tzinfo=SHANGHAI)


@pytest.fixture(scope="session")
def contract() -> Contract:
    return load_contract()


@pytest.fixture(scope="session")
def calendar(contract: Contract) -> BusinessCalendar:
    return BusinessCalendar.from_config(contract.calendar)


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'slamon.db'}")
    ensure_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A brand-new database on the real PostgreSQL server, dropped afterwards."""
    if not PG_URL:
        pytest.skip("SLAMON_TEST_PG_URL is not set")
    admin = create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"slamon_test_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    try:
        ensure_schema(engine)
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    """Each storage test runs on SQLite and, when available, on PostgreSQL."""
    fixture = "sqlite_engine" if request.param == "sqlite" else "postgres_engine"
    return request.getfixturevalue(fixture)  # type: ignore[no-any-return]
