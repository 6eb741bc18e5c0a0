"""Every read of the API with a token of each scope, on the dashboard's seeded database: a
token of one pool answers nothing of the other pool (no ticket id, system or resource of
theirs); an unscoped token answers both; /metrics, which holds every pool, refuses a pool
token."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from collectors.tickets.file_import import parse_records
from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.service.app import build_service
from monitor.settings import ServiceSettings
from monitor.storage.db import make_engine
from monitor.storage.tokens import create_token
from tests.api.client import Client, bearer
from tests.dashboard.seed import AT, filled_database

POOLS = ("一云", "二云")
READS = ("/api/v1/tickets?limit=1000", "/api/v1/violations")


@pytest.fixture(scope="module")
def walked(
    tmp_path_factory: pytest.TempPathFactory, contract: Contract, calendar: BusinessCalendar
) -> Iterator[tuple[dict[tuple[str, str], Any], dict[str, set[str]]]]:
    """The answer to every read for each token, and each pool's names from the database."""
    url = filled_database(Path(tmp_path_factory.mktemp("api")) / "slamon.db", contract, calendar)
    engine = make_engine(url)
    tokens = {
        pool: create_token(engine, f"read-{pool}", AT, source=None, pools=(pool,)) for pool in POOLS
    }
    tokens["all"] = create_token(engine, "read-all", AT, source=None, pools=None)
    names: dict[str, set[str]] = {pool: set() for pool in POOLS}
    with engine.connect() as connection:
        for row in connection.exec_driver_sql("SELECT ticket_id, system, pool FROM ticket"):
            if row.pool in names:
                names[row.pool] |= {row.ticket_id} | ({row.system} if row.system else set())
    shared = names["一云"] & names["二云"]  # a system of both pools is each pool's own
    names = {pool: found - shared for pool, found in names.items()}
    service = build_service(
        engine, ContractSet.single(contract, calendar), ServiceSettings(), AlertingConfig(),
        parse_records, (),
    )  # fmt: skip
    client = Client(service.app)
    answers: dict[tuple[str, str], Any] = {}
    try:
        for scope, token in tokens.items():
            for path in (*READS, "/metrics"):
                answer = client.get(path, headers=bearer(token))
                answers[scope, path] = (answer.status_code, answer.text)
    finally:
        client.stop()
        engine.dispose()
    yield answers, names


def _shown(text: str, names: set[str]) -> list[str]:
    # The API writes non-ASCII as \\u escapes; compare with the decoded text.
    text = text.encode().decode("unicode_escape") if "\\u" in text else text
    return sorted(n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text))


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("pool", POOLS)
def test_a_pool_token_reads_nothing_of_the_other_pool(
    walked: tuple[dict[tuple[str, str], Any], dict[str, set[str]]], pool: str, path: str
) -> None:
    answers, names = walked
    status, text = answers[pool, path]
    assert status == 200, text
    other = next(p for p in POOLS if p != pool)
    assert _shown(text, names[other]) == []
    assert _shown(text, names[pool])  # its own pool's tickets are there


@pytest.mark.parametrize("path", READS)
def test_an_unscoped_token_reads_both_pools(
    walked: tuple[dict[tuple[str, str], Any], dict[str, set[str]]], path: str
) -> None:
    answers, names = walked
    status, text = answers["all", path]
    assert status == 200, text
    assert _shown(text, names["一云"]) and _shown(text, names["二云"])


@pytest.mark.parametrize("pool", POOLS)
def test_metrics_refuses_a_pool_token(
    walked: tuple[dict[tuple[str, str], Any], dict[str, set[str]]], pool: str
) -> None:
    # /metrics holds every pool's figures, so a token of some pools is not enough for it.
    answers, _ = walked
    status, text = answers[pool, "/metrics"]
    assert status in (401, 403), text


def test_metrics_answers_an_unscoped_token_with_both_pools(
    walked: tuple[dict[tuple[str, str], Any], dict[str, set[str]]],
) -> None:
    answers, _ = walked
    status, text = answers["all", "/metrics"]
    assert status == 200, text
    assert 'pool="一云"' in text and 'pool="二云"' in text
