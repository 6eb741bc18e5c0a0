"""The PromQL the store rollups send, and the settings that choose them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from collectors.promql import narrowed
from collectors.settings import PrometheusSource
from collectors.store_rollups import Window, resource_sets, rollup_query, windows

T0 = datetime(2022, 6, 30, 16, 0, tzinfo=UTC)
QUARTER = timedelta(minutes=15)


def test_a_selector_is_narrowed_to_escaped_label_values() -> None:
    assert narrowed('up{job="vm"}', "instance", ["vm-a", 'x"y\\z', "一云.1"]) == (
        'up{job="vm",instance=~"vm\\\\-a|x\\"y\\\\\\\\z|一云\\\\.1"}'
    )
    assert narrowed("up", "instance", []) == 'up{instance=""}'
    assert narrowed('{__name__="up",}', "instance", ["a"]) == '{__name__="up",instance=~"a"}'


def test_a_left_open_store_gets_the_whole_quarter_hour_ending_a_millisecond_early() -> None:
    query = rollup_query("up", QUARTER, timedelta(minutes=1), closed=False, templates=False)
    assert query == (
        'label_replace(sum_over_time(up[900000ms] offset 1ms), "slamon_rollup", "sum", "", "")'
        ' or label_replace(count_over_time(up[900000ms] offset 1ms) != 15, "slamon_rollup",'
        ' "count", "", "") or label_replace(max_over_time(up[900000ms] offset 1ms) !='
        " sum_over_time(up[900000ms] offset 1ms) / count_over_time(up[900000ms] offset 1ms),"
        ' "slamon_rollup", "max", "", "")'
    )


def test_a_closed_store_gets_a_range_one_millisecond_shorter_named_once_with_templates() -> None:
    query = rollup_query('up{a="b"}', QUARTER, timedelta(minutes=1), closed=True, templates=True)
    assert query.startswith('WITH (s = up{a="b"}) label_replace(sum_over_time(s[899999ms] ')
    assert query.count('up{a="b"}') == 1


def test_a_start_in_mid_quarter_hour_is_asked_for_alone() -> None:
    start = T0 + timedelta(minutes=7)
    assert windows(start, T0 + 4 * QUARTER) == [
        Window(T0 + QUARTER, T0 + QUARTER, timedelta(minutes=8)),
        Window(T0 + 2 * QUARTER, T0 + 4 * QUARTER, QUARTER),
    ]
    assert windows(T0, T0 + QUARTER) == [Window(T0 + QUARTER, T0 + QUARTER, QUARTER)]


def test_resource_sets_hold_at_most_the_configured_count() -> None:
    ids = [f"vm-{n:03}" for n in range(5)]
    assert list(resource_sets(ids, 2)) == [ids[0:2], ids[2:4], ids[4:]]


def store_source(**changes: object) -> PrometheusSource:
    values: dict[str, object] = {
        "name": "up",
        "url": "http://127.0.0.1:8428",
        "store": "victoriametrics",
        "metric": "availability",
        "query": 'up{job="vm"}',
        "start": T0,
        "rollups": "store",
    }
    values.update(changes)
    return PrometheusSource.model_validate(values)


def test_raw_rollups_are_the_default() -> None:
    assert store_source(rollups="raw", query="1 - up").rollups == "raw"
    assert (
        PrometheusSource.model_validate(
            {"name": "up", "url": "http://h:1", "metric": "cpu", "query": "up", "start": T0}
        ).rollups
        == "raw"
    )


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"query": "avg_over_time(up[5m])"}, "plain series selector"),
        ({"chunk": "50m"}, "whole number of quarter hours"),
        ({"chunk": "10m"}, "whole number of quarter hours"),
    ],
)
def test_store_rollups_need_a_selector_and_chunks_of_quarter_hours(
    changes: dict[str, object], reason: str
) -> None:
    with pytest.raises(ValidationError, match=reason):
        store_source(**changes)
