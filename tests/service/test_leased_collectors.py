"""The service runs a metric collector under its lease, not under the scheduler's lock: a
process that stalls while holding that lock (its connection alive) does not stop the others
collecting."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from collectors.service_jobs import service_jobs
from collectors.settings import CollectorSettings
from collectors.tickets.file_import import parse_records
from monitor.alerting.config import AlertingConfig
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.service.app import build_service
from monitor.service.locks import Locks
from tests.collectors.test_shared_collection import (
    EXPECTED,
    NOW,
    other_instance,  # noqa: F401  (the fixture)
    share,
    stored,
)
from tests.collectors.test_victoriametrics_integration import (
    VictoriaMetrics,
    victoria,  # noqa: F401  (the fixture)
)
from tests.service.test_readiness import QUIET

pytestmark = pytest.mark.postgres


def test_a_metric_collector_runs_while_its_scheduler_lock_is_held_by_a_stalled_process(
    victoria: VictoriaMetrics,  # noqa: F811
    postgres_engine: Engine,
    other_instance: Engine,  # noqa: F811
    contract: Contract,
    calendar: BusinessCalendar,
) -> None:
    settings = CollectorSettings(prometheus=(share(victoria.url, "vm-a"),))
    jobs = service_jobs(settings, postgres_engine, contract)
    contracts = ContractSet.single(contract, calendar)
    service = build_service(
        postgres_engine, contracts, QUIET, AlertingConfig(), parse_records, jobs
    )
    service.scheduler.now = lambda: NOW
    with Locks(other_instance).attempt("collector:up_vm-a") as held:
        assert held
        service.scheduler.collect("up_vm-a")
    assert stored(postgres_engine) == {"vm-a": EXPECTED["vm-a"]}
