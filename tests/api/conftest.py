"""The API served on loopback with the scheduler not started (so nothing moves on its own),
on the test's database, and a token for it that writes source `ops` in every pool."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from sqlalchemy import Engine

from collectors.tickets.file_import import parse_records
from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.service.app import Service, build_service
from monitor.service.collector_jobs import CollectorJob
from monitor.settings import ServiceSettings
from monitor.storage.tokens import create_token
from tests.api.client import Client
from tests.conftest import local

CREATED = local("2024-06-03 09:00")


@pytest.fixture
def serve_app() -> Iterator[Any]:
    started: list[tuple[Client, Service]] = []

    def start(
        engine: Engine,
        contract: Contract,
        calendar: BusinessCalendar,
        collectors: Sequence[CollectorJob] = (),
        **settings: object,
    ) -> Client:
        service = build_service(
            engine,
            ContractSet.single(contract, calendar),
            ServiceSettings(**settings),  # type: ignore[arg-type]
            AlertingConfig(),
            parse_records,
            collectors,
        )
        started.append((Client(service.app), service))
        return started[-1][0]

    yield start
    for client, service in started:
        client.stop()
        service.scheduler.shutdown()  # waits for the evaluations of batches answered already


@pytest.fixture
def api(engine: Engine, contract: Contract, calendar: BusinessCalendar, serve_app: Any) -> Client:
    return serve_app(engine, contract, calendar)  # type: ignore[no-any-return]


@pytest.fixture
def token(engine: Engine) -> str:
    return create_token(engine, "ingest", CREATED, source="ops", pools=None)
