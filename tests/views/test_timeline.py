"""The incident timeline as it happened: a ServiceNow ticket's pause, severity change and
source updates on it, and each status flip dated when it took effect, not when evaluated."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from collectors.tickets.profile import load_profile
from collectors.tickets.profile_import import import_with_profile
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.tickets import Pause
from monitor.domain.viewer import Role, Viewer
from monitor.runs.evaluate import run_evaluation
from monitor.views.incident import find_ticket, incident_detail
from monitor.views.timeline import TicketTimeline, as_it_happened

DATA = Path(__file__).resolve().parents[1] / "data"
SUPERVISOR = Viewer("监理", Role.SUPERVISOR)
EVALUATED = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _critical(engine: Engine, contract: Contract) -> int:
    profile = load_profile("servicenow")
    path = DATA / "servicenow_incident_events.csv"
    import_with_profile(engine, path, profile, contract, source="servicenow", now=EVALUATED)
    run_evaluation(engine, ContractSet.single(contract), EVALUATED)
    pk = find_ticket(engine, SUPERVISOR, "INC0000388", "servicenow")
    assert pk is not None
    return pk


def _timeline(engine: Engine, contract: Contract) -> TicketTimeline:
    detail = incident_detail(engine, SUPERVISOR, contract, _critical(engine, contract), EVALUATED)
    assert detail is not None
    return as_it_happened(engine, detail)


def test_the_pause_and_severity_change_are_on_the_timeline(
    engine: Engine, contract: Contract
) -> None:
    found = _timeline(engine, contract)
    # INC0000388 became 1 - Critical at 17:23, then waited for the user 02-29 17:52 … 03-07 15:27.
    assert found.pauses == (
        Pause(utc("2016-02-29 17:52"), utc("2016-03-07 15:27"), "awaiting_user"),
    )
    marks = [(e.at, e.kind, e.what) for e in found.detail.timeline]
    assert (utc("2016-02-29 17:23"), "severity", "major") in marks
    assert (utc("2016-02-29 17:52"), "pause", "awaiting_user") in marks
    assert (utc("2016-03-07 15:27"), "resume", "awaiting_user") in marks
    assert any(kind == "source_status" for _, kind, _ in marks)
    assert [e.at for e in found.detail.timeline] == sorted(e.at for e in found.detail.timeline)


def test_status_flips_are_dated_when_they_took_effect(engine: Engine, contract: Contract) -> None:
    found = _timeline(engine, contract)
    flips = [e for e in found.detail.timeline if e.kind == "status"]
    assert flips, "the evaluation recorded its verdicts"
    # Evaluated in 2026; every verdict on a 2016 ticket took effect in 2016.
    assert all(e.at.year == 2016 for e in flips)
    clocks = {c.target_id: c for c in found.detail.clocks}
    for flip in flips:
        if flip.detail.endswith("→ breached"):
            assert flip.at == clocks[flip.what].deadline
        if flip.detail.endswith("→ met"):
            assert flip.at == clocks[flip.what].stop


def test_a_ticket_without_a_history_keeps_its_own_events(
    engine: Engine, contract: Contract
) -> None:
    _critical(engine, contract)
    pk = find_ticket(engine, SUPERVISOR, "INC0000045", "servicenow")
    assert pk is not None
    detail = incident_detail(engine, SUPERVISOR, contract, pk, EVALUATED)
    assert detail is not None
    found = as_it_happened(engine, detail)
    assert found.pauses == ()
    events = [e.what for e in found.detail.timeline if e.kind == "event"]
    assert events == [e.what for e in detail.timeline if e.kind == "event"]
