"""项目资源可用率, 项目正常运行率 and 项目备份服务, scored from class availability figures."""

from __future__ import annotations

import pytest

from monitor.contract.model import Contract
from monitor.domain.tickets import Status, TargetResult
from monitor.measures.availability import AvailabilityFigure
from monitor.scorecard.metric_indicators import all_met, resource_availability

YEAR = 31_536_000.0  # 2022 in seconds


def klass(name: str, percent: float | None, status: Status, target: float) -> AvailabilityFigure:
    observed = 0.0 if percent is None else YEAR
    up = 0.0 if percent is None else YEAR * percent / 100
    evidence = "none" if percent is None else "samples"
    return AvailabilityFigure(
        "class", name, name, None, target, evidence, YEAR, YEAR, observed, up, status=status
    )


def compute(vm: float | None, physical: float | None) -> dict[str, AvailabilityFigure]:
    out = {}
    for name, value in (("vm", vm), ("physical", physical)):
        if value is None:
            out[name] = klass(name, None, Status.MISSING_EVIDENCE, 99.95)
        else:
            status = Status.MET if value >= 99.95 else Status.BREACHED
            out[name] = klass(name, value, status, 99.95)
    return out


@pytest.mark.parametrize(
    ("vm", "physical", "points"),
    [
        (99.99, 99.95, 1),  # both at target: full marks
        (99.20, 99.99, 0.5),  # 0.75 points below: one started point, minus 0.5
        (98.95, 99.99, 0.5),  # exactly one point below
        (98.90, 99.99, 0),  # 1.05 below: two started points, floored at 0
    ],
)
def test_resource_availability_loses_half_a_point_per_started_point_below_99_95(
    contract: Contract, vm: float, physical: float, points: float
) -> None:
    score = resource_availability(compute(vm, physical), contract)
    assert (score.points, score.max_points) == (points, 1)
    assert score.measured == pytest.approx(min(vm, physical))


def test_resource_availability_without_evidence_says_so_and_fails(contract: Contract) -> None:
    score = resource_availability(compute(99.99, None), contract)
    assert score.points == 0
    assert score.details["no_data"] is True
    # Told in the report's Chinese, by the class's contract name.
    assert score.details["reason"] == "物理机没有或缺少可用率佐证数据"


def test_normal_operation_needs_network_and_power_both_met(contract: Contract) -> None:
    rule = contract.scoring.normal_operation
    met = {
        "network": klass("network", 99.95, Status.MET, 99.9),
        "power": klass("power", 99.995, Status.MET, 99.99),
    }
    assert all_met("normal_operation", rule, met, [], contract).points == 1
    power_short = {**met, "power": klass("power", 99.98, Status.BREACHED, 99.99)}
    score = all_met("normal_operation", rule, power_short, [], contract)
    assert (score.points, score.evidence) == (0, ("power",))


def test_normal_operation_without_power_data_scores_0_and_says_why(contract: Contract) -> None:
    rule = contract.scoring.normal_operation
    only_network = {"network": klass("network", 99.95, Status.MET, 99.9)}
    score = all_met("normal_operation", rule, only_network, [], contract)
    assert score.points == 0
    assert score.details["no_data"] is True
    assert score.details["reason"] == "没有电力类资源"


def test_backup_service_is_lost_by_one_late_restore_request(contract: Contract) -> None:
    rule = contract.scoring.backup_service
    backup = {"backup": klass("backup", 99.99, Status.MET, 99.95)}
    assert all_met("backup_service", rule, backup, [], contract).points == 2
    late = TargetResult(
        "file", "HF-2022-0014", "restore.response", Status.BREACHED, None, None, None, 600
    )
    score = all_met("backup_service", rule, backup, [late], contract)
    assert (score.points, score.evidence) == (0, ("HF-2022-0014",))
