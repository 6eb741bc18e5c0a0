"""巡检 rules: abnormal findings need a resolution time and record within 24 h, every day needs
an inspection, and a named ticket must exist. Times are Shanghai wall times."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from monitor.contract.model import DEFAULT_CONTRACT_PATH, Contract, ContractError, load_contract
from monitor.contract.scorecard import InspectionRules
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.records import InspectionRecord, InspectionResult
from monitor.measures.inspections import (
    FindingState,
    check_findings,
    day_ranges,
    missed_days,
    resolution_limit,
    unknown_ticket_refs,
)
from tests.conftest import SHANGHAI, local

NOW = local("2022-08-05 09:00")


def finding(key: str, inspected: str, **fields: object) -> InspectionRecord:
    values: dict[str, object] = {"item": "存储阵列", "result": InspectionResult.ABNORMAL, **fields}
    return InspectionRecord(key, local(inspected), **values)  # type: ignore[arg-type]


def test_the_default_resolution_limit_is_the_24_hour_anomaly_feedback(contract: Contract) -> None:
    assert resolution_limit(contract) == timedelta(hours=24)


def test_an_abnormal_finding_without_resolution_is_unclosed_with_its_age(
    contract: Contract,
) -> None:
    [check] = check_findings([finding("XJ-1", "2022-08-03 09:00")], contract, NOW)
    assert check.state is FindingState.OVERDUE and check.state.is_unclosed
    assert check.age_seconds == 48 * 3600
    assert check.deadline == local("2022-08-04 09:00")


def test_a_young_unresolved_finding_is_open_but_not_yet_overdue(contract: Contract) -> None:
    [check] = check_findings([finding("XJ-1", "2022-08-04 10:00")], contract, NOW)
    assert (check.state, check.age_seconds) == (FindingState.OPEN, 23 * 3600)


def test_a_resolution_time_without_a_resolution_record_keeps_the_finding_unclosed(
    contract: Contract,
) -> None:
    record = finding("XJ-1", "2022-08-03 09:00", resolved_at=local("2022-08-03 12:00"))
    [check] = check_findings([record], contract, NOW)
    assert check.state is FindingState.OVERDUE
    assert check.missing == ("resolution_record",)


def test_resolved_with_a_record_inside_24_hours_is_closed(contract: Contract) -> None:
    record = finding(
        "XJ-1",
        "2022-08-03 09:00",
        resolved_at=local("2022-08-04 09:00"),
        resolution_record="已更换",
    )
    [check] = check_findings([record], contract, NOW)
    assert (check.state, check.age_seconds) == (FindingState.CLOSED, 24 * 3600)


def test_resolved_one_second_after_24_hours_is_closed_late(contract: Contract) -> None:
    record = finding(
        "XJ-1",
        "2022-08-03 09:00",
        resolved_at=local("2022-08-04 09:00:01"),
        resolution_record="已更换",
    )
    [check] = check_findings([record], contract, NOW)
    assert check.state is FindingState.CLOSED_LATE


def test_a_resolution_stamped_after_now_has_not_happened_yet(contract: Contract) -> None:
    record = finding(
        "XJ-1", "2022-08-03 09:00", resolved_at=local("2022-08-06 09:00"), resolution_record="ok"
    )
    [check] = check_findings([record], contract, NOW)
    assert check.state is FindingState.OVERDUE


def test_normal_results_and_later_inspections_are_not_findings(contract: Contract) -> None:
    normal = finding("XJ-1", "2022-08-03 09:00", result=InspectionResult.NORMAL)
    future = finding("XJ-2", "2022-08-06 09:00")
    assert check_findings([normal, future], contract, NOW) == []


def test_unclosed_findings_come_first_oldest_first(contract: Contract) -> None:
    records = [
        finding("closed", "2022-08-01 09:00", resolved_at=local("2022-08-01 10:00"),
                resolution_record="ok"),
        finding("young", "2022-08-04 20:00"),
        finding("old", "2022-08-02 09:00"),
    ]  # fmt: skip
    assert [c.record.record_key for c in check_findings(records, contract, NOW)] == [
        "old",
        "young",
        "closed",
    ]


def test_a_configured_limit_and_evidence_requirement_apply(contract: Contract) -> None:
    rules = InspectionRules(resolution_limit="4h", required_evidence=("evidence_ref",))  # type: ignore[arg-type]
    contract = contract.model_copy(update={"inspections": rules})
    record = finding(
        "XJ-1", "2022-08-03 09:00", resolved_at=local("2022-08-03 12:00"), resolution_record="ok"
    )
    [check] = check_findings([record], contract, NOW)
    assert (check.state, check.missing) == (FindingState.OVERDUE, ("evidence_ref",))


def test_an_unknown_resolution_target_is_refused_when_no_limit_is_set(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8"))
    raw["inspections"] = {"resolution_target": "no.such"}
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContractError, match=r"inspections\.resolution_target"):
        load_contract(path)


def test_every_day_without_an_inspection_is_missed() -> None:
    records = [
        finding("a", "2022-08-01 09:00", result=InspectionResult.NORMAL),
        finding("b", "2022-08-03 23:59", result=InspectionResult.NORMAL),
    ]
    missed = missed_days(records, date(2022, 8, 1), date(2022, 8, 5), (), lambda _d: True, SHANGHAI)
    assert [(m.day, m.pool) for m in missed] == [(date(2022, 8, 2), None), (date(2022, 8, 4), None)]


def test_with_pools_listed_each_pool_needs_its_own_inspection() -> None:
    records = [finding("a", "2022-08-01 09:00", pool="一云")]
    missed = missed_days(
        records, date(2022, 8, 1), date(2022, 8, 2), ("一云", "二云"), lambda _d: True, SHANGHAI
    )
    assert [(m.day, m.pool) for m in missed] == [(date(2022, 8, 1), "二云")]


def test_a_working_day_schedule_skips_weekends_and_holidays(calendar: BusinessCalendar) -> None:
    # 2022-10-01..07 National Day; 10-08 and 10-09 (Sat, Sun) were make-up working days.
    missed = missed_days(
        [], date(2022, 9, 30), date(2022, 10, 11), (), calendar.is_working_day, SHANGHAI
    )
    assert [m.day.isoformat() for m in missed] == [
        "2022-09-30", "2022-10-08", "2022-10-09", "2022-10-10",
    ]  # fmt: skip


def test_missed_days_fold_into_runs() -> None:
    days = [date(2022, 1, 1), date(2022, 1, 2), date(2022, 1, 3), date(2022, 1, 5)]
    assert day_ranges(days) == [
        (date(2022, 1, 1), date(2022, 1, 3)),
        (date(2022, 1, 5), date(2022, 1, 5)),
    ]


def test_a_finding_naming_a_ticket_nobody_has_is_reported() -> None:
    records = [
        finding("a", "2022-08-01 09:00", ticket_id="GZ-2022-0102"),
        finding("b", "2022-08-01 10:00", ticket_id="NO-SUCH-1"),
        finding("c", "2022-08-01 11:00"),
    ]
    assert [r.record_key for r in unknown_ticket_refs(records, {"GZ-2022-0102"})] == ["b"]


def test_a_contract_without_an_inspections_section_still_loads(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8"))
    for key in ("inspections", "scorecard"):
        raw.pop(key, None)
    for key in ("satisfaction", "sla_assessment"):
        raw.get("scoring", {}).pop(key, None)
    path = tmp_path / "old.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    loaded = load_contract(path)
    assert loaded.inspections.schedule == "daily"
    assert loaded.scoring.satisfaction.max_points == 6
