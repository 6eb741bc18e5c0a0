"""Availability per resource, class and pool: coverage, maintenance, budget and burn rates.

June 2024 has 30 days = 43,200 minutes = 2,592,000 s. A vm's target of 99.95 % leaves an
error budget of 0.05 % of that: 1,296 s = 21.6 minutes.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.domain.resources import Counts, Outage, Resource
from monitor.domain.tickets import Status
from monitor.measures.availability import (
    ApprovedWindow,
    AvailabilityInputs,
    aggregate,
    approved_windows,
    resource_figure,
)
from tests.conftest import SHANGHAI, local

JUNE = parse_period("2024-06", SHANGHAI)
AFTER_JUNE = local("2024-07-05 00:00")
MONTH_SECONDS = 2_592_000
VM = Resource("vm-1", "vm", pool="一云")


def full_month(down_minutes: int) -> Counts:
    """One sample a minute all month, `down_minutes` of them 0."""
    return Counts(43_200, 43_200 - down_minutes, MONTH_SECONDS)


def inputs(
    counts: dict[str, Counts],
    resources: tuple[Resource, ...] = (VM,),
    **more: object,
) -> AvailabilityInputs:
    values: dict[str, object] = {
        "resources": resources,
        "period_counts": counts,
        "maintenance_rows": {},
        "window_counts": {},
    }
    values.update(more)
    return AvailabilityInputs(**values)  # type: ignore[arg-type]


def with_availability(contract: Contract, **changes: object) -> Contract:
    return contract.model_copy(
        update={"availability": contract.availability.model_copy(update=changes)}
    )


def test_ten_minutes_down_in_june_is_met_with_11_6_minutes_of_budget_left(
    contract: Contract,
) -> None:
    figure = resource_figure(VM, inputs({"vm-1": full_month(10)}), contract, JUNE, AFTER_JUNE)
    assert figure.availability == pytest.approx(43_190 / 43_200, abs=1e-12)
    assert figure.coverage == 1.0
    assert figure.budget_seconds == pytest.approx(1296)
    assert figure.remaining_budget_seconds == pytest.approx(11.6 * 60)
    assert figure.status is Status.MET
    assert figure.findings == ()


def test_thirty_minutes_down_in_june_breaches_the_vm_target(contract: Contract) -> None:
    figure = resource_figure(VM, inputs({"vm-1": full_month(30)}), contract, JUNE, AFTER_JUNE)
    assert figure.availability == pytest.approx(0.999305555, abs=1e-9)
    assert figure.remaining_budget_seconds == pytest.approx(-8.4 * 60)
    assert figure.status is Status.BREACHED


def test_missing_samples_are_neither_uptime_nor_downtime(contract: Contract) -> None:
    half = Counts(21_600, 21_600, MONTH_SECONDS / 2)
    figure = resource_figure(VM, inputs({"vm-1": half}), contract, JUNE, AFTER_JUNE)
    assert figure.availability == 1.0  # the half we saw was up …
    assert figure.coverage == 0.5  # … and the other half is not evidence of anything
    assert figure.findings == ("low_coverage",)
    assert figure.status is Status.MISSING_EVIDENCE  # the contract counts it as failing


def test_low_coverage_stays_a_finding_when_missing_evidence_does_not_fail(
    contract: Contract,
) -> None:
    lenient = with_availability(contract, missing_evidence_fails=False)
    half = Counts(21_600, 21_600, MONTH_SECONDS / 2)
    figure = resource_figure(VM, inputs({"vm-1": half}), lenient, JUNE, AFTER_JUNE)
    assert (figure.status, figure.findings) == (Status.MET, ("low_coverage",))


def test_a_resource_without_samples_has_no_evidence_not_zero_availability(
    contract: Contract,
) -> None:
    figure = resource_figure(VM, inputs({}), contract, JUNE, AFTER_JUNE)
    assert figure.availability is None
    assert figure.evidence == "none"
    assert (figure.status, figure.findings) == (Status.MISSING_EVIDENCE, ("no_evidence",))


def test_approved_maintenance_is_excluded_from_counted_time_and_samples(
    contract: Contract,
) -> None:
    window = ApprovedWindow(
        local("2024-06-10 02:00"), local("2024-06-10 04:00"), "市政数局 张三", classes=("vm",)
    )
    # Down for the whole two hours: 8 quarter hours of 15 zero samples.
    first = local("2024-06-10 02:00").astimezone(UTC)
    rows = {first + timedelta(minutes=15 * i): Counts(15, 0, 900) for i in range(8)}
    data = inputs({"vm-1": full_month(120)}, maintenance_rows={"vm-1": rows}, windows=(window,))
    figure = resource_figure(VM, data, contract, JUNE, AFTER_JUNE)
    assert figure.availability == 1.0
    assert figure.counted_seconds == MONTH_SECONDS - 7200
    assert figure.budget_seconds == pytest.approx(0.0005 * (MONTH_SECONDS - 7200))
    assert figure.status is Status.MET


def test_a_window_off_the_quarter_hours_excludes_only_the_whole_quarters_inside_it(
    contract: Contract,
) -> None:
    window = ApprovedWindow(local("2024-06-10 02:05"), local("2024-06-10 02:50"), "张三")
    assert window.excluded == (local("2024-06-10 02:15"), local("2024-06-10 02:45"))
    figure = resource_figure(
        VM, inputs({"vm-1": full_month(0)}, windows=(window,)), contract, JUNE, AFTER_JUNE
    )
    assert figure.counted_seconds == MONTH_SECONDS - 1800


def test_a_window_for_another_class_does_not_apply(contract: Contract) -> None:
    window = ApprovedWindow(
        local("2024-06-10 02:00"), local("2024-06-10 04:00"), "张三", classes=("network",)
    )
    figure = resource_figure(
        VM, inputs({"vm-1": full_month(0)}, windows=(window,)), contract, JUNE, AFTER_JUNE
    )
    assert figure.counted_seconds == MONTH_SECONDS


def test_only_planned_outages_with_an_approver_become_maintenance(contract: Contract) -> None:
    outages = [
        Outage("vm-1", local("2024-06-03 01:00"), local("2024-06-03 02:00"), True, "李四"),
        Outage("vm-1", local("2024-06-04 01:00"), local("2024-06-04 02:00"), True, None),
        Outage("vm-1", local("2024-06-05 01:00"), local("2024-06-05 02:00"), False, "李四"),
    ]
    windows = approved_windows(contract, outages)
    assert [(w.start, w.approved_by, w.resources) for w in windows] == [
        (local("2024-06-03 01:00"), "李四", ("vm-1",))
    ]


@pytest.mark.parametrize(
    ("down_minutes", "status"),
    [(5, Status.MET), (18, Status.AT_RISK), (25, Status.BREACHED)],
)
def test_mid_month_the_budget_left_decides_met_at_risk_or_breached(
    contract: Contract, down_minutes: int, status: Status
) -> None:
    # Half-way through June (15 days seen). Budget 21.6 min; at risk below 20 % = 4.32 min
    # left: 18 min down leaves 3.6 min; 25 min down has spent it all.
    at = local("2024-06-16 00:00")
    seen = Counts(21_600, 21_600 - down_minutes, MONTH_SECONDS / 2)
    figure = resource_figure(VM, inputs({"vm-1": seen}), contract, JUNE, at)
    assert figure.coverage == 1.0
    assert figure.status is status


def test_burn_rate_is_the_error_rate_over_what_the_budget_allows(contract: Contract) -> None:
    # 3 bad minutes in the last hour: 5 % errors against 0.05 % allowed burns 100× too fast.
    hour, six_hours = timedelta(hours=1), timedelta(hours=6)
    data = inputs(
        {"vm-1": full_month(3)},
        window_counts={hour: {"vm-1": Counts(60, 57, 3600)}, six_hours: {}},
    )
    figure = resource_figure(VM, data, contract, JUNE, local("2024-06-16 00:00"))
    assert figure.burn_rate(hour) == pytest.approx(100)
    assert figure.burn_rate(six_hours) is None  # no samples in the window: no rate


def test_a_resource_reclaimed_mid_month_is_counted_until_then(contract: Contract) -> None:
    reclaimed = Resource("vm-2", "vm", reclaimed_at=local("2024-06-11 00:00"))
    seen = Counts(14_400, 14_400, 864_000)
    figure = resource_figure(reclaimed, inputs({"vm-2": seen}), contract, JUNE, AFTER_JUNE)
    assert figure.counted_seconds == 864_000  # June 1–10
    assert (figure.coverage, figure.status) == (1.0, Status.MET)


def test_outage_records_are_evidence_only_where_the_contract_says_so(contract: Contract) -> None:
    outage = Outage("vm-1", local("2024-06-05 10:00"), local("2024-06-05 10:45"))
    trusting = with_availability(contract, outage_records_as_evidence=True)
    figure = resource_figure(VM, inputs({}, outages=(outage,)), trusting, JUNE, AFTER_JUNE)
    assert figure.evidence == "outage_records"
    assert figure.availability == pytest.approx(1 - 2700 / MONTH_SECONDS, abs=1e-12)
    assert figure.status is Status.BREACHED  # 45 minutes down > 21.6 minutes of budget
    default = resource_figure(VM, inputs({}, outages=(outage,)), contract, JUNE, AFTER_JUNE)
    assert (default.evidence, default.status) == ("none", Status.MISSING_EVIDENCE)


def test_a_class_pools_the_seconds_of_its_resources(contract: Contract) -> None:
    second = Resource("vm-2", "vm", pool="二云")
    data = inputs({"vm-1": full_month(10), "vm-2": full_month(0)}, resources=(VM, second))
    figures = [resource_figure(r, data, contract, JUNE, AFTER_JUNE) for r in (VM, second)]
    (vm,) = aggregate(figures, "class", contract, JUNE, AFTER_JUNE)
    assert vm.availability == pytest.approx(1 - 600 / (2 * MONTH_SECONDS), abs=1e-12)
    assert (vm.resources, vm.target, vm.status) == (2, 99.95, Status.MET)


def test_a_pool_shows_its_worst_member_and_has_no_target_of_its_own(contract: Contract) -> None:
    power = Resource("ups-1", "power", pool="一云")
    data = inputs({"vm-1": full_month(0), "ups-1": full_month(10)}, resources=(VM, power))
    figures = [resource_figure(r, data, contract, JUNE, AFTER_JUNE) for r in (VM, power)]
    assert figures[1].status is Status.BREACHED  # power allows 0.01 %: 4.32 minutes
    (pool,) = aggregate(figures, "pool", contract, JUNE, AFTER_JUNE)
    assert (pool.key, pool.target, pool.status) == ("一云", None, Status.BREACHED)


def test_evaluating_before_the_period_starts_counts_nothing(contract: Contract) -> None:
    figure = resource_figure(VM, inputs({}), contract, JUNE, datetime(2024, 5, 1, tzinfo=UTC))
    assert (figure.counted_seconds, figure.findings) == (0.0, ())
    assert figure.status is Status.NOT_STARTED


def test_a_bad_first_day_with_budget_left_is_on_track_not_at_risk(contract: Contract) -> None:
    # 10 minutes down on 1 June: 99.31 % so far, but 11.6 of 21.6 budget minutes are left.
    first_day = Counts(1440, 1430, 86_400)
    figure = resource_figure(VM, inputs({"vm-1": first_day}), contract, JUNE, local("2024-06-02"))
    assert figure.availability is not None and figure.availability < 0.9995
    assert figure.remaining_budget_seconds == pytest.approx(11.6 * 60)
    assert figure.status is Status.MET
