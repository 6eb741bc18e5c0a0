"""Violations per month and target as of now, cut to the viewer's tickets."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.views.violation_trend import TargetMonth, violations_by_target
from tests.conftest import SHANGHAI
from tests.dashboard.seed import AT, fill

SUPERVISOR = Viewer("监理", Role.SUPERVISOR)
RENSHE = Viewer("人社局", Role.USER_UNIT, units=("市人社局",))
MONTHS = [parse_period("2022-11", SHANGHAI), parse_period("2022-12", SHANGHAI)]


@pytest.fixture
def filled(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> Engine:
    fill(engine, contract, calendar)
    return engine


def test_december_violations_by_target(filled: Engine) -> None:
    found = violations_by_target(filled, SUPERVISOR, MONTHS, AT)
    # HF-2022-0014 (restore size without a restore time) and GZ-2022-0171 (open, 4 h past).
    assert found == [
        TargetMonth("2022-12", "restore.duration", 1),
        TargetMonth("2022-12", "significant.restore", 1),
    ]
    assert violations_by_target(filled, RENSHE, MONTHS, AT) == []
    assert violations_by_target(filled, SUPERVISOR, [], AT) == []
