"""Layers point one way: the domain core imports no I/O, collectors never reach the CLI."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# The pure core: rules are functions of their arguments, so none of these may do I/O.
PURE_MODULES = [
    "monitor/domain/tickets.py",
    "monitor/contract/model.py",
    "monitor/domain/calendar.py",
    "monitor/rules/status.py",
    "monitor/scorecard/ticket_indicators.py",
    "monitor/domain/durations.py",
    "monitor/domain/resources.py",
    "monitor/contract/metrics.py",
    "monitor/measures/availability.py",
    "monitor/measures/utilisation.py",
    "monitor/measures/idle.py",
    "monitor/measures/idle_prefilter.py",
    "monitor/scorecard/metric_indicators.py",
    "monitor/measures/inspections.py",
    "monitor/measures/satisfaction.py",
    "monitor/scorecard/table.py",
    "monitor/contract/scorecard.py",
    "monitor/domain/viewer.py",
    "monitor/domain/passwords.py",
    "monitor/views/paging.py",
    "monitor/rules/pauses.py",
    "monitor/contract/clocks.py",
    "monitor/rules/history.py",
    "monitor/alerting/planner.py",
    "monitor/alerting/message.py",
    "monitor/rules/status_arrays.py",
    "monitor/rules/all_tickets.py",
]
IO_PACKAGES = {
    "sqlalchemy",
    "sqlmodel",
    "alembic",
    "requests",
    "streamlit",
    "fastapi",
    "psycopg",
    "openpyxl",
    "monitor.storage",
    "monitor.cli",
    "collectors",
    "monitor.runs.evaluate",
    "monitor.clock",
    "socket",
    "urllib",
    "http",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def reaches(module: str, forbidden: set[str]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in forbidden)


@pytest.mark.parametrize("relative", PURE_MODULES)
def test_the_pure_core_does_no_io(relative: str) -> None:
    offending = {m for m in imported_modules(ROOT / relative) if reaches(m, IO_PACKAGES)}
    assert not offending, f"{relative} imports {sorted(offending)}"


def test_the_pure_core_never_reads_the_wall_clock() -> None:
    for relative in PURE_MODULES:
        text = (ROOT / relative).read_text(encoding="utf-8")
        assert ".now(" not in text and "utcnow" not in text and "time.time" not in text, relative


@pytest.mark.parametrize("path", sorted((ROOT / "collectors").rglob("*.py")), ids=lambda p: p.name)
def test_collectors_do_not_reach_up_into_the_cli_or_dashboard(path: Path) -> None:
    offending = {m for m in imported_modules(path) if reaches(m, {"monitor.cli", "dashboard"})}
    assert not offending, f"{path.name} imports {sorted(offending)}"


@pytest.mark.parametrize("path", sorted((ROOT / "monitor").rglob("*.py")), ids=lambda p: p.name)
def test_monitor_does_not_import_the_dashboard(path: Path) -> None:
    assert not {m for m in imported_modules(path) if reaches(m, {"dashboard", "streamlit"})}


@pytest.mark.parametrize(
    "path",
    sorted(
        path
        for package in ("service", "api", "alerting")
        for path in (ROOT / "monitor" / package).rglob("*.py")
    ),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_the_service_gets_collectors_injected_never_imported(path: Path) -> None:
    # `slamon serve` (monitor.cli) hands the ticket parser and the collector jobs in.
    assert not {m for m in imported_modules(path) if reaches(m, {"collectors"})}


@pytest.mark.parametrize("path", sorted((ROOT / "dashboard").rglob("*.py")), ids=lambda p: p.name)
def test_the_dashboard_only_draws_its_queries_live_in_monitor(path: Path) -> None:
    # Role filters are enforced in monitor.views' SQL; a page that built its own query could
    # skip them. Engine is imported for type hints only.
    text = path.read_text(encoding="utf-8")
    offending = {m for m in imported_modules(path) if reaches(m, {"sqlalchemy", "sqlite3"})}
    assert offending <= {"sqlalchemy"}, f"{path.name} imports {sorted(offending)}"
    assert not re.search(r"(?<![\w.])select\(|\.execute\(|\btext\(", text), path.name
