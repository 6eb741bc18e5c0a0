"""Waivers in force: a violation excused (force majeure …, or overturned on appeal) with a
reason and an attachment reference. A waiver is only put in force
by a supervisor's decision on a request (monitor.storage.waiver_requests), so the rows here are
the approved ones; waived results do not count against the score, in the lists, the report
or /metrics. A supervisor can revoke one; every change is in the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from monitor.domain.tickets import Status
from monitor.domain.viewer import Viewer
from monitor.storage import audit
from monitor.storage.tables import TargetResultRow, TicketRow, WaiverRow

WAIVER = WaiverRow.__table__  # type: ignore[attr-defined]
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
TICKET = TicketRow.__table__  # type: ignore[attr-defined]
VIOLATIONS = [status.value for status in Status if status.is_violation]
MAX_REASON = 2000


# Why a waiver step is refused: code → the English message (the dashboard words each code
# in the session's language, from the same parameters).
MESSAGES = {
    "role_request": "only an operator or the supervision unit (supervisor) can request a waiver",
    "role_appeal": "only an operator can appeal a violation in its own pools",
    "role_decide": "only the supervision unit (supervisor) can decide on a waiver or an appeal",
    "role_revoke": "only the supervision unit (supervisor) can revoke a waiver",
    "required": "a {what} is required",
    "too_long": "the {what} is longer than {limit} characters",
    "no_result": "no stored result for ticket #{ticket_pk}, target {target}",
    "not_violation": "{ticket} {target} is {status}, not a violation: nothing to waive",
    "already_waived": "{target} is already waived",
    "already_pending": "{ticket} {target} already has a request or appeal awaiting a decision",
    "no_request": "request #{request} does not exist or is already decided",
    "own_request": "request #{request} was made by {name}: another supervisor must decide it",
    "bad_decision": "'{decision}' is not a decision on a {kind} request",
    "no_waiver": "waiver #{waiver} does not exist or is already revoked",
}


class WaiverError(Exception):
    """A waiver step that cannot be taken as asked; `code` and `params` say why."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(MESSAGES[code].format(**params))
        self.code = code
        self.params = params


@dataclass(frozen=True, slots=True)
class Waiver:
    id: int
    ticket_pk: int
    target_id: str
    status_waived: str
    reason: str
    attachment_ref: str | None
    waived_by: str
    waived_at: datetime
    revoked_by: str | None
    revoked_at: datetime | None
    revoke_reason: str | None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


def subject(source: str, ticket_id: str, target_id: str) -> str:
    """The audit log's subject of one violation."""
    return f"{source}/{ticket_id}/{target_id}"


def cleaned(text: str | None, what: str) -> str:
    """The text without surrounding blanks; refused when empty or too long."""
    text = (text or "").strip()
    if not text:
        raise WaiverError("required", what=what)
    if len(text) > MAX_REASON:
        raise WaiverError("too_long", what=what, limit=MAX_REASON)
    return text


def put_in_force(
    connection: Connection,
    *,
    ticket_pk: int,
    target_id: str,
    status: str,
    reason: str,
    attachment_ref: str | None,
    by: str,
    at: datetime,
) -> int:
    """Insert the waiver a decision approved, in the decision's transaction; returns its id."""
    try:
        with connection.begin_nested():
            waiver_id: int = connection.execute(
                insert(WAIVER).returning(WAIVER.c.id),
                {
                    "ticket_pk": ticket_pk,
                    "target_id": target_id,
                    "status_waived": status,
                    "reason": reason,
                    "attachment_ref": attachment_ref,
                    "waived_by": by,
                    "waived_at": at,
                },
            ).scalar_one()
    except IntegrityError:
        raise WaiverError("already_waived", target=target_id) from None
    return waiver_id


def revoke(engine: Engine, viewer: Viewer, waiver_id: int, *, reason: str, now: datetime) -> None:
    """Withdraw a waiver in force: the violation counts again from now on."""
    if not viewer.can_waive:
        raise WaiverError("role_revoke")
    reason = cleaned(reason, "reason")
    with engine.begin() as connection:
        # Conditional: two supervisors revoking at once — exactly one of them succeeds.
        done = connection.execute(
            update(WAIVER)
            .where(WAIVER.c.id == waiver_id, WAIVER.c.revoked_at.is_(None))
            .values(revoked_by=viewer.name, revoked_at=now, revoke_reason=reason)
            .returning(WAIVER.c.ticket_pk, WAIVER.c.target_id)
        ).one_or_none()
        if done is None:
            raise WaiverError("no_waiver", waiver=waiver_id)
        ticket = connection.execute(
            select(TICKET.c.source, TICKET.c.ticket_id).where(TICKET.c.id == done.ticket_pk)
        ).one()
        audit.record(
            connection,
            at=now,
            actor=viewer.name,
            action="waiver.revoke",
            subject=subject(ticket.source, ticket.ticket_id, done.target_id),
            waiver_id=waiver_id,
            reason=reason,
        )


def active_waiver_keys(engine: Engine) -> set[tuple[str, str, str]]:
    """(source, ticket_id, target_id) of every waiver in force, in one query."""
    query = (
        select(TICKET.c.source, TICKET.c.ticket_id, WAIVER.c.target_id)
        .join(TICKET, TICKET.c.id == WAIVER.c.ticket_pk)
        .where(WAIVER.c.revoked_at.is_(None))
    )
    with engine.connect() as connection:
        return {(row.source, row.ticket_id, row.target_id) for row in connection.execute(query)}


def active_waivers(engine: Engine) -> dict[tuple[str, str, str], Waiver]:
    """Every waiver in force by (source, ticket_id, target_id), for reports that show them."""
    query = select(WAIVER, TICKET.c.source, TICKET.c.ticket_id).join(
        TICKET, TICKET.c.id == WAIVER.c.ticket_pk
    )
    fields = set(Waiver.__dataclass_fields__)
    with engine.connect() as connection:
        return {
            (row.source, row.ticket_id, row.target_id): Waiver(
                **{key: value for key, value in row._asdict().items() if key in fields}
            )
            for row in connection.execute(query.where(WAIVER.c.revoked_at.is_(None)))
        }


def waivers_of(engine: Engine, ticket_pks: Iterable[int]) -> list[Waiver]:
    """Every waiver (in force or revoked) of the given tickets, oldest first."""
    wanted = sorted(set(ticket_pks))
    found: list[Waiver] = []
    with engine.connect() as connection:
        for offset in range(0, len(wanted), 2000):
            chunk = wanted[offset : offset + 2000]
            query = select(WAIVER).where(WAIVER.c.ticket_pk.in_(chunk)).order_by(WAIVER.c.id)
            found.extend(Waiver(**row._asdict()) for row in connection.execute(query))
    return found


def active_waiver_join() -> object:
    """The ON clause joining a result row to its waiver in force (for outer joins)."""
    return and_(
        WAIVER.c.ticket_pk == RESULT.c.ticket_pk,
        WAIVER.c.target_id == RESULT.c.target_id,
        WAIVER.c.revoked_at.is_(None),
    )
