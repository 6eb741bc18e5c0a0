"""A waiver in force made the only way there is: one supervisor requests it, another approves."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine

from monitor.domain.viewer import Role, Viewer
from monitor.storage.waiver_requests import decide, request_waiver

REQUESTER = Viewer("监理李工", Role.SUPERVISOR)
APPROVER = Viewer("监理张工", Role.SUPERVISOR)  # the waiver's waived_by


def approved_waiver(
    engine: Engine,
    ticket_pk: int,
    target_id: str,
    *,
    reason: str,
    attachment_ref: str,
    now: datetime,
) -> int:
    """Request the waiver as REQUESTER, approve it as APPROVER; returns the waiver's id."""
    request = request_waiver(
        engine, REQUESTER, ticket_pk, target_id, reason=reason, evidence_ref=attachment_ref, now=now
    )
    waiver = decide(engine, APPROVER, request, decision="approved", comment="同意", now=now)
    assert waiver is not None
    return waiver
