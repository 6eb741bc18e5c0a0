"""Waiver requests and appeals (申诉), decided with four eyes.

An operator (for its own pools) or a supervisor requests a waiver of a violation with a
reason and an evidence reference; an operator may instead appeal the verdict. A supervisor
other than the requester decides: a request is approved or rejected, an appeal overturned or
upheld, always with a comment. Approving puts the waiver in force with the request's reason;
overturning an appeal puts one in force whose reason is the ruling ("申诉成立：…"), so an
overturned violation stops counting exactly as a waived one does and can be revoked the same
way. Rejected requests and upheld appeals change nothing but their own row. Roles, scope and
the second person are checked here, whatever the caller; every step is in the audit log.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, Select, insert, select, update
from sqlalchemy.exc import IntegrityError

from monitor.domain.viewer import Viewer
from monitor.storage import audit
from monitor.storage.access import ticket_scope
from monitor.storage.as_of import status_as_of
from monitor.storage.tables import WaiverRequestRow
from monitor.storage.waivers import (
    RESULT,
    TICKET,
    VIOLATIONS,
    WAIVER,
    WaiverError,
    active_waiver_join,
    cleaned,
    put_in_force,
    subject,
)

REQUEST = WaiverRequestRow.__table__  # type: ignore[attr-defined]
KINDS = ("waiver", "appeal")
# Each kind's decisions and the audit verb of each; the first of each pair puts a waiver in force.
DECISIONS = {
    "waiver": {"approved": "approve", "rejected": "reject"},
    "appeal": {"overturned": "overturn", "upheld": "uphold"},
}
IN_FORCE = ("approved", "overturned")
OVERTURNED_REASON = "申诉成立：{comment}"


@dataclass(frozen=True, slots=True)
class WaiverRequest:
    id: int
    kind: str  # waiver | appeal
    ticket_pk: int
    source: str
    ticket_id: str
    target_id: str
    status_at_request: str
    reason: str
    evidence_ref: str | None
    requested_by: str
    requested_at: datetime
    state: str  # pending | approved | rejected | overturned | upheld
    decided_by: str | None
    decided_at: datetime | None
    decision_comment: str | None
    waiver_id: int | None

    @property
    def pending(self) -> bool:
        return self.state == "pending"


def request_waiver(
    engine: Engine,
    viewer: Viewer,
    ticket_pk: int,
    target_id: str,
    *,
    reason: str,
    evidence_ref: str,
    now: datetime,
) -> int:
    """Ask for the violation of (ticket, target) to be waived; returns the request's id."""
    if not viewer.can_request_waiver:
        raise WaiverError("role_request")
    return _ask(engine, viewer, "waiver", ticket_pk, target_id, reason, evidence_ref, now)


def appeal(
    engine: Engine,
    viewer: Viewer,
    ticket_pk: int,
    target_id: str,
    *,
    reason: str,
    evidence_ref: str,
    now: datetime,
) -> int:
    """Appeal (申诉) the verdict of (ticket, target) with evidence; returns the appeal's id."""
    if not viewer.can_appeal:
        raise WaiverError("role_appeal")
    return _ask(engine, viewer, "appeal", ticket_pk, target_id, reason, evidence_ref, now)


def _ask(
    engine: Engine,
    viewer: Viewer,
    kind: str,
    ticket_pk: int,
    target_id: str,
    reason: str,
    evidence_ref: str,
    now: datetime,
) -> int:
    reason = cleaned(reason, "reason")
    evidence_ref = cleaned(evidence_ref, "evidence reference")
    # The viewer's scope is part of the query: an operator cannot reach another pool's ticket.
    query = (
        select(
            # As of the request: a running clock past its deadline is a violation at once.
            status_as_of(now).label("status"),
            TICKET.c.source,
            TICKET.c.ticket_id,
            WAIVER.c.id.label("waiver"),
        )
        .select_from(
            RESULT.join(TICKET, TICKET.c.id == RESULT.c.ticket_pk).outerjoin(
                WAIVER, active_waiver_join()
            )
        )
        .where(RESULT.c.ticket_pk == ticket_pk, RESULT.c.target_id == target_id)
        .where(ticket_scope(viewer))
    )
    with engine.begin() as connection:
        found = connection.execute(query).one_or_none()
        if found is None:
            raise WaiverError("no_result", ticket_pk=ticket_pk, target=target_id)
        if found.status not in VIOLATIONS:
            raise WaiverError(
                "not_violation", ticket=found.ticket_id, target=target_id, status=found.status
            )
        if found.waiver is not None:
            raise WaiverError("already_waived", target=target_id)
        try:
            with connection.begin_nested():
                request_id: int = connection.execute(
                    insert(REQUEST).returning(REQUEST.c.id),
                    {
                        "kind": kind,
                        "ticket_pk": ticket_pk,
                        "target_id": target_id,
                        "status_at_request": found.status,
                        "reason": reason,
                        "evidence_ref": evidence_ref,
                        "requested_by": viewer.name,
                        "requested_at": now,
                        "state": "pending",
                    },
                ).scalar_one()
        except IntegrityError:
            raise WaiverError("already_pending", ticket=found.ticket_id, target=target_id) from None
        audit.record(
            connection,
            at=now,
            actor=viewer.name,
            action=f"{kind}.request",
            subject=subject(found.source, found.ticket_id, target_id),
            request_id=request_id,
            status=found.status,
            reason=reason,
            evidence_ref=evidence_ref,
        )
    return request_id


def decide(
    engine: Engine, viewer: Viewer, request_id: int, *, decision: str, comment: str, now: datetime
) -> int | None:
    """A supervisor other than the requester decides a pending request or appeal; returns
    the id of the waiver it put in force (approved, overturned), else None."""
    if not viewer.can_waive:
        raise WaiverError("role_decide")
    comment = cleaned(comment, "comment")
    query = (
        select(REQUEST, TICKET.c.source, TICKET.c.ticket_id)
        .join(TICKET, TICKET.c.id == REQUEST.c.ticket_pk)
        .where(REQUEST.c.id == request_id, ticket_scope(viewer))
    )
    with engine.begin() as connection:
        found = connection.execute(query).one_or_none()
        if found is None or found.state != "pending":
            raise WaiverError("no_request", request=request_id)
        if decision not in DECISIONS[found.kind]:
            raise WaiverError("bad_decision", decision=decision, kind=found.kind)
        if found.requested_by == viewer.name:
            raise WaiverError("own_request", request=request_id, name=found.requested_by)
        _claim(connection, viewer, request_id, decision, comment, now)
        waiver_id = None
        if decision in IN_FORCE:
            waiver_id = _put_in_force(connection, viewer, found, comment, now)
        audit.record(
            connection,
            at=now,
            actor=viewer.name,
            action=f"{found.kind}.{DECISIONS[found.kind][decision]}",
            subject=subject(found.source, found.ticket_id, found.target_id),
            request_id=request_id,
            requested_by=found.requested_by,
            reason=comment,
            waiver_id=waiver_id,
        )
    return waiver_id


def _claim(
    connection: Connection,
    viewer: Viewer,
    request_id: int,
    decision: str,
    comment: str,
    now: datetime,
) -> None:
    # Conditional: of two supervisors deciding at once, exactly one does; the other is told.
    claimed = connection.execute(
        update(REQUEST)
        .where(
            REQUEST.c.id == request_id,
            REQUEST.c.state == "pending",
            REQUEST.c.requested_by != viewer.name,
        )
        .values(state=decision, decided_by=viewer.name, decided_at=now, decision_comment=comment)
    ).rowcount
    if claimed != 1:
        raise WaiverError("no_request", request=request_id)


def _put_in_force(
    connection: Connection, viewer: Viewer, request: Row[Any], comment: str, now: datetime
) -> int:
    """The waiver an approval or an overturned appeal stands for, linked to its request."""
    status = connection.execute(
        select(status_as_of(now)).where(
            RESULT.c.ticket_pk == request.ticket_pk, RESULT.c.target_id == request.target_id
        )
    ).scalar_one_or_none()
    if status not in VIOLATIONS:
        # Re-evaluated since it was asked: nothing to waive any more; it can still be rejected.
        raise WaiverError(
            "not_violation",
            ticket=request.ticket_id,
            target=request.target_id,
            status=status or "removed",
        )
    appealed = request.kind == "appeal"
    waiver_id = put_in_force(
        connection,
        ticket_pk=request.ticket_pk,
        target_id=request.target_id,
        status=status,
        reason=OVERTURNED_REASON.format(comment=comment) if appealed else request.reason,
        attachment_ref=request.evidence_ref,
        by=viewer.name,
        at=now,
    )
    connection.execute(
        update(REQUEST).where(REQUEST.c.id == request.id).values(waiver_id=waiver_id)
    )
    return waiver_id


def _listed(viewer: Viewer) -> Select[Any]:
    return (
        select(REQUEST, TICKET.c.source, TICKET.c.ticket_id)
        .join(TICKET, TICKET.c.id == REQUEST.c.ticket_pk)
        .where(ticket_scope(viewer))
    )


def _read(connection: Connection, query: Select[Any]) -> list[WaiverRequest]:
    fields = WaiverRequest.__dataclass_fields__
    return [
        WaiverRequest(**{key: value for key, value in row._asdict().items() if key in fields})
        for row in connection.execute(query)
    ]


def pending_requests(
    engine: Engine, viewer: Viewer, *, kind: str | None = None, limit: int = 200
) -> list[WaiverRequest]:
    """Requests and appeals awaiting a decision that the viewer may see, oldest first."""
    query = _listed(viewer).where(REQUEST.c.state == "pending")
    if kind is not None:
        query = query.where(REQUEST.c.kind == kind)
    with engine.connect() as connection:
        return _read(connection, query.order_by(REQUEST.c.id).limit(limit))


def requests_of(engine: Engine, viewer: Viewer, ticket_pks: Iterable[int]) -> list[WaiverRequest]:
    """Every request and appeal of the given tickets the viewer may see, oldest first."""
    wanted = sorted(set(ticket_pks))
    found: list[WaiverRequest] = []
    with engine.connect() as connection:
        for offset in range(0, len(wanted), 2000):
            chunk = wanted[offset : offset + 2000]
            query = _listed(viewer).where(REQUEST.c.ticket_pk.in_(chunk)).order_by(REQUEST.c.id)
            found.extend(_read(connection, query))
    return found


def latest_requests(
    engine: Engine, viewer: Viewer, keys: Iterable[tuple[int, str]]
) -> dict[tuple[int, str], WaiverRequest]:
    """The newest request or appeal of each (ticket, target), for lists that show its state."""
    wanted = set(keys)
    latest: dict[tuple[int, str], WaiverRequest] = {}
    for request in requests_of(engine, viewer, (pk for pk, _ in wanted)):
        key = (request.ticket_pk, request.target_id)
        if key in wanted:
            latest[key] = request  # oldest first: the last one read is the newest
    return latest
