"""Targets on a business-hours schedule (工作时间): deadlines, at-risk moments and pauses in
schedule time, 调休 days, a deadline in an unknown year, and the contract refusing a schedule
clock it cannot run. Both paths (the reference and the columns) are compared on every case."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from monitor.contract.model import DEFAULT_CONTRACT_PATH, Contract, ContractError, load_contract
from monitor.contract.yaml_file import KeyProblem
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.tickets import Pause, Status, TargetResult, Ticket
from monitor.rules.all_tickets import evaluate_batch
from monitor.rules.status import evaluate
from tests.conftest import local

SCHEDULES = {
    "工作时间": {"days": "working_days", "hours": ["08:30-12:00", "13:30-17:30"]},
    "全天": {"days": "every_day", "hours": ["00:00-24:00"]},
}


def target(target_id: str, limit: str | dict[str, int], **extra: Any) -> dict[str, Any]:
    return {
        "id": target_id,
        "name_zh": target_id,
        "name_en": target_id,
        "kind": "request",
        "start": "reported_at",
        "stop": "responded_at",
        "limit": limit,
        "clock": {"schedule": "工作时间"},
        **extra,
    }


def raw_contract(*targets: dict[str, Any]) -> dict[str, Any]:
    raw: dict[str, Any] = yaml.safe_load(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8"))
    raw["schedules"] = SCHEDULES
    raw["targets"] = [*raw["targets"], *targets]  # after the default contract's own
    return raw


DEFAULT_TARGETS = len(load_contract().targets)


CONTRACT = Contract.model_validate(
    raw_contract(
        target("request.respond", "4h", pause_reasons=["awaiting_user"]),
        target("request.fraction", "4h", at_risk_fraction=0.25, pause_reasons=[]),
        target("request.warn", "4h", warn_before="30m"),
    )
)
CALENDAR = BusinessCalendar.from_config(CONTRACT.calendar)

MONDAY_17 = local("2024-06-03 17:00")  # a Monday, half an hour before closing


def both(tickets: list[Ticket], now: datetime) -> dict[tuple[str, str], TargetResult]:
    scalar = evaluate(tickets, CONTRACT, CALENDAR, now)
    assert evaluate_batch(tickets, CONTRACT, CALENDAR, now) == scalar
    return {(result.ticket_id, result.target_id): result for result in scalar}


def request(reported: datetime, **events: Any) -> Ticket:
    return Ticket("R-1", "request", reported, "general", **events)


def test_a_limit_running_out_at_the_lunch_break_is_due_at_the_next_opening() -> None:
    # Mon 17:00–17:30 and Tue 08:30–12:00 make 4 h at 12:00, a closing: due at 13:30.
    results = both([request(MONDAY_17)], local("2024-06-04 09:00"))
    found = results[("R-1", "request.respond")]
    assert (found.status, found.deadline) == (Status.PENDING, local("2024-06-04 13:30"))


def test_a_stop_in_the_lunch_break_after_the_limit_is_met() -> None:
    ticket = request(MONDAY_17, responded_at=local("2024-06-04 12:45"))
    found = both([ticket], local("2024-06-04 18:00"))[("R-1", "request.respond")]
    assert (found.status, found.overdue_seconds) == (Status.MET, 0)


def test_overdue_seconds_are_wall_time_past_the_deadline() -> None:
    ticket = request(MONDAY_17, responded_at=local("2024-06-04 14:00:01"))
    found = both([ticket], local("2024-06-04 18:00"))[("R-1", "request.respond")]
    assert (found.status, found.overdue_seconds) == (Status.BREACHED, 30 * 60 + 1)
    running = both([request(MONDAY_17)], local("2024-06-04 18:00"))[("R-1", "request.respond")]
    assert (running.status, running.overdue_seconds) == (Status.BREACHED, 4 * 3600 + 30 * 60)


def test_the_at_risk_moments_are_schedule_time_back_from_the_deadline() -> None:
    # A quarter of 4 h is 1 h of open time before 13:30: 11:00 (the break does not count);
    # warn_before 30m: 11:30.
    results = both([request(MONDAY_17)], local("2024-06-04 11:15"))
    fraction = results[("R-1", "request.fraction")]
    warn = results[("R-1", "request.warn")]
    assert (fraction.status, fraction.at_risk_from) == (Status.AT_RISK, local("2024-06-04 11:00"))
    assert (warn.status, warn.at_risk_from) == (Status.PENDING, local("2024-06-04 11:30"))


def test_a_pause_moves_the_deadline_by_the_open_time_it_covers() -> None:
    # Waiting Tue 08:00–09:30 covers 1 h of open time: due 14:30 instead of 13:30.
    ticket = request(
        MONDAY_17,
        pauses=(Pause(local("2024-06-04 08:00"), local("2024-06-04 09:30"), "awaiting_user"),),
    )
    results = both([ticket], local("2024-06-04 12:00"))
    assert results[("R-1", "request.respond")].deadline == local("2024-06-04 14:30")
    # The at-risk moment is the same schedule time before the moved deadline: 30 min before.
    assert results[("R-1", "request.warn")].at_risk_from == local("2024-06-04 14:00")
    # A target whose clock never waits keeps its deadline.
    assert results[("R-1", "request.fraction")].deadline == local("2024-06-04 13:30")


def test_a_ticket_reported_on_a_make_up_sunday_counts_from_its_opening() -> None:
    # 2024-09-29 is a Sunday and a 调休 working day: 08:30 + 4 h of open time → 14:00.
    ticket = request(local("2024-09-29 07:00"))
    found = both([ticket], local("2024-09-29 09:00"))[("R-1", "request.respond")]
    assert found.deadline == local("2024-09-29 14:00")


def test_a_deadline_in_a_year_no_calendar_knows_is_calendar_unknown() -> None:
    # Thu 2026-12-31 17:00: the half hour left that day, then the rest in 2027, unknown.
    found = both([request(local("2026-12-31 17:00"))], local("2026-12-31 17:10"))
    result = found[("R-1", "request.respond")]
    assert (result.status, result.deadline, result.at_risk_from) == (
        Status.CALENDAR_UNKNOWN,
        None,
        None,
    )


def test_an_every_day_schedule_counts_weekends_too() -> None:
    contract = Contract.model_validate(
        raw_contract(target("request.day", "4h", clock={"schedule": "全天"}))
    )
    ticket = request(local("2024-06-08 22:00"))  # a Saturday
    (result,) = [
        r
        for r in evaluate([ticket], contract, CALENDAR, local("2024-06-08 23:00"))
        if r.target_id == "request.day"
    ]
    assert result.deadline == local("2024-06-09 02:00")


def write(tmp_path: Path, raw: dict[str, Any]) -> Path:
    path = tmp_path / "contract.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_an_unknown_schedule_is_refused_at_its_key_with_the_known_names(tmp_path: Path) -> None:
    path = write(tmp_path, raw_contract(target("request.x", "4h", clock={"schedule": "工做时间"})))
    with pytest.raises(ContractError) as raised:
        load_contract(path)
    assert str(raised.value).startswith(f"{path}: the contract is not valid")
    assert raised.value.problems == (
        KeyProblem(
            f"targets[{DEFAULT_TARGETS}](request.x).clock.schedule",
            "'工做时间' is not a schedule of this contract; schedules: 工作时间, 全天",
            "未定义的工作时间 '工做时间'，已定义：工作时间, 全天",
        ),
    )


def test_a_schedule_clock_with_a_working_day_limit_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, raw_contract(target("request.x", {"working_days": 2})))
    with pytest.raises(ContractError) as raised:
        load_contract(path)
    (problem,) = raised.value.problems
    assert problem.where == f"targets[{DEFAULT_TARGETS}](request.x)"
    assert "not working_days" in problem.expected


def test_the_plain_clock_names_still_load(tmp_path: Path) -> None:
    plain = target("request.x", "4h", clock="elapsed")
    days = target("request.y", {"working_days": 2}, clock="working_days")
    contract = load_contract(write(tmp_path, raw_contract(plain, days)))
    assert [t.schedule for t in contract.targets[DEFAULT_TARGETS:]] == [None, None]
