"""Roles: who sees what, who asks for a waiver or appeals, and who decides."""

from __future__ import annotations

import pytest

from monitor.domain.viewer import PAGES, Role, Viewer


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.OWNER])
def test_supervisors_and_owners_see_everything(role: Role) -> None:
    viewer = Viewer("x", role)
    assert viewer.sees_everything
    assert all(viewer.may_open(page) for page in PAGES)
    assert viewer.sees_record("二云", "市卫健局") and viewer.sees_pool(None)


def test_only_the_supervisor_decides_waivers_and_appeals() -> None:
    assert [role for role in Role if Viewer("x", role).can_waive] == [Role.SUPERVISOR]


def test_an_operator_sees_its_pools_only() -> None:
    operator = Viewer("二云运营", Role.OPERATOR, pools=("二云",))
    assert operator.sees_record("二云", "市卫健局")
    assert not operator.sees_record("一云", "市卫健局")
    assert not operator.sees_pool(None)
    assert all(operator.may_open(page) for page in PAGES)


def test_a_user_unit_sees_its_own_systems_and_not_the_operators_pages() -> None:
    unit = Viewer("人社局", Role.USER_UNIT, units=("市人社局",))
    assert unit.sees_record("一云", "市人社局")
    assert not unit.sees_record("一云", "市公安局")
    assert not unit.sees_pool("一云")
    assert [page for page in PAGES if unit.may_open(page)] == [
        "overview", "incidents", "incident", "violations", "availability",
    ]  # fmt: skip
    assert not unit.may_open("no-such-page")


def test_operators_and_supervisors_request_waivers_and_only_operators_appeal() -> None:
    assert [role for role in Role if Viewer("x", role).can_request_waiver] == [
        Role.SUPERVISOR,
        Role.OPERATOR,
    ]
    assert [role for role in Role if Viewer("x", role).can_appeal] == [Role.OPERATOR]


def test_the_wall_sees_the_whole_cloud_on_the_overview_only_and_decides_nothing() -> None:
    wall = Viewer("大屏", Role.WALL)
    assert wall.sees_everything and wall.sees_record("二云", "市卫健局")
    assert [page for page in PAGES if wall.may_open(page)] == ["overview"]
    assert not wall.can_waive
