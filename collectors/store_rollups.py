"""Quarter-hour rollups (count, sum, max) computed by the store itself, the same as the raw path's.

A quarter hour [t, t + 15 min) holds the samples at t up to, not including, t + 15 min (what
`bucket_floor` gives a raw sample). The store is asked for count_over_time, sum_over_time and
max_over_time evaluated at t + 15 min with `offset 1ms`, i.e. over a range ending 1 ms before the
next quarter hour; timestamps are milliseconds, so that is the last sample of [t, t + 15 min).
A range selector ends where it ends; where it starts depends on the store: Prometheus 3 and
VictoriaMetrics leave the start out (t - 1 ms .. t - 1 ms + 15 min, left-open, starts at t),
Prometheus 2 keeps it in, so there the range is 1 ms shorter.

One query per resource set and time chunk answers all three as series labelled
`slamon_rollup`. Values that other values give exactly are left out of the answer, which makes it
a fraction of the raw samples' size: a count equal to the samples a full quarter hour holds
(window ÷ step), and a max equal to sum ÷ count (every sample the same, as in an `up` series);
both are then restored from the sum, with the store's own float arithmetic, so exactly.
A quarter hour without samples has no points at all, so a gap stays a gap, never downtime. A
non-finite sum (a NaN sample) leaves its quarter hour out, as the raw path leaves NaN samples out.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from collectors.promql import narrowed
from collectors.settings import PrometheusSource
from monitor.domain.resources import BUCKET, bucket_ceil, bucket_floor

ROLLUP_LABEL = "slamon_rollup"
MILLISECOND = timedelta(milliseconds=1)
# VictoriaMetrics refuses a query longer than -search.maxQueryLen (16 KiB by default): the
# label values of one resource set stay well under it.
_VALUES_CHARACTERS = 10_000

Get = Callable[[str, dict[str, str]], Any]


class StoreAnswerError(ValueError):
    """The store's answer is not the rollups asked for."""


@dataclass(frozen=True, slots=True)
class Window:
    """One query_range: ranges of `length` ending at first, first + 15 min, … up to last."""

    first: datetime
    last: datetime
    length: timedelta


def windows(start: datetime, end: datetime) -> list[Window]:
    """[start, end), `end` on a quarter hour: a partial first quarter hour, then whole ones."""
    ceil = bucket_ceil(start)
    out: list[Window] = []
    if start < ceil <= end:
        out.append(Window(ceil, ceil, ceil - start))
    if ceil + BUCKET <= end:
        out.append(Window(ceil + BUCKET, end, BUCKET))
    return out


def rollup_query(
    selector: str, length: timedelta, step: timedelta, *, closed: bool, templates: bool
) -> str:
    """count, sum and max over each range of `length`, ending 1 ms before the evaluation time.

    `closed`: the store includes a range's start (Prometheus 2); `templates`: it knows
    VictoriaMetrics' WITH, which names the (long) selector once instead of five times.
    """
    bracket = (length - MILLISECOND) if closed else length
    series = "s" if templates else selector

    def over(function: str) -> str:
        return f"{function}({series}[{bracket // MILLISECOND}ms] offset 1ms)"

    full = round(length / step)
    total, count, peak = over("sum_over_time"), over("count_over_time"), over("max_over_time")
    parts = [
        (total, "sum"),
        (f"{count} != {full}", "count"),
        (f"{peak} != {total} / {count}", "max"),
    ]
    query = " or ".join(
        f'label_replace({expression}, "{ROLLUP_LABEL}", "{kind}", "", "")'
        for expression, kind in parts
    )
    return f"WITH (s = {selector}) {query}" if templates else query


def resource_sets(ids: Sequence[str], most: int) -> Iterator[list[str]]:
    """At most `most` ids per set, and few enough characters for the store's query length."""
    chosen: list[str] = []
    characters = 0
    for rid in ids:
        if chosen and (len(chosen) >= most or characters + len(rid) > _VALUES_CHARACTERS):
            yield chosen
            chosen, characters = [], 0
        chosen.append(rid)
        characters += 2 * len(rid) + 1  # escapes at most double it
    if chosen:
        yield chosen


def ranges_are_closed(source: PrometheusSource, get: Get) -> bool:
    """Whether the store's range selectors include their start: Prometheus before 3.

    VictoriaMetrics' ranges are left-open; its buildinfo names no Prometheus version of its own.
    """
    if source.store == "victoriametrics":
        return False
    version = str(get("/api/v1/status/buildinfo", {}).get("version", ""))
    major = version.split(".", 1)[0]
    if not major.isdigit():
        raise StoreAnswerError(f"no Prometheus version in its buildinfo: {version!r}")
    return int(major) < 3


class StoreRollups:
    """The quarter-hour rollups of one source's selector, asked of the store chunk by chunk."""

    def __init__(self, source: PrometheusSource, get: Get) -> None:
        self.source = source
        self.get = get
        self._closed: bool | None = None

    def rows(self, start: datetime, end: datetime, pools: dict[str, str]) -> list[dict[str, Any]]:
        """The rollup rows of [start, end) (`end` on a quarter hour), every resource set."""
        source = self.source
        if self._closed is None:
            self._closed = ranges_are_closed(source, self.get)
        ids = self._resource_ids(start, end)
        selectors = [
            narrowed(source.query, source.resource_label, s)
            for s in resource_sets(ids, source.resources_per_query)
        ]
        # Series without the resource label are pool series; the raw path keeps them too.
        selectors.append(narrowed(source.query, source.resource_label, []))
        out: list[dict[str, Any]] = []
        for selector in selectors:
            for window in windows(start, end):
                out += self._window_rows(selector, window, pools)
        return out

    def _resource_ids(self, start: datetime, end: datetime) -> list[str]:
        params = {"match[]": self.source.query, "start": _unix(start), "end": _unix(end)}
        values = self.get(f"/api/v1/label/{self.source.resource_label}/values", params)
        if not isinstance(values, list):
            raise StoreAnswerError(f"label values are not a list: {values!r:.200}")
        return sorted(str(value) for value in values if value)

    def _window_rows(
        self, selector: str, window: Window, pools: dict[str, str]
    ) -> list[dict[str, Any]]:
        source = self.source
        templates = source.store == "victoriametrics"
        params = {
            "query": rollup_query(
                selector, window.length, source.step, closed=bool(self._closed), templates=templates
            ),
            "start": _unix(window.first),
            "end": _unix(window.last),
            "step": f"{BUCKET.total_seconds():g}",
        }
        if templates:
            params["nocache"] = "1"  # a cached answer would miss samples written into the past
        data = self.get("/api/v1/query_range", params)
        full = round(window.length / source.step)
        return self._parsed(data, full, pools)

    def _parsed(self, data: Any, full: int, pools: dict[str, str]) -> list[dict[str, Any]]:
        source = self.source
        found: dict[tuple[str, str, datetime], dict[str, float]] = {}
        try:
            for item in data["result"]:
                labels = item.get("metric", {})
                resource_id = labels.get(source.resource_label, "")
                pool = labels.get(source.pool_label, "") if source.pool_label else ""
                kind = labels[ROLLUP_LABEL]
                for stamp, text in item.get("values", ()):
                    ending = datetime.fromtimestamp(float(stamp), UTC)
                    key = (pool, resource_id, bucket_floor(ending - MILLISECOND))
                    found.setdefault(key, {})[kind] = float(text)
        except (KeyError, TypeError, ValueError) as error:
            raise StoreAnswerError(repr(error)) from None
        covered = min(source.step, BUCKET).total_seconds()  # per sample, as the raw path counts
        out: list[dict[str, Any]] = []
        for (pool, resource_id, bucket), values in found.items():
            if "sum" not in values:
                raise StoreAnswerError(f"{resource_id} {bucket:%Y-%m-%d %H:%M}Z: no sum")
            total = values["sum"]
            count = values.get("count", float(full))
            peak = values.get("max", total / count)
            if not (math.isfinite(total) and math.isfinite(peak)):
                continue
            out.append(
                {
                    "metric": source.metric,
                    "pool": pool or pools.get(resource_id, ""),
                    "resource_id": resource_id,
                    "bucket_start": bucket,
                    "samples": int(count),
                    "total": total * source.scale,
                    "peak": peak * source.scale,
                    "covered_seconds": int(count) * covered,
                }
            )
        return out


def _unix(moment: datetime) -> str:
    return f"{moment.timestamp():.3f}"
