"""The array (NumPy) idle-host check gives exactly the plain day-by-day loop's findings.

`reference_idle_hosts` is the loop the check ran before it was vectorised, kept here as the
definition: for each host, checkpoint after checkpoint, add up the window's days and compare.
Random days (missing days, empty days, averages and peaks on and around the limits, coverage
around the floor), random checkpoints, reclaims and evaluation times must give the same
findings, evidence to the last bit, in Asia/Shanghai; and across a DST change in Berlin the
window's length is its real one (23- or 25-hour days).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.contract.metrics import IdleConfig
from monitor.contract.model import Contract, load_contract
from monitor.domain.resources import DayStats, Resource
from monitor.measures.idle import HOST_METRICS, IdleFinding, idle_hosts
from tests.conftest import SHANGHAI

CONTRACT: Contract = load_contract()
BERLIN = ZoneInfo("Europe/Berlin")
FIRST = date(2024, 5, 20)
SPAN = 30  # days of data
DAY = 86_400.0


def reference_idle_hosts(
    resources: Sequence[Resource],
    daily: Mapping[str, Mapping[str, Mapping[date, DayStats]]],
    checkpoints: Sequence[date],
    config: IdleConfig,
    coverage_floor: float,
    zone: ZoneInfo,
    at: datetime,
) -> list[IdleFinding]:
    """The plain loop: every host, every checkpoint, every day of its window, in Python."""
    days = config.host_window.days
    found: list[IdleFinding] = []
    for resource in resources:
        if resource.resource_class not in config.host_classes:
            continue
        by_metric = daily.get(resource.resource_id, {})
        if not all(by_metric.get(metric) for metric in HOST_METRICS):
            continue
        for day in checkpoints:
            detected = datetime.combine(day, time(0), tzinfo=zone)
            if detected > at:
                break
            if resource.reclaimed_at is not None and resource.reclaimed_at <= detected:
                break
            window = [day - timedelta(days=n) for n in range(days, 0, -1)]
            opened = datetime.combine(window[0], time(0), tzinfo=zone)
            seconds = detected.timestamp() - opened.timestamp()
            seconds += (config.host_window - timedelta(days=days)).total_seconds()
            evidence = _reference_window(by_metric, window, seconds, coverage_floor, config)
            if evidence is not None:
                deadline = detected + config.grace
                reclaimed = resource.reclaimed_at
                if reclaimed is not None and reclaimed <= min(deadline, at):
                    status = "reclaimed"
                else:
                    status = "violation" if at >= deadline else "candidate"
                found.append(
                    IdleFinding(
                        resource.resource_id,
                        "host",
                        detected,
                        deadline,
                        evidence,
                        reclaimed,
                        status,
                    )
                )
                break
    return found


def _reference_window(
    by_metric: Mapping[str, Mapping[date, DayStats]],
    window: Sequence[date],
    window_seconds: float,
    coverage_floor: float,
    config: IdleConfig,
) -> dict[str, float] | None:
    evidence: dict[str, float] = {}
    for metric in HOST_METRICS:
        stats = [by_metric.get(metric, {}).get(day) for day in window]
        present = [s for s in stats if s is not None and s.samples]
        samples = sum(s.samples for s in present)
        covered = sum(s.covered_seconds for s in present)
        if not samples or covered < coverage_floor * window_seconds:
            return None
        average = sum(s.total for s in present) / samples
        peak = max(s.peak for s in present)
        if average >= config.host_average_below or peak >= config.host_peak_below:
            return None
        evidence[f"{metric}_avg"] = average
        evidence[f"{metric}_peak"] = peak
    return evidence


# Values on and around the limits (5 % average, 10 % peak, 0.9 coverage), and anything else.
AVERAGES = st.one_of(st.sampled_from([0.0, 1.5, 4.9, 4.99, 5.0, 5.01, 7.0]), st.floats(0, 12))
PEAKS = st.one_of(st.sampled_from([0.0, 9.0, 9.99, 10.0, 10.01, 30.0]), st.floats(0, 40))
COVERAGE = st.sampled_from([1.0, 0.95, 0.9, 0.89, 0.5, 0.0])


@st.composite
def day_stats(draw: st.DrawFn) -> DayStats | None:
    if draw(st.integers(0, 9)) == 0:
        return None  # no row at all that day
    samples = draw(st.sampled_from([0, 1, 96, 1440]))
    average = draw(AVERAGES)
    return DayStats(samples, samples * average, draw(PEAKS), DAY * draw(COVERAGE))


@st.composite
def host_days(draw: st.DrawFn) -> dict[str, dict[date, DayStats]]:
    # Mostly one regime per host, so that whole idle windows do happen.
    steady = draw(st.booleans())
    template = draw(day_stats())
    out: dict[str, dict[date, DayStats]] = {}
    for metric in HOST_METRICS:
        days: dict[date, DayStats] = {}
        for offset in range(SPAN):
            stats = template if steady and draw(st.integers(0, 5)) else draw(day_stats())
            if stats is not None:
                days[FIRST + timedelta(days=offset)] = stats
        if days or draw(st.booleans()):
            out[metric] = days
    return out


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[Resource], dict, list[date], datetime, float]:
    count = draw(st.integers(1, 4))
    resources: list[Resource] = []
    daily: dict[str, dict[str, dict[date, DayStats]]] = {}
    for n in range(count):
        reclaimed = None
        if draw(st.booleans()):
            reclaimed = datetime.combine(
                FIRST + timedelta(days=draw(st.integers(0, SPAN + 40))),
                time(draw(st.integers(0, 23))),
                tzinfo=SHANGHAI,
            )
        kind = draw(st.sampled_from(["vm", "vm", "physical", "network"]))
        resources.append(Resource(f"h-{n}", kind, reclaimed_at=reclaimed))
        daily[f"h-{n}"] = draw(host_days())
    first = draw(st.integers(14, SPAN))
    last = draw(st.integers(first, SPAN + 3))
    checkpoints = [FIRST + timedelta(days=d) for d in range(first, last + 1)]
    at = datetime.combine(
        FIRST + timedelta(days=draw(st.integers(10, SPAN + 60))), time(0), tzinfo=SHANGHAI
    )
    floor = draw(st.sampled_from([0.9, 0.0, 0.5, 1.0]))
    return resources, daily, checkpoints, at, floor


@settings(max_examples=200, deadline=None)
@given(scenarios())
def test_the_array_check_finds_exactly_what_the_loop_finds(scenario: tuple) -> None:
    resources, daily, checkpoints, at, floor = scenario
    config = CONTRACT.idle
    expected = reference_idle_hosts(resources, daily, checkpoints, config, floor, SHANGHAI, at)
    assert idle_hosts(resources, daily, checkpoints, config, floor, SHANGHAI, at) == expected


@settings(max_examples=50, deadline=None)
@given(scenarios(), st.integers(1, 20))
def test_other_window_lengths_and_unordered_checkpoints_agree_too(
    scenario: tuple, window: int
) -> None:
    resources, daily, checkpoints, at, floor = scenario
    config = CONTRACT.idle.model_copy(update={"host_window": timedelta(days=window)})
    reordered = [*checkpoints[1::2], *checkpoints[::2]]
    expected = reference_idle_hosts(resources, daily, reordered, config, floor, SHANGHAI, at)
    assert idle_hosts(resources, daily, reordered, config, floor, SHANGHAI, at) == expected


def _quiet_days(first: date, count: int, covered: float) -> dict[date, DayStats]:
    return {first + timedelta(days=n): DayStats(96, 96 * 2.0, 4.0, covered) for n in range(count)}


def test_a_window_with_the_23_hour_spring_day_needs_23_hours_less_a_tenth() -> None:
    # Berlin, 31 March 2024 has 23 hours: the 14 days up to 1 April 00:00 are 335 hours long.
    # Coverage of 0.9 × 335 h = 301.5 h passes; against 14 × 24 h it would need 302.4 h.
    host = Resource("vm-b", "vm")
    covered = (0.9 * 335 * 3600 + 1) / 14  # a second above the floor, against rounding
    daily = {"vm-b": {m: _quiet_days(date(2024, 3, 18), 14, covered) for m in HOST_METRICS}}
    at = datetime(2024, 4, 2, tzinfo=BERLIN)
    (found,) = idle_hosts([host], daily, [date(2024, 4, 1)], CONTRACT.idle, 0.9, BERLIN, at)
    assert found.detected_at == datetime(2024, 4, 1, tzinfo=BERLIN)
    assert (
        found
        == reference_idle_hosts([host], daily, [date(2024, 4, 1)], CONTRACT.idle, 0.9, BERLIN, at)[
            0
        ]
    )


def test_a_window_with_the_25_hour_autumn_day_needs_the_extra_hour_covered() -> None:
    # Berlin, 27 October 2024 has 25 hours: the 14 days up to 28 October are 337 hours long.
    host = Resource("vm-b", "vm")
    short = (0.9 * 336 * 3600 + 1) / 14  # enough for 14 × 24 h, not for 337 h
    enough = (0.9 * 337 * 3600 + 1) / 14
    at = datetime(2024, 10, 29, tzinfo=BERLIN)
    checkpoint = [date(2024, 10, 28)]
    for covered, found in ((short, 0), (enough, 1)):
        daily = {"vm-b": {m: _quiet_days(date(2024, 10, 14), 14, covered) for m in HOST_METRICS}}
        findings = idle_hosts([host], daily, checkpoint, CONTRACT.idle, 0.9, BERLIN, at)
        assert len(findings) == found
        assert findings == reference_idle_hosts(
            [host], daily, checkpoint, CONTRACT.idle, 0.9, BERLIN, at
        )
