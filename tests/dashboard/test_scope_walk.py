"""Every page as each role, for the year and for the month: nothing of another pool (for an
operator) or another unit (for a user unit) appears — no ticket id, system, resource,
inspection or statement line of theirs. What belongs to whom is read from the seeded database
itself."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import i18n
from monitor.domain.viewer import PAGES, Role
from monitor.storage.db import make_engine
from monitor.storage.users import add_user
from tests.dashboard.seed import AT, PASSWORD, PASSWORD_HASH, USERS
from tests.dashboard.test_languages import PERIODS, language_outside_sessions, widget_texts
from tests.dashboard.test_pages import APP, open_page, texts

# An operator of the other pool besides the seed's 二云运营.
ROLES = {**USERS, "一云运营": (Role.OPERATOR, ("一云",), ())}


@dataclass(frozen=True)
class Owned:
    """A name on a page and whose it is: its pool and the units whose tickets carry it."""

    name: str
    pool: str | None
    units: frozenset[str]


def _owned(url: str) -> list[Owned]:
    engine = make_engine(url)
    with engine.connect() as connection:
        tickets = connection.exec_driver_sql(
            "SELECT ticket_id, system, pool, user_unit FROM ticket"
        ).all()
        resources = connection.exec_driver_sql("SELECT resource_id, pool FROM resource").all()
        inspections = connection.exec_driver_sql(
            "SELECT record_key, pool FROM inspection"
        ).all()  # fmt: skip
        statement = connection.exec_driver_sql(
            "SELECT resource_id, system, pool, user_unit FROM statement_line"
        ).all()
    engine.dispose()
    owned = [Owned(t.ticket_id, t.pool, frozenset({t.user_unit} - {None})) for t in tickets]
    systems: dict[str, tuple[set[str | None], set[str]]] = {}
    for t in [*tickets, *statement]:
        if t.system:
            pools, units = systems.setdefault(t.system, (set(), set()))
            pools.add(t.pool)
            units.add(t.user_unit)
    # A system in several pools belongs to none of them alone; it is checked by unit only.
    owned += [
        Owned(name, next(iter(pools)) if len(pools) == 1 else None, frozenset(units - {None}))
        for name, (pools, units) in systems.items()
    ]
    owned += [Owned(r.resource_id, r.pool, frozenset()) for r in resources]
    owned += [Owned(i.record_key, i.pool, frozenset()) for i in inspections]
    owned += [Owned(s.resource_id, s.pool, frozenset()) for s in statement if s.resource_id]
    return owned


def _foreign(name: str, owned: list[Owned]) -> list[str]:
    """The names the user `name` must never see."""
    role, pools, units = ROLES[name]
    if role is Role.OPERATOR:
        return [o.name for o in owned if o.pool is not None and o.pool not in pools]
    if role is Role.USER_UNIT:
        # Only what carries a unit can be told apart; pool-level records are not shown at all.
        return [o.name for o in owned if o.units and not (o.units & set(units))]
    return []


def _shown(text: str, names: list[str]) -> list[str]:
    return sorted({n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)})


@pytest.fixture(scope="module")
def walked(shared_db: str) -> Iterator[dict[tuple[str, str], str]]:
    """Every page each role may open, its text over both periods, rendered once."""
    add_user(make_engine(shared_db), "一云运营", Role.OPERATOR, pools=("一云",), units=(),
             password_hash=PASSWORD_HASH, now=AT)  # fmt: skip
    mp = pytest.MonkeyPatch()
    mp.setenv("SLAMON_DATABASE_URL", shared_db)
    mp.setenv("SLAMON_DASHBOARD_AT", AT.isoformat())
    mp.delenv("SLAMON_CONTRACT", raising=False)
    # AppTest calls a widget's format_func outside any script run (see test_languages.py).
    mp.setattr(i18n, "language", language_outside_sessions)
    pages: dict[tuple[str, str], str] = {}
    for name in ROLES:
        for period in PERIODS:
            app = AppTest.from_file(APP, default_timeout=60).run()
            app.text_input(key="login_name").input(name)
            app.text_input(key="login_password").input(PASSWORD)
            app.button[0].click().run()
            assert not app.exception, app.exception
            app.sidebar.text_input(key="period_choice").set_value(period).run()
            for page in PAGES:
                try:
                    open_page(app, page)
                except ValueError:  # not among the role's pages
                    continue
                text = texts(app) + "\n" + widget_texts(app)
                pages[name, page] = pages.get((name, page), "") + text
    mp.undo()
    yield pages


@pytest.mark.parametrize("name", [n for n, (role, _, _) in ROLES.items()
                                  if role in (Role.OPERATOR, Role.USER_UNIT)])  # fmt: skip
@pytest.mark.parametrize("page", PAGES)
def test_a_scoped_viewer_sees_nothing_of_another_pool_or_unit(
    walked: dict[tuple[str, str], str], shared_db: str, name: str, page: str
) -> None:
    if (name, page) not in walked:
        pytest.skip(f"{name} may not open {page}")
    text = walked[name, page]
    leaked = _shown(text, _foreign(name, _owned(shared_db)))
    assert leaked == [], "\n".join(
        line for line in text.splitlines() if any(n in line for n in leaked)
    )


def test_the_supervisor_and_the_owner_see_both_pools(walked: dict[tuple[str, str], str]) -> None:
    for name in ("监理", "业主"):
        page = walked[name, "overview"] + walked[name, "violations"]
        assert "一云" in page and "二云" in page


@pytest.mark.parametrize("name", ["一云运营", "二云运营", "人社局"])
def test_the_supervisor_sees_what_each_scoped_viewer_must_not(
    walked: dict[tuple[str, str], str], shared_db: str, name: str
) -> None:
    # The walk has teeth only if the names it looks for are on the pages at all.
    everything = "\n".join(text for (who, _), text in walked.items() if who == "监理")
    assert len(_shown(everything, _foreign(name, _owned(shared_db)))) >= 3
