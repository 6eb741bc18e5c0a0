"""Waiver requests and appeals with four eyes: an operator (its own pools only) or a
supervisor asks, with a reason and evidence; a supervisor other than the requester decides,
with a comment; only approved waivers and overturned appeals stop a violation counting; each
step is in the audit log; the rules hold in storage whoever calls."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, update

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.runs.evaluate import score_period
from monitor.storage.audit import recent_entries
from monitor.storage.tables import TargetResultRow
from monitor.storage.waiver_requests import (
    appeal,
    decide,
    latest_requests,
    pending_requests,
    request_waiver,
    requests_of,
)
from monitor.storage.waivers import WaiverError, active_waiver_keys, active_waivers
from monitor.views.incident import find_ticket, incident_detail
from monitor.views.violations import ViolationQuery, list_violations
from tests.conftest import SHANGHAI, local
from tests.dashboard.seed import AT, fill

ZHANG = Viewer("监理张工", Role.SUPERVISOR)
LI = Viewer("监理李工", Role.SUPERVISOR)
OPERATOR_2 = Viewer("二云运营", Role.OPERATOR, pools=("二云",))
OPERATOR_1 = Viewer("一云运营", Role.OPERATOR, pools=("一云",))
ASKED = local("2022-12-20 13:00")
DECIDED = local("2022-12-20 15:00")
# GZ-2022-0171 (二云) is open past its 4 h: December's only late fault.
LATE = ("GZ-2022-0171", "significant.restore")
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]


@pytest.fixture
def filled(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> Engine:
    fill(engine, contract, calendar)
    return engine


def pk_of(engine: Engine, ticket_id: str) -> int:
    pk = find_ticket(engine, ZHANG, ticket_id)
    assert pk is not None
    return pk


def december_timeliness(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> float:
    scores = score_period(
        engine, ContractSet.single(contract, calendar), parse_period("2022-12", SHANGHAI), AT
    )
    (fault,) = [s for s in scores if s.id == "fault_response_timeliness"]
    return fault.points


def ask(engine: Engine, viewer: Viewer = OPERATOR_2, target: tuple[str, str] = LATE) -> int:
    return request_waiver(
        engine,
        viewer,
        pk_of(engine, target[0]),
        target[1],
        reason="区域性停电（不可抗力）",
        evidence_ref="供电局停电通知〔2022〕88号",
        now=ASKED,
    )


def waived_list(engine: Engine) -> list[str]:
    rows = list_violations(engine, ZHANG, ViolationQuery(waived="waived"), AT).rows
    return [row.ticket_id for row in rows]


def test_a_request_counts_only_once_another_supervisor_approves_it(
    filled: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    assert december_timeliness(filled, contract, calendar) == 2  # 3 − 1 late
    request = ask(filled)
    # Pending: nothing changes in the score, the lists or the waivers in force.
    assert december_timeliness(filled, contract, calendar) == 2
    assert active_waiver_keys(filled) == set() and waived_list(filled) == []
    assert [r.id for r in pending_requests(filled, ZHANG)] == [request]

    waiver = decide(filled, LI, request, decision="approved", comment="停电通知属实", now=DECIDED)
    assert waiver is not None
    assert december_timeliness(filled, contract, calendar) == 3
    assert waived_list(filled) == ["GZ-2022-0171"]
    (in_force,) = active_waivers(filled).values()
    # The waiver carries the request's reason and evidence; its waived_by is the approver.
    assert (in_force.reason, in_force.attachment_ref, in_force.waived_by) == (
        "区域性停电（不可抗力）",
        "供电局停电通知〔2022〕88号",
        "监理李工",
    )
    assert pending_requests(filled, ZHANG) == []


def test_the_requester_can_never_decide_its_own_request(filled: Engine) -> None:
    request = ask(filled, ZHANG)
    for decision in ("approved", "rejected"):
        with pytest.raises(WaiverError, match="another supervisor must decide it") as refused:
            decide(filled, ZHANG, request, decision=decision, comment="同意", now=DECIDED)
        assert refused.value.code == "own_request"
    assert [r.state for r in pending_requests(filled, ZHANG)] == ["pending"]
    assert decide(filled, LI, request, decision="approved", comment="同意", now=DECIDED)


@pytest.mark.parametrize(
    "viewer",
    [OPERATOR_2, Viewer("业主", Role.OWNER), Viewer("人社局", Role.USER_UNIT, units=("市人社局",))],
    ids=["operator", "owner", "user_unit"],
)
def test_only_a_supervisor_decides(filled: Engine, viewer: Viewer) -> None:
    request = ask(filled, ZHANG)
    with pytest.raises(WaiverError, match="only the supervision unit") as refused:
        decide(filled, viewer, request, decision="approved", comment="同意", now=DECIDED)
    assert refused.value.code == "role_decide"
    assert active_waiver_keys(filled) == set()


def test_an_operator_asks_only_for_its_own_pools(filled: Engine) -> None:
    pk = pk_of(filled, LATE[0])
    for ask_for in (request_waiver, appeal):
        with pytest.raises(WaiverError, match="no stored result") as refused:
            ask_for(filled, OPERATOR_1, pk, LATE[1], reason="x", evidence_ref="y", now=ASKED)
        assert refused.value.code == "no_result"  # another pool's ticket: as if absent
    assert pending_requests(filled, ZHANG) == []
    assert pending_requests(filled, OPERATOR_1) == []  # nor sees other pools' requests
    ask(filled, OPERATOR_2)
    assert len(pending_requests(filled, OPERATOR_2)) == 1
    assert pending_requests(filled, OPERATOR_1) == []


@pytest.mark.parametrize(
    "viewer",
    [Viewer("业主", Role.OWNER), Viewer("人社局", Role.USER_UNIT, units=("市人社局",))],
    ids=["owner", "user_unit"],
)
def test_owners_and_user_units_neither_request_nor_appeal(filled: Engine, viewer: Viewer) -> None:
    pk = pk_of(filled, LATE[0])
    with pytest.raises(WaiverError, match="request a waiver"):
        request_waiver(filled, viewer, pk, LATE[1], reason="x", evidence_ref="y", now=ASKED)
    with pytest.raises(WaiverError, match="only an operator can appeal"):
        appeal(filled, viewer, pk, LATE[1], reason="x", evidence_ref="y", now=ASKED)


def test_a_supervisor_requests_waivers_but_does_not_appeal(filled: Engine) -> None:
    pk = pk_of(filled, LATE[0])
    with pytest.raises(WaiverError, match="only an operator can appeal"):
        appeal(filled, ZHANG, pk, LATE[1], reason="x", evidence_ref="y", now=ASKED)


def test_a_request_needs_a_violation_a_reason_and_evidence(filled: Engine) -> None:
    pk = pk_of(filled, "GZ-2022-0102")
    with pytest.raises(WaiverError, match="is met, not a violation"):
        request_waiver(filled, ZHANG, pk, "major.arrival", reason="x", evidence_ref="y", now=ASKED)
    with pytest.raises(WaiverError, match="reason is required"):
        request_waiver(filled, ZHANG, pk, "major.restore", reason=" ", evidence_ref="y", now=ASKED)
    with pytest.raises(WaiverError, match="evidence reference is required"):
        request_waiver(filled, ZHANG, pk, "major.restore", reason="x", evidence_ref="", now=ASKED)
    request = ask(filled, ZHANG, ("GZ-2022-0102", "major.restore"))
    with pytest.raises(WaiverError, match="comment is required"):
        decide(filled, LI, request, decision="approved", comment="  ", now=DECIDED)
    with pytest.raises(WaiverError, match="not a decision"):
        decide(filled, LI, request, decision="overturned", comment="x", now=DECIDED)


def test_a_rejected_request_changes_nothing_and_may_be_asked_again(
    filled: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    request = ask(filled)
    assert decide(filled, LI, request, decision="rejected", comment="证据不足", now=DECIDED) is None
    assert december_timeliness(filled, contract, calendar) == 2
    assert active_waiver_keys(filled) == set()
    with pytest.raises(WaiverError, match="already decided"):
        decide(filled, ZHANG, request, decision="approved", comment="改判", now=DECIDED)
    again = ask(filled)
    assert again != request


def test_one_open_question_per_violation(filled: Engine) -> None:
    request = ask(filled)
    with pytest.raises(WaiverError, match="awaiting a decision"):
        ask(filled, ZHANG)
    with pytest.raises(WaiverError, match="awaiting a decision"):
        appeal(filled, OPERATOR_2, pk_of(filled, LATE[0]), LATE[1], reason="计时有误",
               evidence_ref="工单截图", now=ASKED)  # fmt: skip
    decide(filled, LI, request, decision="approved", comment="同意", now=DECIDED)
    with pytest.raises(WaiverError, match="already waived"):
        ask(filled)


def test_an_overturned_appeal_is_a_waiver_whose_reason_is_the_ruling(
    filled: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    pk = pk_of(filled, LATE[0])
    made = appeal(filled, OPERATOR_2, pk, LATE[1], reason="用户确认时间录入有误，实际已恢复",
                  evidence_ref="用户确认单 Q-0171", now=ASKED)  # fmt: skip
    waiver = decide(filled, ZHANG, made, decision="overturned", comment="确认单属实", now=DECIDED)
    assert waiver is not None
    assert december_timeliness(filled, contract, calendar) == 3
    (in_force,) = active_waivers(filled).values()
    assert (in_force.reason, in_force.attachment_ref, in_force.waived_by) == (
        "申诉成立：确认单属实",
        "用户确认单 Q-0171",
        "监理张工",
    )
    (line,) = list_violations(filled, OPERATOR_2, ViolationQuery(text="0171"), AT).rows
    assert line.request is not None
    assert (line.request.kind, line.request.state, line.request.decision_comment) == (
        "appeal",
        "overturned",
        "确认单属实",
    )


def test_an_upheld_appeal_keeps_the_violation_and_shows_the_ruling(
    filled: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    pk = pk_of(filled, LATE[0])
    made = appeal(filled, OPERATOR_2, pk, LATE[1], reason="计时有误", evidence_ref="截图",
                  now=ASKED)  # fmt: skip
    assert decide(filled, ZHANG, made, decision="upheld", comment="时间戳无误", now=DECIDED) is None
    assert december_timeliness(filled, contract, calendar) == 2
    assert active_waiver_keys(filled) == set()
    detail = incident_detail(filled, OPERATOR_2, contract, pk, AT)
    assert detail is not None
    (clock,) = [c for c in detail.clocks if c.target_id == LATE[1]]
    assert [(r.kind, r.state, r.decision_comment, r.decided_by) for r in clock.requests] == [
        ("appeal", "upheld", "时间戳无误", "监理张工")
    ]
    assert [(e.kind, e.detail, e.by) for e in detail.timeline if e.at >= ASKED] == [
        ("appeal", "计时有误（截图）", "二云运营"),
        ("upheld", "时间戳无误", "监理张工"),
    ]


def test_a_decision_is_taken_once(filled: Engine) -> None:
    request = ask(filled)
    decide(filled, LI, request, decision="approved", comment="同意", now=DECIDED)
    with pytest.raises(WaiverError, match="already decided"):
        decide(filled, ZHANG, request, decision="rejected", comment="晚了", now=DECIDED)
    assert len(active_waiver_keys(filled)) == 1


def test_a_violation_no_longer_there_cannot_be_approved(filled: Engine) -> None:
    request = ask(filled)
    pk = pk_of(filled, LATE[0])
    with filled.begin() as connection:  # re-evaluated as met since the request
        connection.execute(
            update(RESULT)
            .where(RESULT.c.ticket_pk == pk, RESULT.c.target_id == LATE[1])
            .values(status="met")
        )
    with pytest.raises(WaiverError, match="is met, not a violation"):
        decide(filled, LI, request, decision="approved", comment="同意", now=DECIDED)
    assert [r.state for r in pending_requests(filled, ZHANG)] == ["pending"]  # rolled back
    decide(filled, LI, request, decision="rejected", comment="已不违约", now=DECIDED)
    assert pending_requests(filled, ZHANG) == []


def test_every_step_is_in_the_audit_log(filled: Engine) -> None:
    first = ask(filled)
    decide(filled, LI, first, decision="rejected", comment="证据不足", now=DECIDED)
    pk = pk_of(filled, "GZ-2022-0102")
    second = appeal(filled, OPERATOR_2, pk, "major.restore", reason="计时有误",
                    evidence_ref="截图", now=DECIDED)  # fmt: skip
    decide(filled, ZHANG, second, decision="overturned", comment="属实", now=DECIDED)
    entries = [
        (e.action, e.actor, e.subject, e.details["reason"], e.details["request_id"])
        for e in reversed(recent_entries(filled))
        if e.action.startswith(("waiver.", "appeal."))
    ]
    assert entries == [
        ("waiver.request", "二云运营", "live/GZ-2022-0171/significant.restore",
         "区域性停电（不可抗力）", first),
        ("waiver.reject", "监理李工", "live/GZ-2022-0171/significant.restore", "证据不足", first),
        ("appeal.request", "二云运营", "sample/GZ-2022-0102/major.restore", "计时有误", second),
        ("appeal.overturn", "监理张工", "sample/GZ-2022-0102/major.restore", "属实", second),
    ]  # fmt: skip


def test_the_list_shows_each_violations_newest_request(filled: Engine) -> None:
    first = ask(filled)
    decide(filled, LI, first, decision="rejected", comment="证据不足", now=DECIDED)
    second = ask(filled)
    lines = {
        row.ticket_id: row for row in list_violations(filled, ZHANG, ViolationQuery(), AT).rows
    }
    assert lines["GZ-2022-0171"].request is not None
    assert (lines["GZ-2022-0171"].request.id, lines["GZ-2022-0171"].request.state) == (
        second,
        "pending",
    )
    assert lines["HF-2022-0014"].request is None
    keys = {(lines["GZ-2022-0171"].ticket_pk, LATE[1])}
    assert [r.id for r in latest_requests(filled, ZHANG, keys).values()] == [second]


def test_the_pickers_search_finds_any_violation_by_ticket_id_or_title(filled: Engine) -> None:
    def found(viewer: Viewer, **query: object) -> list[str]:
        rows = list_violations(filled, viewer, ViolationQuery(**query), AT).rows  # type: ignore[arg-type]
        return sorted(f"{row.ticket_id} {row.target_id}" for row in rows)

    assert found(ZHANG, text="gz-2022-01") == [
        "GZ-2022-0102 major.report", "GZ-2022-0102 major.restore",
        "GZ-2022-0171 significant.restore",
    ]  # fmt: skip
    assert found(ZHANG, text="硬盘") == ["YC-2022-0091 anomaly.feedback"]  # by its title
    assert found(ZHANG, text="100%") == []  # the user's % is a character, not a wildcard
    assert found(OPERATOR_1, text="GZ-2022-0171") == []  # another pool's: not offered
    ask(filled)
    assert found(ZHANG, text="0171", without_pending=True) == []
    assert found(ZHANG, text="0171") == ["GZ-2022-0171 significant.restore"]


def test_of_two_supervisors_deciding_at_once_exactly_one_does(filled: Engine) -> None:
    request = ask(filled)
    start = threading.Barrier(2)

    def decide_as(viewer: Viewer, decision: str) -> str:
        start.wait()
        try:
            decide(filled, viewer, request, decision=decision, comment="同时", now=DECIDED)
        except WaiverError as refused:
            return refused.code
        return decision

    with ThreadPoolExecutor(2) as pool:
        outcomes = sorted(pool.map(decide_as, (ZHANG, LI), ("approved", "rejected")))
    assert outcomes in (["approved", "no_request"], ["no_request", "rejected"])
    (decided,) = [r for r in requests_of(filled, ZHANG, [pk_of(filled, LATE[0])])]
    assert decided.state in ("approved", "rejected")
    assert len(active_waiver_keys(filled)) == (decided.state == "approved")
