"""idle_report judges hosts a chunk at a time: the same findings, in the same order, whether
the fleet fits one chunk or is cut into many (some chunks with no idle host, one chunk
shorter than the rest)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from monitor.contract.model import load_contract
from monitor.domain.periods import Period
from monitor.measures.idle import HOST_METRICS
from monitor.runs import period_measures
from monitor.runs.period_measures import idle_report
from monitor.storage.resources import ensure_resources
from monitor.storage.rollups import add_rollups
from tests.conftest import SHANGHAI
from tests.storage.test_idle_prefilter import reference_idle_report

IDLE = load_contract().idle.model_copy(
    update={"host_window": timedelta(days=3), "grace": timedelta(days=1)}
)
CONTRACT = load_contract().model_copy(update={"idle": IDLE})
PERIOD = Period(
    "days", datetime(2024, 11, 5, tzinfo=SHANGHAI), datetime(2024, 11, 7, tzinfo=SHANGHAI)
)
AT = PERIOD.end
# Levels (average, peak) per host: below 5 % and 10 % is idle, the rest busy.
LEVELS = {
    "vm-0": (1.0, 2.0),
    "vm-1": (30.0, 45.0),
    "vm-2": (2.0, 4.0),
    "vm-3": (35.0, 60.0),
    "vm-4": (3.0, 6.0),
    "vm-5": (25.0, 40.0),
    "vm-6": (28.0, 50.0),
}


def store_hosts(engine: Engine) -> None:
    """Hourly rollups of every host from 5 days before the period to its end."""
    first = (PERIOD.start - timedelta(days=5)).astimezone(UTC)
    hours = int((AT - first) / timedelta(hours=1))
    rows = [
        {
            "metric": metric,
            "pool": "一云",
            "resource_id": name,
            "bucket_start": first + timedelta(hours=hour),
            "samples": 60,
            "total": 60 * average,
            "peak": peak,
            "covered_seconds": 3600.0,
        }
        for name, (average, peak) in LEVELS.items()
        for metric in HOST_METRICS
        for hour in range(hours)
    ]
    with engine.begin() as connection:
        ensure_resources(
            connection, [{"resource_id": name, "resource_class": "vm"} for name in LEVELS], first
        )
        add_rollups(connection, rows)


def test_hosts_judged_in_chunks_give_the_report_of_the_whole_fleet(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_hosts(engine)
    whole = idle_report(engine, CONTRACT, PERIOD, AT)
    assert [f.resource_id for f in whole] == ["vm-0", "vm-2", "vm-4"]
    # The first checkpoint (the grace before the period) has a whole window of data.
    assert {f.detected_at for f in whole} == {datetime(2024, 11, 4, tzinfo=SHANGHAI)}
    assert whole == reference_idle_report(engine, CONTRACT, PERIOD, AT)
    for per_chunk in (1, 2, 3):
        monkeypatch.setattr(period_measures, "HOSTS_PER_CHUNK", per_chunk)
        assert idle_report(engine, CONTRACT, PERIOD, AT) == whole, per_chunk
