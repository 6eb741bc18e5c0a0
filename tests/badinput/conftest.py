"""The API on loopback: `slamon serve` as a real subprocess (`served`), or the same app in a
uvicorn thread with the scheduler not started (`api`), both on the test's database (SQLite or a
fresh PostgreSQL one) and stopped by the fixture's finalizer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from collectors.tickets.file_import import parse_records
from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.service.app import build_service
from monitor.settings import ServiceSettings
from tests.api.test_api import Client
from tests.serving import Serve, service_env


@pytest.fixture
def served(engine: Engine, tmp_path: Path) -> Iterator[Serve]:
    url = engine.url.render_as_string(hide_password=False)
    serve = Serve(tmp_path, service_env(tmp_path, url, SLAMON_LOG_LEVEL="DEBUG"))
    serve.start()
    yield serve
    serve.terminate()


@pytest.fixture
def api(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> Iterator[Client]:
    settings = ServiceSettings(max_request_bytes=64 * 1024)
    service = build_service(
        engine, ContractSet.single(contract, calendar), settings, AlertingConfig(), parse_records
    )
    client = Client(service.app)
    yield client
    client.stop()
