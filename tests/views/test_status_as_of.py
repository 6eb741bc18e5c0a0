"""A running clock reads breached on every page and in /metrics the moment its deadline passes,
with no evaluation since: every reader derives the status from the stored deadline and at-risk
moment as of its request.

The seed evaluates at 12:00; GZ-2022-0170's major.restore is at risk then, due 12:05.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry, generate_latest
from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.domain.periods import parse_period
from monitor.domain.viewer import Role, Viewer
from monitor.exports.prometheus import SlamonCollector
from monitor.exports.snapshot import MetricsSnapshots
from monitor.views.compare import pool_comparison
from monitor.views.incident import find_ticket, incident_detail
from monitor.views.overview import open_clocks, violations_by_period
from monitor.views.search import TicketQuery, search_tickets
from monitor.views.violations import ViolationQuery, list_violations, violation_counts
from tests.conftest import SHANGHAI, local
from tests.dashboard.seed import AT, fill

SUPERVISOR = Viewer("监理", Role.SUPERVISOR)
DUE = local("2022-12-20 12:05")
MOVED = DUE + timedelta(minutes=1)
DECEMBER = [parse_period("2022-12", SHANGHAI)]
RESTORE = 'target="major.restore"'


@pytest.fixture
def filled(engine: Engine, contract: Contract, calendar: BusinessCalendar) -> Engine:
    fill(engine, contract, calendar)
    return engine


def restore_line(engine: Engine, now: datetime) -> tuple[str, int | None] | None:
    rows = list_violations(engine, SUPERVISOR, ViolationQuery(page_size=100), now).rows
    found = [(v.status, v.overdue_seconds) for v in rows if v.ticket_id == "GZ-2022-0170"]
    return found[0] if found else None


def restore_clock(engine: Engine, contract: Contract, now: datetime) -> tuple[str, int | None]:
    pk = find_ticket(engine, SUPERVISOR, "GZ-2022-0170")
    assert pk is not None
    detail = incident_detail(engine, SUPERVISOR, contract, pk, now)
    assert detail is not None
    clock = next(c for c in detail.clocks if c.target_id == "major.restore")
    return clock.status, clock.overdue_seconds


def test_the_violation_list_shows_a_clock_breached_the_moment_its_deadline_passes(
    filled: Engine,
) -> None:
    assert restore_line(filled, AT) is None
    assert restore_line(filled, DUE) is None  # exactly on the deadline is not late
    assert restore_line(filled, DUE + timedelta(microseconds=500_000)) == ("breached", 1)
    assert restore_line(filled, MOVED) == ("breached", 60)
    before = violation_counts(filled, SUPERVISOR, ViolationQuery(), AT)
    after = violation_counts(filled, SUPERVISOR, ViolationQuery(), MOVED)
    assert after["breached"] == before["breached"] + 1
    assert after["total"] == before["total"] + 1
    only_breached = ViolationQuery(statuses=("breached",), page_size=100)
    listed = list_violations(filled, SUPERVISOR, only_breached, MOVED)
    assert "GZ-2022-0170" in {v.ticket_id for v in listed.rows}


def test_the_overview_counts_it_breached_and_its_overdue_grows(filled: Engine) -> None:
    clocks, by_status = open_clocks(filled, SUPERVISOR, now=AT)
    assert by_status == {"breached": 1, "at_risk": 1, "pending": 1}
    clocks, by_status = open_clocks(filled, SUPERVISOR, now=MOVED)
    assert by_status == {"breached": 2, "pending": 1}
    restore = next(c for c in clocks if c.ticket_id == "GZ-2022-0170")
    assert (restore.status, restore.overdue_seconds, restore.paused) == ("breached", 60, False)
    # The clock that was already breached at 12:00 (due 10:00) is overdue by the new moment.
    late = next(c for c in clocks if c.ticket_id == "GZ-2022-0171")
    assert late.overdue_seconds == 2 * 3600 + 6 * 60
    (before,) = violations_by_period(filled, SUPERVISOR, DECEMBER, AT)
    (after,) = violations_by_period(filled, SUPERVISOR, DECEMBER, MOVED)
    assert (after.results, after.tickets) == (before.results + 1, before.tickets + 1)


def test_the_incident_detail_agrees(filled: Engine, contract: Contract) -> None:
    assert restore_clock(filled, contract, AT) == ("at_risk", 0)
    assert restore_clock(filled, contract, MOVED) == ("breached", 60)


def test_the_search_and_the_pool_comparison_agree(
    filled: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    violated = TicketQuery(state="violated", text="GZ-2022-0170")
    assert search_tickets(filled, SUPERVISOR, violated, AT).total == 0
    (line,) = search_tickets(filled, SUPERVISOR, violated, MOVED).rows
    assert (line.violations, line.statuses.get("at_risk", 0)) == (1, 0)
    year = parse_period("2022", SHANGHAI)

    def violations(now: datetime) -> int:
        figures = pool_comparison(filled, contract, calendar, SUPERVISOR, year, now)
        return sum(p.violations for p in figures)

    assert violations(MOVED) == violations(AT) + 1


def test_a_pending_clock_turns_at_risk_at_its_at_risk_moment(filled: Engine) -> None:
    clocks, _ = open_clocks(filled, SUPERVISOR, now=AT)
    pending = next(c for c in clocks if c.status == "pending")
    assert pending.at_risk_from is not None
    assert pending.deadline is not None
    just_before = pending.at_risk_from - timedelta(microseconds=1)
    statuses = {
        moment: next(c.status for c in open_clocks(filled, SUPERVISOR, now=moment)[0]
                     if c.ticket_id == pending.ticket_id)
        for moment in (just_before, pending.at_risk_from, pending.deadline,
                       pending.deadline + timedelta(seconds=1))
    }  # fmt: skip
    assert list(statuses.values()) == ["pending", "at_risk", "at_risk", "breached"]


def scrape(
    engine: Engine, contract: Contract, now: datetime, snapshots: MetricsSnapshots | None = None
) -> dict[str, float]:
    registry = CollectorRegistry(auto_describe=False)
    collector = SlamonCollector(engine, contract, now=lambda: now, snapshots=snapshots)
    registry.register(collector)
    samples: dict[str, float] = {}
    for line in generate_latest(registry).decode().splitlines():
        if line and not line.startswith("#") and "snapshot_timestamp" not in line:
            name, value = line.rsplit(" ", 1)
            samples[name] = float(value)
    return samples


def restore_total(samples: dict[str, float], family: str, status: str = "") -> float:
    """A family's samples of major.restore summed over pools and operators."""
    return sum(
        value
        for name, value in samples.items()
        if name.startswith(family + "{") and RESTORE in name and status in name
    )


def test_metrics_say_breached_at_the_scrape_even_from_an_older_snapshot(
    filled: Engine, contract: Contract
) -> None:
    direct = scrape(filled, contract, MOVED)
    snapshots = MetricsSnapshots(filled, contract, now=lambda: AT)
    snapshots.refresh()  # read at 12:00, before the deadline passed
    assert scrape(filled, contract, MOVED, snapshots) == direct
    noon = scrape(filled, contract, AT)
    results = "slamon_target_results"
    breached, at_risk = 'status="breached"', 'status="at_risk"'
    assert restore_total(direct, results, breached) == restore_total(noon, results, breached) + 1
    assert (restore_total(noon, results, at_risk), restore_total(direct, results, at_risk)) == (
        1,
        0,
    )
    opened = "slamon_open_breaches"
    assert restore_total(direct, opened) == restore_total(noon, opened) + 1
    month = 'slamon_timeliness_score_points{period="month"}'
    assert direct[month] < noon[month]  # one more late ticket this month
