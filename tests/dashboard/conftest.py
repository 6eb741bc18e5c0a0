"""Fixtures: filled dashboard databases (tests/dashboard/seed.py says what is in them)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from tests.dashboard.seed import filled_database


@pytest.fixture(scope="module")
def shared_db(
    tmp_path_factory: pytest.TempPathFactory, contract: Contract, calendar: BusinessCalendar
) -> str:
    """One filled database for the read-only page tests of a module."""
    return filled_database(tmp_path_factory.mktemp("dash") / "slamon.db", contract, calendar)


@pytest.fixture
def fresh_db(tmp_path: Path, contract: Contract, calendar: BusinessCalendar) -> Iterator[str]:
    """A filled database of the test's own, for tests that write (waivers)."""
    yield filled_database(tmp_path / "slamon.db", contract, calendar)
