"""The leases that share the metric collectors between `slamon serve` processes.

A collector's state row is its share of the collection. A run claims it with a lease (a token
and `claimed_until`; `FOR UPDATE SKIP LOCKED` on PostgreSQL, the conditional UPDATE on SQLite),
as the alert outbox claims deliveries: while the lease holds, another process's run of the same
collector does nothing. Every chunk's transaction renews the lease by its token before it
writes: a run whose lease ran out and was taken over changes nothing, so a share is never
collected twice at once, and the share of a process that died goes to the first run after its
lease period.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, and_, or_, select, update

from monitor.storage.connections import dialect_insert
from monitor.storage.tables import CollectorStateRow

STATE = CollectorStateRow.__table__  # type: ignore[attr-defined]


def _free(name: str, now: datetime) -> Any:
    return and_(
        STATE.c.name == name,
        or_(STATE.c.claimed_until.is_(None), STATE.c.claimed_until < now),
    )


def claim_share(engine: Engine, name: str, now: datetime, lease_until: datetime) -> str | None:
    """The token of a new lease on collector `name` until `lease_until`; None while another
    run holds it. A collector without a state row yet gets one, without a watermark."""
    token = uuid.uuid4().hex
    row = {"name": name, "watermark": None, "updated_at": now}
    free = select(STATE.c.id).where(_free(name, now)).with_for_update(skip_locked=True)
    claim = (
        update(STATE)
        .where(STATE.c.id.in_(free.scalar_subquery()), _free(name, now))
        .values(lease_token=token, claimed_until=lease_until)
    )
    with engine.begin() as connection:
        first = dialect_insert(connection)(STATE).on_conflict_do_nothing(index_elements=["name"])
        connection.execute(first, [row])
        claimed = connection.execute(claim).rowcount
    return token if claimed else None


def renew_share(connection: Connection, name: str, token: str, lease_until: datetime) -> bool:
    """Extend the lease, first in a chunk's transaction; False when the claim no longer holds
    it (taken over after it ran out): that transaction must write nothing."""
    statement = (
        update(STATE)
        .where(STATE.c.name == name, STATE.c.lease_token == token)
        .values(claimed_until=lease_until)
    )
    return bool(connection.execute(statement).rowcount)


def release_share(engine: Engine, name: str, token: str) -> None:
    """A run that ended hands its share back: free at once for the next run, anywhere."""
    statement = (
        update(STATE)
        .where(STATE.c.name == name, STATE.c.lease_token == token)
        .values(lease_token=None, claimed_until=None)
    )
    with engine.begin() as connection:
        connection.execute(statement)
