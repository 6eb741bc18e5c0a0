"""The collectors `slamon serve` schedules, built from the collectors file (one entry each).

Adding a kind of collector to the service: build its CollectorJob here, from its settings.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from collectors.prometheus import PrometheusCollector
from collectors.settings import CollectorSettings, PrometheusSource
from collectors.ticket_api import TICKET_COLLECTORS
from collectors.ticket_api.settings import TicketApiSource
from monitor.contract.model import Contract
from monitor.service.collector_jobs import CollectorJob, CollectorOutcome


def _prometheus(source: PrometheusSource, engine: Engine) -> CollectorJob:
    def run(now: datetime) -> CollectorOutcome:
        return CollectorOutcome(PrometheusCollector(source, engine).run(now).error)

    return CollectorJob(source.name, source.interval, source.backoff, run, leased=True)


def _tickets(source: TicketApiSource, engine: Engine, contract: Contract) -> CollectorJob:
    """Built once (its profile is read at start-up, so a bad one stops `slamon serve`)."""
    collector = TICKET_COLLECTORS[source.type](source, engine, contract)

    def run(now: datetime) -> CollectorOutcome:
        result = collector.run(now)
        return CollectorOutcome(result.error, result.tickets)

    # Named like its collector_run rows, so /readyz finds its health under the same name.
    return CollectorJob(collector.state_name, source.interval, source.backoff, run)


def service_jobs(
    settings: CollectorSettings, engine: Engine, contract: Contract
) -> list[CollectorJob]:
    """Raises ProfileError or ValueError for a ticket source whose profile cannot be used."""
    jobs = [_prometheus(source, engine) for source in settings.prometheus]
    jobs += [_tickets(source, engine, contract) for source in settings.tickets]
    return jobs
