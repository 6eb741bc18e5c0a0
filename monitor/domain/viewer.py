"""Who is looking: a dashboard user's role and the pools or user units it may see.

The queries in monitor.views turn a Viewer into a SQL filter (monitor.views.access), so what a
role may see is enforced in the database query, not only hidden in the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    SUPERVISOR = "supervisor"  # 监理单位: sees everything, approves waivers, rules on appeals
    OWNER = "owner"  # 建设单位: sees everything
    OPERATOR = "operator"  # 运营单位: its own resource pool(s)
    USER_UNIT = "user_unit"  # 使用单位: its own systems
    WALL = "wall"  # 大屏: the overview of the whole cloud, read-only (a wall display)

    @property
    def label_zh(self) -> str:
        return ROLE_LABELS_ZH[self]


ROLE_LABELS_ZH = {
    Role.SUPERVISOR: "监理单位",
    Role.OWNER: "建设单位",
    Role.OPERATOR: "运营单位",
    Role.USER_UNIT: "使用单位",
    Role.WALL: "大屏（只读）",
}

# The dashboard's pages and who may open them. A user unit sees its own incidents and
# availability, not the contract's scorecard or the operators' inspection sheets.
PAGES = (
    "overview", "incidents", "incident", "violations", "availability", "inspections",
    "scorecard", "compare", "obligations", "billing",
)  # fmt: skip
_USER_UNIT_PAGES = frozenset({"overview", "incidents", "incident", "violations", "availability"})


class AccessDenied(Exception):
    """The viewer's role does not allow this action or this record."""


@dataclass(frozen=True, slots=True)
class Viewer:
    """A logged-in user; an operator is bound to pools, a user unit to units."""

    name: str
    role: Role
    pools: tuple[str, ...] = ()
    units: tuple[str, ...] = ()

    @property
    def sees_everything(self) -> bool:
        return self.role in (Role.SUPERVISOR, Role.OWNER, Role.WALL)

    @property
    def can_waive(self) -> bool:
        """Approve or reject a waiver request, rule on an appeal, revoke a waiver."""
        return self.role is Role.SUPERVISOR

    @property
    def can_request_waiver(self) -> bool:
        """Ask for a waiver of a violation it can see; someone else decides."""
        return self.role in (Role.SUPERVISOR, Role.OPERATOR)

    @property
    def can_appeal(self) -> bool:
        """Contest a verdict (申诉): the operator judged by it, for its own pools."""
        return self.role is Role.OPERATOR

    def may_open(self, page: str) -> bool:
        if page not in PAGES:
            return False
        if self.role is Role.WALL:
            return page == "overview"
        return self.role is not Role.USER_UNIT or page in _USER_UNIT_PAGES

    def sees_pool(self, pool: str | None) -> bool:
        """Pool-level records (inspections, pool availability): operators see their pools."""
        if self.sees_everything:
            return True
        return self.role is Role.OPERATOR and pool is not None and pool in self.pools

    def sees_record(self, pool: str | None, user_unit: str | None) -> bool:
        """A ticket or resource: by pool for an operator, by user unit for a user unit."""
        if self.role is Role.USER_UNIT:
            return user_unit is not None and user_unit in self.units
        return self.sees_pool(pool)
