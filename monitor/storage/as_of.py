"""A stored result's status and overdue seconds as of a given moment, in SQL.

An evaluation stores each running clock's deadline and at-risk moment; from then on the clock
turns by itself. A reader that shows a status takes these expressions with the instant of its
request, so a clock past its deadline reads breached the moment it passes, whether or not an
evaluation has run since, and every page, the API and /metrics agree on it.

Only a running clock with a known at-risk moment turns here (stored pending or at_risk, no stop,
at_risk_from set). A paused clock stores no at-risk moment: its deadline moves while it waits, so
its stored status stands until the next evaluation. Closed clocks keep their stored verdict. The
comparisons mirror monitor.rules.status: breached once now is past the deadline (exactly on it
is not late), at risk from the at-risk moment on.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, and_, case, literal
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from monitor.domain.tickets import Status
from monitor.storage.results import RESULT_TABLE
from monitor.storage.types import UTCDateTime

R = RESULT_TABLE
RUNNING = (Status.PENDING.value, Status.AT_RISK.value)  # stored statuses a clock turns from
_TURNS_TO = {Status.AT_RISK.value, Status.BREACHED.value}


def _moment(now: datetime) -> ColumnElement[Any]:
    """`now` bound as a stored time: SQLite's UTC text, PostgreSQL's timestamptz."""
    return literal(now, UTCDateTime())


def _turning() -> ColumnElement[bool]:
    return and_(R.c.status.in_(RUNNING), R.c.stop.is_(None), R.c.at_risk_from.is_not(None))


def status_as_of(now: datetime) -> ColumnElement[str]:
    """target_result's status as of `now`: a running clock past its deadline is breached, one
    past its at-risk moment at risk; every other result its stored status."""
    moment = _moment(now)
    return case(
        (and_(_turning(), R.c.deadline < moment), Status.BREACHED.value),
        (and_(_turning(), R.c.at_risk_from <= moment), Status.AT_RISK.value),
        else_=R.c.status,
    )


def status_since_as_of(now: datetime) -> ColumnElement[datetime]:
    """Since when status_as_of(now) has held: the deadline or at-risk moment a running clock
    turned at, else the stored status_since."""
    moment = _moment(now)
    return case(
        (and_(_turning(), R.c.deadline < moment), R.c.deadline),
        (
            and_(_turning(), R.c.status == Status.PENDING.value, R.c.at_risk_from <= moment),
            R.c.at_risk_from,
        ),
        else_=R.c.status_since,
    )


def status_in(now: datetime, statuses: Collection[str]) -> ColumnElement[bool]:
    """status_as_of(now) is one of `statuses`; also bounded on the stored status, so the status
    index narrows the rows first."""
    stored = set(statuses)
    if stored & _TURNS_TO:
        stored.update(RUNNING)
    return and_(R.c.status.in_(sorted(stored)), status_as_of(now).in_(list(statuses)))


def overdue_as_of(now: datetime) -> ColumnElement[int]:
    """Seconds past the deadline as of `now` for a clock that is breached and still open
    (rounded up, as monitor.rules.status does); the stored overdue seconds otherwise."""
    moment = _moment(now)
    open_breach = and_(
        R.c.stop.is_(None),
        R.c.deadline < moment,
        R.c.status.in_((*RUNNING, Status.BREACHED.value)),
        # A paused clock keeps its stored verdict (see the module's docstring).
        (R.c.status == Status.BREACHED.value) | R.c.at_risk_from.is_not(None),
    )
    return case((open_breach, _SecondsPast(moment, R.c.deadline)), else_=R.c.overdue_seconds)


class _SecondsPast(FunctionElement[int]):
    """Whole seconds (rounded up) from a stored time to a later one, in each dialect's terms."""

    type = BigInteger()
    inherit_cache = True
    name = "seconds_past"


@compiles(_SecondsPast, "postgresql")
def _seconds_past_postgresql(element: _SecondsPast, compiler: SQLCompiler, **kw: Any) -> str:
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(ceil(extract(epoch FROM ({later} - {earlier}))) AS BIGINT)"


@compiles(_SecondsPast, "sqlite")
def _seconds_past_sqlite(element: _SecondsPast, compiler: SQLCompiler, **kw: Any) -> str:
    # SQLite stores "YYYY-MM-DD HH:MM:SS.ffffff" (monitor.storage.stored_time): whole seconds
    # from strftime, the microseconds from the text, so no float rounds a late second away.
    later, earlier = (compiler.process(c, **kw) for c in element.clauses)
    micros = (
        f"((CAST(strftime('%s', {later}) AS INTEGER) - CAST(strftime('%s', {earlier}) AS INTEGER))"
        f" * 1000000 + CAST(substr({later}, 21, 6) AS INTEGER)"
        f" - CAST(substr({earlier}, 21, 6) AS INTEGER))"
    )
    return f"(({micros} + 999999) / 1000000)"
