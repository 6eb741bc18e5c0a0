"""A working-day deadline that needs a year no calendar source knows is calendar_unknown.

chinese-calendar knows 2004–2026; the default contract declares no later year. A fault restored
on Wed 2026-12-30 has its 3-working-day report deadline in 2027: that one result has no verdict
(no deadline, not a violation, not met), every other result is decided as usual, and both
paths (monitor.rules.status and the columns) say so alike.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from monitor.contract.model import CalendarConfig, CalendarYear, Contract, load_contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import (
    STOP_BEFORE_START,
    Pause,
    SeverityChange,
    Status,
    TargetResult,
    Ticket,
    calendar_unknown_reason,
)
from monitor.rules.all_tickets import evaluate_batch
from monitor.rules.status import evaluate
from tests.conftest import local

REPORTED = local("2026-12-30 09:00")  # a Wednesday
RESTORED = local("2026-12-30 10:30")
NOW = local("2027-01-08 12:00")
# 2027 as an invented notice lists it (17 weekdays off, four make-up working days).
EVERY_OPTION = Path(__file__).resolve().parents[1] / "data/contracts/every_option.yaml"
WHOLE_2027 = load_contract(EVERY_OPTION).calendar.years[2027]


def with_years(contract: Contract, years: dict[int, CalendarYear]) -> Contract:
    return contract.model_copy(update={"calendar": CalendarConfig(years=years)})


def both(
    tickets: list[Ticket], contract: Contract, calendar: BusinessCalendar, now: datetime = NOW
) -> list[TargetResult]:
    scalar = evaluate(tickets, contract, calendar, now)
    assert evaluate_batch(tickets, contract, calendar, now) == scalar
    return scalar


def one(results: list[TargetResult], ticket_id: str, target_id: str) -> TargetResult:
    (found,) = [r for r in results if (r.ticket_id, r.target_id) == (ticket_id, target_id)]
    return found


def faults() -> list[Ticket]:
    return [
        Ticket(
            "NEW-1",
            "fault",
            REPORTED,
            "major",
            arrived_at=REPORTED + timedelta(minutes=20),
            restored_at=RESTORED,
        ),
        Ticket(
            "OLD-1",
            "fault",
            local("2026-06-01 09:00"),
            "major",
            arrived_at=local("2026-06-01 09:20"),
            restored_at=local("2026-06-01 10:00"),
            report_submitted_at=local("2026-06-03 10:00"),
        ),
    ]


def test_only_the_deadline_that_needs_2027_is_calendar_unknown(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    results = both(faults(), contract, calendar)
    report = one(results, "NEW-1", "major.report")
    assert report.status is Status.CALENDAR_UNKNOWN
    assert (report.start, report.deadline, report.overdue_seconds) == (RESTORED, None, None)
    assert report.at_risk_from is None
    assert not report.status.is_violation
    assert report.status.label_zh == "日历未知"
    year = calendar.first_unknown_day_after(RESTORED.astimezone(contract.zone).date()).year
    assert calendar_unknown_reason(year) == "需要 2027 年的工作日历 (calendar for 2027 unknown)"
    # Every other result has its verdict.
    assert one(results, "NEW-1", "major.arrival").status is Status.MET
    assert one(results, "NEW-1", "major.restore").status is Status.MET
    assert [r.status for r in results if r.ticket_id == "OLD-1"] == [Status.MET] * 3


def test_declaring_2027_whole_turns_it_into_a_verdict(contract: Contract) -> None:
    declared = with_years(contract, {2027: WHOLE_2027})
    calendar = BusinessCalendar.from_config(declared.calendar)
    report = one(both(faults(), declared, calendar), "NEW-1", "major.report")
    # Wed 12-30 → Thu 12-31, 01-01 is 元旦, Mon 01-04, Tue 01-05 → 24:00 of 01-05.
    assert report.deadline == local("2027-01-06 00:00")
    assert report.status is Status.BREACHED  # still not submitted on 01-08


def test_a_partial_year_decides_what_it_covers_and_no_further(contract: Contract) -> None:
    # Known through 2027-02-20 (its last listed day): 元旦 and 春节 of the notice only.
    early = CalendarYear(
        holidays=WHOLE_2027.holidays[:6], workdays=WHOLE_2027.workdays[:2], partial=True
    )
    declared = with_years(contract, {2027: early})
    calendar = BusinessCalendar.from_config(declared.calendar)
    late = Ticket(
        "LATE-1",
        "fault",
        local("2027-02-19 09:00"),
        "major",
        restored_at=local("2027-02-19 10:00"),  # Fri: Sat 02-20 (调休) counts, then unknown
    )
    results = both([*faults(), late], declared, calendar, local("2027-02-22 12:00"))
    assert one(results, "NEW-1", "major.report").deadline == local("2027-01-06 00:00")
    assert one(results, "LATE-1", "major.report").status is Status.CALENDAR_UNKNOWN


@pytest.mark.parametrize(
    ("stop", "closed", "expected"),
    [
        # A stop before its start is a data error whatever the deadline.
        (RESTORED - timedelta(hours=1), None, Status.MISSING_EVIDENCE),
        # Closed without the report: whether it was due yet is not known either.
        (None, local("2027-01-02 10:00"), Status.CALENDAR_UNKNOWN),
        # Submitted: on time or not depends on the days of 2027.
        (local("2027-01-05 10:00"), None, Status.CALENDAR_UNKNOWN),
    ],
)
def test_only_a_data_error_outranks_an_unknown_calendar(
    contract: Contract,
    calendar: BusinessCalendar,
    stop: object,
    closed: object,
    expected: Status,
) -> None:
    ticket = Ticket(
        "NEW-2",
        "fault",
        REPORTED,
        "major",
        restored_at=RESTORED,
        report_submitted_at=stop,  # type: ignore[arg-type]
        closed_at=closed,  # type: ignore[arg-type]
    )
    report = one(both([ticket], contract, calendar), "NEW-2", "major.report")
    assert report.status is expected
    assert report.deadline is None
    if expected is Status.MISSING_EVIDENCE:
        assert report.explanation_zh == STOP_BEFORE_START


def test_a_ticket_with_a_pause_is_calendar_unknown_too(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    paused = Ticket(
        "NEW-3",
        "fault",
        local("2026-12-21 09:00"),
        "major",
        restored_at=local("2026-12-21 10:00"),  # Mon: due by 24:00 Thu 12-24 without the pause
        pauses=(Pause(local("2026-12-22 09:00"), local("2026-12-31 09:00"), "awaiting_user"),),
    )
    report = one(evaluate([paused], contract, calendar, NOW), "NEW-3", "major.report")
    # The paused working days push the deadline into 2027.
    assert report.status is Status.CALENDAR_UNKNOWN
    assert report.deadline is None


def test_a_target_whose_severity_ended_keeps_an_unknown_verdict(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    # Downgraded to 一般 the day after its restoration: whether the major report was late by
    # then depends on 2027's days, so the target stays, without a verdict.
    downgraded = Ticket(
        "NEW-4",
        "fault",
        REPORTED,
        "general",
        restored_at=RESTORED,
        severity_changes=(
            SeverityChange(REPORTED, "major"),
            SeverityChange(local("2026-12-31 10:00"), "general"),
        ),
    )
    report = one(evaluate([downgraded], contract, calendar, NOW), "NEW-4", "major.report")
    assert report.status is Status.CALENDAR_UNKNOWN
