"""The 系统故障响应或维护及时性 indicator, reproduced from the 2022 Zhongshan evaluation."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.tickets import Ticket
from monitor.rules.status import evaluate
from monitor.scorecard.ticket_indicators import fault_response_timeliness
from tests.conftest import SHANGHAI, local


def on_time_major_fault(ticket_id: str, reported: str) -> Ticket:
    """A major fault handled well inside every limit (reported on a weekday)."""
    start = local(reported)
    return Ticket(
        ticket_id=ticket_id,
        kind="fault",
        severity="major",
        pool="二云",
        reported_at=start,
        responded_at=start + timedelta(minutes=5),
        arrived_at=start + timedelta(minutes=25),
        restored_at=start + timedelta(minutes=100),
        report_submitted_at=start + timedelta(days=1),
        closed_at=start + timedelta(days=1, hours=1),
    )


def zhongshan_2022() -> list[Ticket]:
    """Six grade-3 faults in 2022, one of them (reported 08-10 11:41) handled late."""
    on_time = [
        on_time_major_fault("2022-01", "2022-02-14 09:40"),
        on_time_major_fault("2022-02", "2022-04-06 10:20"),
        on_time_major_fault("2022-03", "2022-05-19 14:50"),
        on_time_major_fault("2022-05", "2022-09-21 08:30"),
        on_time_major_fault("2022-06", "2022-11-08 15:10"),
    ]
    # Restored after a week (user confirmed 08-17..08-19); report generated 08-29.
    late = Ticket(
        ticket_id="2022-04",
        kind="fault",
        severity="major",
        pool="二云",
        reported_at=local("2022-08-10 11:41"),
        responded_at=local("2022-08-10 11:45"),
        arrived_at=local("2022-08-10 12:05"),
        restored_at=local("2022-08-17 17:00"),
        confirmed_at=local("2022-08-19 10:00"),
        report_submitted_at=local("2022-08-29 16:00"),
        closed_at=local("2022-08-29 17:00"),
    )
    return [*on_time, late]


def test_the_2022_case_six_faults_one_late_scores_two_of_three(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    tickets = zhongshan_2022()
    at = local("2023-04-07 00:00")  # when the supervisor's annual report was written
    results = evaluate(tickets, contract, calendar, at)
    late = {(r.ticket_id, r.target_id) for r in results if r.status.is_violation}
    assert late == {("2022-04", "major.restore"), ("2022-04", "major.report")}
    score = fault_response_timeliness(tickets, results, parse_period("2022", SHANGHAI), contract)
    assert (score.points, score.max_points, score.details["fault_count"]) == (2, 3, 6)
    assert score.evidence == ("2022-04",)


def test_points_never_fall_below_the_floor(contract: Contract, calendar: BusinessCalendar) -> None:
    open_faults = [
        Ticket(
            ticket_id=f"F{i}",
            kind="fault",
            severity="major",
            reported_at=local(f"2022-03-0{i} 10:00"),
        )
        for i in range(1, 6)
    ]
    results = evaluate(open_faults, contract, calendar, local("2022-04-01 00:00"))
    score = fault_response_timeliness(
        open_faults, results, parse_period("2022-03", SHANGHAI), contract
    )
    assert (score.points, len(score.evidence)) == (0, 5)


def test_only_faults_reported_in_the_period_count(
    contract: Contract, calendar: BusinessCalendar
) -> None:
    tickets = zhongshan_2022()
    at = local("2023-04-07 00:00")
    results = evaluate(tickets, contract, calendar, at)
    july = fault_response_timeliness(tickets, results, parse_period("2022-07", SHANGHAI), contract)
    august = fault_response_timeliness(
        tickets, results, parse_period("2022-08", SHANGHAI), contract
    )
    assert (july.points, july.details["fault_count"]) == (3, 0)
    assert (august.points, august.details["fault_count"], august.evidence) == (2, 1, ("2022-04",))


def test_a_month_is_bounded_by_local_midnight() -> None:
    period = parse_period("2022-12", SHANGHAI)
    assert period.start == datetime(2022, 12, 1, tzinfo=SHANGHAI)
    assert period.end == datetime(2023, 1, 1, tzinfo=SHANGHAI)
    # 2022-11-30 16:00 UTC is already December 1st in Shanghai.
    assert period.contains(datetime(2022, 11, 30, 16, 0, tzinfo=ZoneInfo("UTC")))


@pytest.mark.parametrize("text", ["22", "2022-13", "2022-8-1", "last year", ""])
def test_a_bad_period_says_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match=r"YYYY|month"):
        parse_period(text, SHANGHAI)
