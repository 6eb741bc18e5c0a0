"""Waivers: a supervisor excuses one violation (force majeure …) with a reason and an
attachment reference. Waived results do not count against the score; a waiver can be
revoked; every change is in the audit log."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, and_, insert, select, update
from sqlalchemy.exc import IntegrityError

from monitor.domain.tickets import Status
from monitor.domain.viewer import Viewer
from monitor.storage import audit
from monitor.storage.access import ticket_scope
from monitor.storage.tables import TargetResultRow, TicketRow, WaiverRow

WAIVER = WaiverRow.__table__  # type: ignore[attr-defined]
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
TICKET = TicketRow.__table__  # type: ignore[attr-defined]
VIOLATIONS = [status.value for status in Status if status.is_violation]
MAX_REASON = 2000


class WaiverError(Exception):
    """A waiver that cannot be made or revoked as asked; the message says why."""


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


def _subject(source: str, ticket_id: str, target_id: str) -> str:
    return f"{source}/{ticket_id}/{target_id}"


def _clean(text: str, what: str) -> str:
    text = text.strip()
    if not text:
        raise WaiverError(f"a {what} is required")
    if len(text) > MAX_REASON:
        raise WaiverError(f"the {what} is longer than {MAX_REASON} characters")
    return text


def waive(
    engine: Engine,
    viewer: Viewer,
    ticket_pk: int,
    target_id: str,
    *,
    reason: str,
    attachment_ref: str | None,
    now: datetime,
) -> int:
    """Waive the stored violation of (ticket, target); returns the waiver's id."""
    if not viewer.can_waive:
        raise WaiverError("only the supervision unit (supervisor) can waive a violation")
    reason = _clean(reason, "reason")
    attachment_ref = (attachment_ref or "").strip() or None
    query = (
        select(RESULT.c.status, TICKET.c.source, TICKET.c.ticket_id)
        .join(TICKET, TICKET.c.id == RESULT.c.ticket_pk)
        .where(RESULT.c.ticket_pk == ticket_pk, RESULT.c.target_id == target_id)
        .where(ticket_scope(viewer))
    )
    with engine.begin() as connection:
        found = connection.execute(query).one_or_none()
        if found is None:
            raise WaiverError(f"no stored result for ticket #{ticket_pk}, target {target_id}")
        if found.status not in VIOLATIONS:
            raise WaiverError(
                f"{found.ticket_id} {target_id} is {found.status}, "
                "not a violation: nothing to waive"
            )
        try:
            with connection.begin_nested():
                waiver_id: int = connection.execute(
                    insert(WAIVER).returning(WAIVER.c.id),
                    {
                        "ticket_pk": ticket_pk,
                        "target_id": target_id,
                        "status_waived": found.status,
                        "reason": reason,
                        "attachment_ref": attachment_ref,
                        "waived_by": viewer.name,
                        "waived_at": now,
                    },
                ).scalar_one()
        except IntegrityError:
            raise WaiverError(f"{found.ticket_id} {target_id} is already waived") from None
        audit.record(
            connection,
            at=now,
            actor=viewer.name,
            action="waiver.create",
            subject=_subject(found.source, found.ticket_id, target_id),
            waiver_id=waiver_id,
            status=found.status,
            reason=reason,
            attachment_ref=attachment_ref,
        )
    return waiver_id


def revoke(engine: Engine, viewer: Viewer, waiver_id: int, *, reason: str, now: datetime) -> None:
    """Withdraw a waiver in force: the violation counts again from now on."""
    if not viewer.can_waive:
        raise WaiverError("only the supervision unit (supervisor) can revoke a waiver")
    reason = _clean(reason, "reason")
    with engine.begin() as connection:
        # Conditional: two supervisors revoking at once — exactly one of them succeeds.
        done = connection.execute(
            update(WAIVER)
            .where(WAIVER.c.id == waiver_id, WAIVER.c.revoked_at.is_(None))
            .values(revoked_by=viewer.name, revoked_at=now, revoke_reason=reason)
            .returning(WAIVER.c.ticket_pk, WAIVER.c.target_id)
        ).one_or_none()
        if done is None:
            raise WaiverError(f"waiver #{waiver_id} does not exist or is already revoked")
        ticket = connection.execute(
            select(TICKET.c.source, TICKET.c.ticket_id).where(TICKET.c.id == done.ticket_pk)
        ).one()
        audit.record(
            connection,
            at=now,
            actor=viewer.name,
            action="waiver.revoke",
            subject=_subject(ticket.source, ticket.ticket_id, done.target_id),
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
