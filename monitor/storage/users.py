"""Dashboard users: stored with a role, their pools or units, and a password hash (or none,
for single sign-on)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from monitor.domain.message import Message, MessageError
from monitor.domain.passwords import DUMMY_HASH, pass_matches, screen_pass, verify_password
from monitor.domain.viewer import Role, Viewer
from monitor.storage import audit
from monitor.storage.tables import DashboardUserRow

USER_TABLE = DashboardUserRow.__table__  # type: ignore[attr-defined]


class UserError(MessageError):
    """A user that cannot be added or changed as asked; the message says why."""


@dataclass(frozen=True, slots=True)
class StoredUser:
    name: str
    role: Role
    pools: tuple[str, ...]
    units: tuple[str, ...]
    has_password: bool
    created_at: datetime

    @property
    def viewer(self) -> Viewer:
        return Viewer(self.name, self.role, self.pools, self.units)


def check_scope(role: Role, pools: tuple[str, ...], units: tuple[str, ...]) -> None:
    """An operator needs its pool(s), a user unit its unit(s); the others need neither."""
    if role is Role.OPERATOR and not pools:
        raise UserError(
            Message(
                "运维方须指定 --pool（它运维的资源池，如 一云）",
                "an operator needs --pool (the resource pool(s) it runs, e.g. 一云)",
            )
        )
    if role is Role.USER_UNIT and not units:
        raise UserError(
            Message(
                "使用单位须指定 --unit（它的使用单位名称，如 市人社局）",
                "a user unit needs --unit (its unit's name, e.g. 市人社局)",
            )
        )
    if role not in (Role.OPERATOR,) and pools:
        raise UserError(
            Message(
                f"--pool 只适用于运维方，不适用于{role.label_zh}",
                f"--pool only applies to operators, not to {role.value}",
            )
        )
    if role is not Role.USER_UNIT and units:
        raise UserError(
            Message(
                f"--unit 只适用于使用单位，不适用于{role.label_zh}",
                f"--unit only applies to user units, not to {role.value}",
            )
        )


def _exists(name: str) -> Message:
    return Message(
        f"用户 '{name}' 已存在（用 --replace 修改）",
        f"user '{name}' exists already (use --replace to change it)",
    )


def add_user(
    engine: Engine,
    name: str,
    role: Role,
    *,
    pools: tuple[str, ...] = (),
    units: tuple[str, ...] = (),
    password_hash: str | None,
    now: datetime,
    actor: str = "cli",
    replace: bool = False,
) -> None:
    """Add a user (or, with `replace`, change an existing one), recorded in the audit log."""
    name = name.strip()
    if not name or len(name) > 200:
        raise UserError(
            Message("用户名须为 1 到 200 个字符", "a user name must have 1 to 200 characters")
        )
    check_scope(role, pools, units)
    values = {
        "role": role.value,
        "pools": json.dumps(list(pools), ensure_ascii=False),
        "units": json.dumps(list(units), ensure_ascii=False),
        "password_hash": password_hash,
        "updated_at": now,
    }
    with engine.begin() as connection:
        exists = connection.execute(
            select(USER_TABLE.c.id).where(USER_TABLE.c.name == name)
        ).scalar_one_or_none()
        if exists is not None and not replace:
            raise UserError(_exists(name))
        try:
            if exists is None:
                connection.execute(
                    insert(USER_TABLE), [{**values, "name": name, "created_at": now}]
                )
            else:
                connection.execute(update(USER_TABLE).where(USER_TABLE.c.id == exists), values)
        except IntegrityError:
            raise UserError(_exists(name)) from None
        audit.record(
            connection,
            at=now,
            actor=actor,
            action="user.replace" if exists is not None else "user.add",
            subject=f"user/{name}",
            role=role.value,
            pools=list(pools),
            units=list(units),
            password=password_hash is not None,
        )


def _stored(row: object) -> StoredUser:
    return StoredUser(
        name=row.name,  # type: ignore[attr-defined]
        role=Role(row.role),  # type: ignore[attr-defined]
        pools=tuple(json.loads(row.pools)),  # type: ignore[attr-defined]
        units=tuple(json.loads(row.units)),  # type: ignore[attr-defined]
        has_password=row.password_hash is not None,  # type: ignore[attr-defined]
        created_at=row.created_at,  # type: ignore[attr-defined]
    )


def find_user(engine: Engine, name: str) -> StoredUser | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(USER_TABLE).where(USER_TABLE.c.name == name.strip())
        ).one_or_none()
    return None if row is None else _stored(row)


def list_users(engine: Engine) -> list[StoredUser]:
    with engine.connect() as connection:
        return [
            _stored(row)
            for row in connection.execute(select(USER_TABLE).order_by(USER_TABLE.c.name))
        ]


def authenticate(engine: Engine, name: str, password: str) -> Viewer | None:
    """The user's Viewer when name and password match; None otherwise, in the same time."""
    with engine.connect() as connection:
        row = connection.execute(
            select(USER_TABLE).where(USER_TABLE.c.name == name.strip())
        ).one_or_none()
    if row is None:
        verify_password(password, DUMMY_HASH)  # spend the same time: no user-name probing
        return None
    if not verify_password(password, row.password_hash):
        return None
    return _stored(row).viewer


def users_exist(engine: Engine) -> bool:
    with engine.connect() as connection:
        return connection.execute(select(USER_TABLE.c.id).limit(1)).first() is not None


def wall_screen_pass(engine: Engine, name: str) -> str | None:
    """The pass that keeps a wall account's screen signed in across reloads; None for any other
    role (a pass in an address is read by whoever sees the screen: only a read-only wall
    account gets one) or an account without a password."""
    with engine.connect() as connection:
        row = connection.execute(
            select(USER_TABLE).where(USER_TABLE.c.name == name.strip())
        ).one_or_none()
    if row is None or row.role != Role.WALL.value or row.password_hash is None:
        return None
    return screen_pass(row.name, row.password_hash)


def wall_screen_viewer(engine: Engine, name: str, given: str) -> Viewer | None:
    """The wall account whose screen pass `given` is; None when it is not one."""
    with engine.connect() as connection:
        row = connection.execute(
            select(USER_TABLE).where(USER_TABLE.c.name == name.strip())
        ).one_or_none()
    if row is None or row.role != Role.WALL.value:
        return None
    return _stored(row).viewer if pass_matches(row.name, row.password_hash, given) else None
