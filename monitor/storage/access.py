"""What a viewer may see, as SQL: every dashboard query adds one of these filters."""

from __future__ import annotations

from typing import Any

from sqlalchemy import false, true
from sqlalchemy.sql.elements import ColumnElement

from monitor.domain.viewer import Role, Viewer
from monitor.storage.tables import TicketRow

TICKET_TABLE = TicketRow.__table__  # type: ignore[attr-defined]


def record_scope(viewer: Viewer, pool: Any, user_unit: Any | None) -> ColumnElement[bool]:
    """A filter on a table with a pool and a user-unit column (tickets, resources).

    Supervisors and owners see every row; an operator the rows of its pools; a user unit the
    rows of its units. An operator or unit with no pools or units sees nothing.
    """
    if viewer.sees_everything:
        return true()
    if viewer.role is Role.OPERATOR:
        return pool.in_(list(viewer.pools)) if viewer.pools else false()
    if viewer.role is Role.USER_UNIT and user_unit is not None:
        return user_unit.in_(list(viewer.units)) if viewer.units else false()
    return false()


def ticket_scope(viewer: Viewer, table: Any = TICKET_TABLE) -> ColumnElement[bool]:
    """The tickets `viewer` may see (and with them their results, waivers and history)."""
    return record_scope(viewer, table.c.pool, table.c.user_unit)


def pool_scope(viewer: Viewer, pool: Any) -> ColumnElement[bool]:
    """Pool-level rows (inspections): operators see their pools, user units none."""
    return record_scope(viewer, pool, None)
