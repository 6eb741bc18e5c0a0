"""The 履约事项 page's query: the obligation periods owed during a period, cut to the viewer."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.obligations import ObligationClock
from monitor.domain.periods import Period
from monitor.domain.viewer import Viewer
from monitor.rules.obligations import owed_during
from monitor.runs.obligations import clocks_as_of


def obligations_for(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    viewer: Viewer,
    period: Period,
    at: datetime,
) -> list[ObligationClock]:
    """Periods owed during `period` as of `at`: everyone's for the supervisor and the owner,
    an operator's own pools' (a deployment-wide duty has no pool: not an operator's to see),
    none for a user unit."""
    first_day = date(period.start.astimezone(contract.zone).year - 1, 1, 1)
    clocks = owed_during(clocks_as_of(engine, contract, calendar, at, first_day), period)
    if viewer.sees_everything:
        return clocks
    return [clock for clock in clocks if clock.pool and viewer.sees_pool(clock.pool)]
