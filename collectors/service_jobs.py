"""The collectors `slamon serve` schedules, built from the collectors file (one entry each).

Adding a kind of collector to the service: build its CollectorJob here, from its settings.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from collectors.prometheus import PrometheusCollector
from collectors.settings import CollectorSettings, PrometheusSource
from monitor.service.collector_jobs import CollectorJob


def _prometheus(source: PrometheusSource, engine: Engine) -> CollectorJob:
    def run(now: datetime) -> str | None:
        return PrometheusCollector(source, engine).run(now).error

    return CollectorJob(source.name, source.interval, source.backoff, run)


def service_jobs(settings: CollectorSettings, engine: Engine) -> list[CollectorJob]:
    return [_prometheus(source, engine) for source in settings.prometheus]
