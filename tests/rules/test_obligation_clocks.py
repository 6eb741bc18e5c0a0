"""Obligation periods as clocks: due moments over holidays and make-up days, statuses, evidence."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.obligations import EvidenceRecord, ObligationClock, ObligationStatus
from monitor.domain.records import SurveyReply
from monitor.domain.resources import Resource
from monitor.rules.obligations import ObligationFacts, obligation_clocks
from tests.conftest import local
from tests.rules.obligation_contract import contract_with_obligations


@pytest.fixture(scope="module")
def terms(tmp_path_factory: pytest.TempPathFactory) -> Contract:
    return contract_with_obligations(Path(tmp_path_factory.mktemp("obligations")))


def clocks_of(
    terms: Contract,
    calendar: BusinessCalendar,
    obligation_id: str,
    at: datetime,
    evidence: tuple[EvidenceRecord, ...] = (),
    resources: tuple[Resource, ...] = (),
    levels: dict[str, int] | None = None,
    replies: tuple[SurveyReply, ...] = (),
) -> dict[tuple[str, str, str], ObligationClock]:
    facts = ObligationFacts(evidence, resources, levels or {}, replies)
    return {
        (clock.label, clock.subject, clock.pool): clock
        for clock in obligation_clocks(terms, calendar, facts, at)
        if clock.obligation_id == obligation_id
    }


def report(done_on: str, period: str | None = None) -> EvidenceRecord:
    return EvidenceRecord(
        "monthly_report", date.fromisoformat(done_on), f"月报-{done_on}", "张三", period=period
    )


def test_a_september_report_is_due_by_the_fifth_working_day_after_national_day(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    # 2023: 29 September – 6 October off; Saturday 7 and Sunday 8 October are make-up days,
    # so the 5 working days are 7, 8, 9, 10 and 11 October.
    clock = clocks_of(terms, calendar, "monthly_report", local("2023-10-01 09:00"))[
        ("2023-09", "", "")
    ]
    assert clock.due_at == local("2023-10-12 00:00")
    assert clock.at_risk_at == local("2023-10-10 00:00")  # warn_before 2d
    assert clock.status(local("2023-10-09 23:59")) is ObligationStatus.DUE
    assert clock.status(local("2023-10-10 00:00")) is ObligationStatus.AT_RISK
    assert clock.status(local("2023-10-12 00:00")) is ObligationStatus.MISSED


def test_a_report_handed_in_on_the_last_working_day_is_met_and_the_day_after_late(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    at = local("2023-10-20 09:00")
    on_time = clocks_of(terms, calendar, "monthly_report", at, (report("2023-10-11"),))
    assert on_time[("2023-09", "", "")].status(at) is ObligationStatus.MET
    late = clocks_of(terms, calendar, "monthly_report", at, (report("2023-10-12", "2023-09"),))
    assert late[("2023-09", "", "")].status(at) is ObligationStatus.LATE
    assert late[("2023-10", "", "")].status(at) is ObligationStatus.DUE  # not filled by it


def test_a_january_report_is_due_counting_the_spring_festival_make_up_sunday(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    # 2024: Sunday 4 February is a make-up working day (Spring Festival 10–17 February off):
    # the 5 working days after 31 January are 1, 2, 4, 5 and 6 February.
    clock = clocks_of(terms, calendar, "monthly_report", local("2024-02-01 09:00"))[
        ("2024-01", "", "")
    ]
    assert clock.due_at == local("2024-02-07 00:00")


def test_a_december_report_is_due_after_the_new_year_holiday(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    # 2 January 2023 (Monday) is a holiday: 3, 4, 5, 6 and 9 January.
    clock = clocks_of(terms, calendar, "monthly_report", local("2023-01-01 09:00"))[
        ("2022-12", "", "")
    ]
    assert clock.due_at == local("2023-01-10 00:00")


def test_a_report_with_no_period_fills_the_earliest_month_still_owed(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    at = local("2023-02-06 09:00")
    clocks = clocks_of(terms, calendar, "monthly_report", at, (report("2023-02-03"),))
    assert clocks[("2023-01", "", "")].status(at) is ObligationStatus.MET
    assert clocks[("2023-02", "", "")].status(at) is ObligationStatus.DUE


def test_two_drills_a_year_are_met_by_the_second_and_missed_with_one(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    drill_1 = EvidenceRecord("emergency_drill", date(2022, 5, 10), "演练记录-1", "李四")
    drill_2 = EvidenceRecord("emergency_drill", date(2022, 11, 3), "演练记录-2", "李四")
    at = local("2023-01-03 09:00")
    one = clocks_of(terms, calendar, "emergency_drill", at, (drill_1,))[("2022", "", "")]
    assert one.due_at == local("2023-01-01 00:00")
    assert one.status(at) is ObligationStatus.MISSED
    assert one.status(local("2022-12-02 00:00")) is ObligationStatus.AT_RISK  # 30 days before
    both = clocks_of(terms, calendar, "emergency_drill", at, (drill_2, drill_1))[("2022", "", "")]
    assert both.status(at) is ObligationStatus.MET
    assert both.met_at == local("2022-11-03 00:00")
    assert both.status(local("2022-11-02 12:00")) is ObligationStatus.DUE  # not yet known then


def test_a_vulnerability_notice_is_due_fourteen_days_after_its_day(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    notice = EvidenceRecord(
        "vulnerability_fix", None, subject="TB-2023-17", noticed_on=date(2023, 9, 25)
    )
    fixed = EvidenceRecord(
        "vulnerability_fix",
        date(2023, 10, 10),
        "整改报告",
        "王五",
        "TB-2023-17",
        noticed_on=date(2023, 9, 25),
    )
    at = local("2023-10-11 09:00")
    open_one = clocks_of(terms, calendar, "vulnerability_fix", at, (notice,))[
        ("TB-2023-17", "TB-2023-17", "")
    ]
    # Calendar days, the holiday included: the end of 9 October.
    assert open_one.due_at == local("2023-10-10 00:00")
    assert open_one.status(at) is ObligationStatus.MISSED
    late = clocks_of(terms, calendar, "vulnerability_fix", at, (notice, fixed))
    assert late[("TB-2023-17", "TB-2023-17", "")].status(at) is ObligationStatus.LATE
    assert (
        clocks_of(terms, calendar, "vulnerability_fix", local("2023-09-24 09:00"), (notice,)) == {}
    )


def test_a_protection_test_is_owed_for_each_level_three_system_of_the_inventory(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    resources = (
        Resource("VM-1", "vm", "一云", "人社局", "社保系统"),
        Resource("VM-2", "vm", "一云", "人社局", "社保系统"),
        Resource("VM-3", "vm", "二云", "教育局", "招生系统"),
    )
    levels = {"社保系统": 3, "招生系统": 2}
    test = EvidenceRecord("protection_test", date(2023, 6, 1), "测评报告", "测评机构", "社保系统")
    at = local("2023-07-01 09:00")
    clocks = clocks_of(terms, calendar, "protection_test", at, (test,), resources, levels)
    # Owed from 1 January of the year before: 2022 and 2023, for the level-3 system alone.
    assert set(clocks) == {("2022", "社保系统", "一云"), ("2023", "社保系统", "一云")}
    assert clocks[("2023", "社保系统", "一云")].status(at) is ObligationStatus.MET


def test_weekly_inspections_are_owed_per_pool_by_iso_week(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    done = EvidenceRecord("weekly_inspection", date(2023, 1, 4), "巡检周报", "赵六", pool="一云")
    at = local("2023-01-09 09:00")
    clocks = clocks_of(terms, calendar, "weekly_inspection", at, (done,))
    assert clocks[("2023-W01", "", "一云")].start == date(2023, 1, 2)
    assert clocks[("2023-W01", "", "一云")].status(at) is ObligationStatus.MET
    assert clocks[("2023-W01", "", "二云")].status(at) is ObligationStatus.MISSED
    assert clocks[("2023-W02", "", "二云")].status(at) is ObligationStatus.DUE


def test_a_quarterly_survey_needs_replies_from_a_third_of_the_units_served(
    terms: Contract, calendar: BusinessCalendar
) -> None:
    units = ("人社局", "教育局", "卫健委", "公安局", "民政局", "财政局", "水利局")
    resources = tuple(Resource(f"VM-{n}", "vm", "一云", unit) for n, unit in enumerate(units))
    replies = tuple(
        SurveyReply(unit, local(f"2023-03-{10 + n} 10:00"), "very_satisfied")
        for n, unit in enumerate(units[:3])
    )
    at = local("2023-04-02 09:00")
    two = clocks_of(terms, calendar, "satisfaction_survey", at, (), resources, None, replies[:2])
    assert two[("2023-Q1", "", "")].required == 3  # a third of 7, rounded up
    assert two[("2023-Q1", "", "")].status(at) is ObligationStatus.MISSED
    three = clocks_of(terms, calendar, "satisfaction_survey", at, (), resources, None, replies)
    assert three[("2023-Q1", "", "")].status(at) is ObligationStatus.MET
    assert three[("2023-Q1", "", "")].met_at == local("2023-03-12 10:00")
