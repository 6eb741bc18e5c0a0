"""Dashboard users in the database: added with a role and scope, authenticated by hash."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, text

from monitor.domain.passwords import hash_password
from monitor.domain.viewer import Role, Viewer
from monitor.storage.audit import recent_entries
from monitor.storage.users import (
    UserError,
    add_user,
    authenticate,
    find_user,
    list_users,
    wall_screen_pass,
    wall_screen_viewer,
)
from tests.conftest import local

NOW = local("2024-03-01 09:00")
HASH = hash_password("s3cret-password")


def test_a_user_signs_in_with_its_password_and_gets_its_scope(engine: Engine) -> None:
    add_user(engine, "二云运营", Role.OPERATOR, pools=("二云",), password_hash=HASH, now=NOW)
    assert authenticate(engine, "二云运营", "s3cret-password") == Viewer(
        "二云运营", Role.OPERATOR, pools=("二云",)
    )
    assert authenticate(engine, "二云运营", "wrong-password") is None
    assert authenticate(engine, "nobody", "s3cret-password") is None
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT password_hash FROM dashboard_user")).scalar_one()
    assert "s3cret" not in stored and stored.startswith("scrypt$")


def test_a_single_sign_on_user_has_no_password_to_guess(engine: Engine) -> None:
    add_user(engine, "li@example.gov.cn", Role.OWNER, password_hash=None, now=NOW)
    assert authenticate(engine, "li@example.gov.cn", "") is None
    found = find_user(engine, "li@example.gov.cn")
    assert found is not None and not found.has_password
    assert found.viewer == Viewer("li@example.gov.cn", Role.OWNER)


def test_scope_must_fit_the_role(engine: Engine) -> None:
    with pytest.raises(UserError, match="operator needs --pool"):
        add_user(engine, "op", Role.OPERATOR, password_hash=HASH, now=NOW)
    with pytest.raises(UserError, match="user unit needs --unit"):
        add_user(engine, "unit", Role.USER_UNIT, password_hash=HASH, now=NOW)
    with pytest.raises(UserError, match="--pool only applies to operators"):
        add_user(engine, "sup", Role.SUPERVISOR, pools=("一云",), password_hash=HASH, now=NOW)
    assert list_users(engine) == []


def test_a_name_is_added_once_unless_replaced_and_both_are_audited(engine: Engine) -> None:
    add_user(engine, "张工", Role.SUPERVISOR, password_hash=HASH, now=NOW)
    with pytest.raises(UserError, match="exists already"):
        add_user(engine, "张工", Role.OWNER, password_hash=HASH, now=NOW)
    add_user(engine, "张工", Role.OWNER, password_hash=HASH, now=NOW, replace=True)
    (user,) = list_users(engine)
    assert user.role is Role.OWNER
    assert [(e.action, e.subject) for e in recent_entries(engine)] == [
        ("user.replace", "user/张工"),
        ("user.add", "user/张工"),
    ]


def test_a_wall_screens_pass_is_its_accounts_alone_and_a_new_password_revokes_it(
    engine: Engine,
) -> None:
    add_user(engine, "大屏", Role.WALL, password_hash=HASH, now=NOW)
    add_user(engine, "监理", Role.SUPERVISOR, password_hash=HASH, now=NOW)
    given = wall_screen_pass(engine, "大屏")
    assert given is not None and wall_screen_pass(engine, "监理") is None
    assert wall_screen_viewer(engine, "大屏", given) == Viewer("大屏", Role.WALL)
    assert wall_screen_viewer(engine, "监理", given) is None
    assert (
        wall_screen_viewer(engine, "大屏", given[:-1] + ("1" if given[-1] == "0" else "0")) is None
    )
    new_hash = hash_password("another-password")
    add_user(engine, "大屏", Role.WALL, password_hash=new_hash, now=NOW, replace=True)
    assert wall_screen_viewer(engine, "大屏", given) is None
