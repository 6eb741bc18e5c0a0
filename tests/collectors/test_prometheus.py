"""The Prometheus collector against a recorded-style fake server: chunks, retries, gaps."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from sqlalchemy import Engine

from collectors.prometheus import PrometheusCollector, is_selector
from collectors.settings import PrometheusSource
from monitor.domain.resources import Counts, Resource
from monitor.storage.collector_state import collector_runs, get_watermark
from monitor.storage.resources import load_resources
from monitor.storage.rollups import rollup_sums

T0 = datetime(2022, 6, 30, 16, 0, tzinfo=UTC)  # 2022-07-01 00:00 in Shanghai
HOUR = timedelta(hours=1)


def source(**changes: Any) -> PrometheusSource:
    values: dict[str, Any] = {
        "name": "vm_up",
        "url": "http://127.0.0.1:9",
        "metric": "availability",
        "query": 'up{job="vm"}',
        "pool_label": "pool",
        "resource_class": "vm",
        "start": T0,
        "chunk": "1h",
        "lag": "0s",
        "retries": 2,
        "backoff": "1s",
    }
    values.update(changes)
    return PrometheusSource.model_validate(values)


def answer(status: int, body: dict[str, Any]) -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(body).encode()
    return response


def matrix(*series: tuple[str, list[tuple[datetime, str]]]) -> dict[str, Any]:
    result = [
        {
            "metric": {"instance": name, "pool": "一云"},
            "values": [[m.timestamp(), v] for m, v in values],
        }
        for name, values in series
    ]
    return {"status": "success", "data": {"resultType": "matrix", "result": result}}


class FakeSession(requests.Session):
    """Answers from a script; an exception in it is raised as the network would."""

    def __init__(self, script: list[requests.Response | Exception]) -> None:
        super().__init__()
        self.script: Iterator[requests.Response | Exception] = iter(script)
        self.calls: list[tuple[str, dict[str, str]]] = []

    def get(self, url: str | bytes, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        self.calls.append((str(url), kwargs["params"]))
        step = next(self.script)
        if isinstance(step, Exception):
            raise step
        return step


def test_a_plain_selector_is_fetched_raw_in_half_open_chunks(engine: Engine) -> None:
    # Prometheus 2 ranges are closed: the sample at the chunk's end comes back too, and
    # belongs to the next chunk.
    first = matrix(("vm-a", [(T0, "1"), (T0 + 30 * timedelta(minutes=1), "0"), (T0 + HOUR, "1")]))
    second = matrix(("vm-a", [(T0 + HOUR, "1"), (T0 + 2 * HOUR, "1")]))
    session = FakeSession([answer(200, first), answer(200, second)])
    collector = PrometheusCollector(source(), engine, session=session, sleep=lambda _: None)
    result = collector.run(T0 + 2 * HOUR)
    assert (result.range_to, result.samples, result.error) == (T0 + 2 * HOUR, 3, None)
    url, params = session.calls[0]
    assert url == "http://127.0.0.1:9/api/v1/query"
    assert params == {
        "query": 'up{job="vm"}[3600000ms]',
        "time": f"{(T0 + HOUR).timestamp() - 0.001:.3f}",
    }
    assert rollup_sums(engine, "availability", T0, T0 + 2 * HOUR) == {"vm-a": Counts(3, 2.0, 180.0)}
    assert get_watermark(engine, "vm_up") == T0 + 2 * HOUR
    assert load_resources(engine) == [Resource("vm-a", "vm", pool="一云")]


def test_a_failing_server_is_retried_with_backoff_then_recorded_as_a_gap(engine: Engine) -> None:
    down = requests.ConnectionError("connection refused")
    session = FakeSession([down, down, down])
    slept: list[float] = []
    result = PrometheusCollector(source(), engine, session=session, sleep=slept.append).run(
        T0 + HOUR
    )
    assert slept == [1.0, 2.0]
    assert result.error is not None and "connection refused" in result.error
    assert get_watermark(engine, "vm_up") is None  # nothing stored, nothing skipped
    (run,) = collector_runs(engine, "vm_up")
    assert (run["range_to"], run["samples"]) == (T0, 0)
    assert "ConnectionError" in run["error"]


def test_a_server_error_passes_on_retry(engine: Engine) -> None:
    busy = answer(503, {"status": "error", "error": "overloaded"})
    session = FakeSession([busy, answer(200, matrix(("vm-a", [(T0, "1")])))])
    result = PrometheusCollector(source(), engine, session=session, sleep=lambda _: None).run(
        T0 + HOUR
    )
    assert (result.error, result.samples) == (None, 1)


def test_a_bad_query_is_not_retried(engine: Engine) -> None:
    bad = answer(400, {"status": "error", "errorType": "bad_data", "error": "parse error"})
    slept: list[float] = []
    session = FakeSession([bad])
    result = PrometheusCollector(source(), engine, session=session, sleep=slept.append).run(
        T0 + HOUR
    )
    assert slept == [] and result.error is not None and "parse error" in result.error


def test_an_expression_is_evaluated_at_the_step_with_query_range(engine: Engine) -> None:
    query = '100 * (1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m])))'
    values = [(T0 + timedelta(minutes=m), "12.5") for m in range(60)]
    session = FakeSession([answer(200, matrix(("vm-a", values)))])
    cpu = source(name="vm_cpu", metric="cpu", query=query)
    result = PrometheusCollector(cpu, engine, session=session, sleep=lambda _: None).run(T0 + HOUR)
    assert result.samples == 60
    url, params = session.calls[0]
    assert url.endswith("/api/v1/query_range")
    assert (params["start"], params["step"]) == (f"{T0.timestamp():.3f}", "60")
    assert rollup_sums(engine, "cpu", T0, T0 + HOUR)["vm-a"] == Counts(60, 750.0, 3600.0)


@pytest.mark.parametrize(
    ("query", "selector"),
    [
        ('up{job="vm"}', True),
        ("probe_success", True),
        ('{__name__="up"}', True),
        ("avg_over_time(up[5m])", False),
        ("1 - up", False),
    ],
)
def test_which_queries_are_plain_selectors(query: str, selector: bool) -> None:
    assert is_selector(query) is selector


def test_the_example_settings_file_is_valid() -> None:
    from pathlib import Path

    from collectors.settings import load_collector_settings

    example = Path(__file__).resolve().parents[2] / "config/collectors.example.yaml"
    settings = load_collector_settings(example).prometheus
    assert [s.name for s in settings] == [
        "vm_up",
        "core_network_probe",
        "vm_cpu",
        "vm_memory",
        "city_a_vm_up",
    ]
    cluster = settings[-1]
    assert cluster.api_url == "http://127.0.0.1:8481/select/11/prometheus"
