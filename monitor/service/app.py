"""Wiring `slamon serve`: the FastAPI app, the scheduler, and their shared lifecycle."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from anyio import to_thread
from fastapi import FastAPI
from fastapi_offline import FastAPIOffline
from prometheus_client import CollectorRegistry
from sqlalchemy import Engine, text

from monitor.alerting.config import AlertingConfig
from monitor.alerting.outbox import Dispatcher
from monitor.api import health, tickets, violations
from monitor.api.context import ApiContext, RecordParser
from monitor.api.limits import BodyLimit
from monitor.contract.contract_set import ContractSet
from monitor.exports.prometheus import SlamonCollector
from monitor.exports.snapshot import MetricsSnapshots
from monitor.service.collector_jobs import CollectorJob
from monitor.service.live import LiveEvaluator
from monitor.service.locks import Locks
from monitor.service.metrics_refresh import MetricsRefresher
from monitor.service.partition_upkeep import PartitionUpkeep
from monitor.service.readiness import evaluation_check, storage_check
from monitor.service.scheduler import ServiceScheduler
from monitor.service.whole_worker import ProcessWorker
from monitor.settings import ServiceSettings
from monitor.storage.batch_writes import store_batches
from monitor.storage.db import open_kept_connections
from monitor.storage.live import collector_health
from monitor.storage.retry import BATCH_ATTEMPTS, BATCH_FIRST_DELAY
from monitor.storage.shared_transactions import SharedTransactions

WORKER_THREADS = 200  # threads for the API's blocking routes


@dataclass
class Service:
    app: FastAPI
    scheduler: ServiceScheduler


def build_service(
    engine: Engine,
    contracts: ContractSet,
    settings: ServiceSettings,
    alerting: AlertingConfig,
    parse_records: RecordParser,
    collectors: Sequence[CollectorJob] = (),
    lang: str = "zh",
) -> Service:
    """Everything `slamon serve` runs, not started: the app's lifespan starts and stops it.
    Its log's warnings are in `lang` ("zh" or "en")."""
    locks = Locks(engine)
    contract, calendar = contracts.deployment, contracts.primary.calendar
    live = LiveEvaluator(engine, contracts, alerting, locks, lang=lang)
    if engine.dialect.name == "postgresql":  # its evaluation lock holds across processes
        url = engine.url.render_as_string(hide_password=False)
        live.worker = ProcessWorker(url, contracts, alerting, settings.log_level)
    stopping = threading.Event()  # set by a stop: the outbox ends after the send under way
    dispatcher = Dispatcher(
        engine, alerting, contract.zone, settings.dashboard_url, stopping=stopping.is_set
    )
    snapshots = MetricsSnapshots(engine, contract)
    refresher = MetricsRefresher(snapshots, settings.metrics_refresh)
    partitions = PartitionUpkeep.from_settings(engine, contract.zone, settings, locks)
    scheduler = ServiceScheduler(
        live, dispatcher, collectors, locks, settings, metrics=refresher, stopping=stopping,
        partitions=partitions,
    )  # fmt: skip

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # A batch holds its worker thread until the grouped evaluation it joined ends: more
        # threads than AnyIO's 40, so that batches arriving meanwhile are stored and join
        # the next run instead of waiting for a thread.
        to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
        await to_thread.run_sync(open_kept_connections, engine)
        scheduler.start()
        try:
            yield
        finally:
            scheduler.shutdown()  # SIGTERM: uvicorn stops serving, then this runs (bounded)

    # Offline deployments (政务外网) reach no CDN: /docs and /redoc load their scripts from here.
    app = FastAPIOffline(
        title="slamon",
        summary="政务云合同履约（SLA）监测 — ticket ingest, violations, health and metrics",
        version="1",
        lifespan=lifespan,
    )
    registry = CollectorRegistry(auto_describe=False)
    registry.register(SlamonCollector(engine, contract, snapshots=snapshots, calendar=calendar))
    app.state.registry = registry
    app.state.slamon = ApiContext(
        engine=engine,
        contract=contract,
        settings=settings,
        parse_records=parse_records,
        after_ingest=scheduler.ingests.run,
        queue_ingest=scheduler.evaluate_soon,
        readiness=lambda: _readiness(engine, scheduler, collectors),
        batch_writes=SharedTransactions(
            engine,
            store_batches,
            what="storing API batches",
            attempts=BATCH_ATTEMPTS,
            first_delay=BATCH_FIRST_DELAY,
        ),
    )
    for router in (tickets.router, violations.router, health.router):
        app.include_router(router)
    app.add_middleware(BodyLimit, max_bytes=settings.max_request_bytes)
    return Service(app, scheduler)


def _readiness(
    engine: Engine, scheduler: ServiceScheduler, collectors: Sequence[CollectorJob]
) -> tuple[bool, dict[str, Any]]:
    checks: dict[str, Any] = {}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        checks["database"] = "ok"
        health = {h.name: h for h in collector_health(engine)}
    except Exception as error:
        checks["database"] = f"{type(error).__name__}: {error}"
        health = {}
    checks["scheduler"] = "running" if scheduler.running else "stopped"
    checks["caught_up"] = scheduler.caught_up.is_set()
    checks["evaluation"] = evaluation_check(scheduler)
    checks["storage"] = storage_check(engine)
    wake = scheduler.next_wake
    details: dict[str, Any] = {
        "checks": checks,
        "next_timer": wake.isoformat() if wake else None,
        "collectors": [
            {
                "name": job.name,
                "interval_seconds": job.interval.total_seconds(),
                "last_success": _iso(health[job.name].last_success) if job.name in health else None,
                "consecutive_failures": health[job.name].consecutive_failures
                if job.name in health
                else 0,
                "last_error": health[job.name].last_error if job.name in health else None,
            }
            for job in collectors
        ],
    }
    ready = checks["database"] == "ok" and scheduler.running and checks["caught_up"]
    ready = ready and checks["evaluation"] == "ok" and checks["storage"] == "ok"
    return ready, details


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None
