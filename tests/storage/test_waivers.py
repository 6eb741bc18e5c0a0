"""Waivers in force (each approved by a second supervisor, tests/storage/waiver_steps.py):
excluded from the score, shown on the list and the incident, revocable once, every change in
the audit log. The request and approval rules are in test_waiver_requests.py."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.runs.evaluate import score_period
from monitor.storage.audit import recent_entries
from monitor.storage.waivers import WaiverError, active_waiver_keys, revoke
from monitor.views.incident import find_ticket, incident_detail
from monitor.views.violations import ViolationQuery, list_violations, violation_counts
from tests.conftest import SHANGHAI, local
from tests.dashboard.seed import AT, fill
from tests.storage.waiver_steps import approved_waiver

SUPERVISOR = Viewer("监理张工", Role.SUPERVISOR)
WAIVED_AT = local("2022-12-20 14:00")


@pytest.fixture
def filled(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> Engine:
    fill(engine, contract, calendar)
    return engine


def timeliness(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> float:
    scores = score_period(
        engine, ContractSet.single(contract, calendar), parse_period("2022", SHANGHAI), AT
    )
    (fault,) = [s for s in scores if s.id == "fault_response_timeliness"]
    return fault.points


def test_waived_violations_stop_counting_and_count_again_once_revoked(
    filled: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    # 2022 as of 12-20 12:00: GZ-2022-0102 (restore and report late) and GZ-2022-0171 (open,
    # past its 4 h) are late → 3 − 2 = 1 point.
    assert timeliness(filled, contract, calendar) == 1
    pk = find_ticket(filled, SUPERVISOR, "GZ-2022-0102")
    assert pk is not None
    first = approved_waiver(filled, pk, "major.restore", reason="不可抗力：市电中断",
                            attachment_ref="监理函〔2022〕17号", now=WAIVED_AT)  # fmt: skip
    assert timeliness(filled, contract, calendar) == 1  # its report was late too
    approved_waiver(filled, pk, "major.report", reason="同上", attachment_ref="同上", now=WAIVED_AT)
    assert timeliness(filled, contract, calendar) == 2
    assert active_waiver_keys(filled) == {
        ("sample", "GZ-2022-0102", "major.restore"),
        ("sample", "GZ-2022-0102", "major.report"),
    }
    revoke(filled, SUPERVISOR, first, reason="附件不符", now=local("2022-12-21 09:00"))
    assert timeliness(filled, contract, calendar) == 1
    actions = [
        (e.action, e.actor, e.subject) for e in recent_entries(filled) if "waiver" in e.action
    ]
    assert actions == [
        ("waiver.revoke", "监理张工", "sample/GZ-2022-0102/major.restore"),
        ("waiver.approve", "监理张工", "sample/GZ-2022-0102/major.report"),
        ("waiver.request", "监理李工", "sample/GZ-2022-0102/major.report"),
        ("waiver.approve", "监理张工", "sample/GZ-2022-0102/major.restore"),
        ("waiver.request", "监理李工", "sample/GZ-2022-0102/major.restore"),
    ]


def test_a_waiver_shows_on_the_violation_list_and_the_incident(
    filled: Engine, contract: Contract
) -> None:
    pk = find_ticket(filled, SUPERVISOR, "GZ-2022-0102")
    assert pk is not None
    approved_waiver(filled, pk, "major.restore", reason="不可抗力", attachment_ref="附件-1",
                    now=WAIVED_AT)  # fmt: skip
    waived = list_violations(filled, SUPERVISOR, ViolationQuery(waived="waived"), AT)
    assert [(v.ticket_id, v.target_id, v.waived_by, v.attachment_ref) for v in waived.rows] == [
        ("GZ-2022-0102", "major.restore", "监理张工", "附件-1")
    ]
    assert violation_counts(filled, SUPERVISOR, ViolationQuery(), AT) == {
        "total": 6, "waived": 1, "breached": 5, "missing_evidence": 1,
    }  # fmt: skip
    detail = incident_detail(filled, SUPERVISOR, contract, pk, AT)
    assert detail is not None
    clocks = {c.target_id: c for c in detail.clocks}
    assert clocks["major.restore"].waiver is not None
    assert clocks["major.report"].waiver is None
    assert [(e.kind, e.what, e.detail, e.by) for e in detail.timeline if e.at == WAIVED_AT] == [
        ("request", "major.restore", "不可抗力（附件-1）", "监理李工"),
        ("approved", "major.restore", "同意", "监理张工"),
    ]


def test_a_violation_is_waived_once_and_a_waiver_revoked_once(filled: Engine) -> None:
    pk = find_ticket(filled, SUPERVISOR, "GZ-2022-0102")
    assert pk is not None
    waiver = approved_waiver(filled, pk, "major.restore", reason="a", attachment_ref="1", now=AT)
    with pytest.raises(WaiverError, match="already waived"):
        approved_waiver(filled, pk, "major.restore", reason="b", attachment_ref="2", now=AT)
    with pytest.raises(WaiverError, match="only the supervision unit"):
        revoke(
            filled, Viewer("二云运营", Role.OPERATOR, pools=("二云",)), waiver, reason="x", now=AT
        )
    with pytest.raises(WaiverError, match="reason is required"):
        revoke(filled, SUPERVISOR, waiver, reason="  ", now=AT)
    revoke(filled, SUPERVISOR, waiver, reason="wrong", now=AT)
    with pytest.raises(WaiverError, match="already revoked"):
        revoke(filled, SUPERVISOR, waiver, reason="again", now=AT)
    # Revoked, it can be waived anew.
    approved_waiver(filled, pk, "major.restore", reason="c", attachment_ref="3", now=AT)
    assert len(active_waiver_keys(filled)) == 1
