"""A stored ticket that cannot be judged is stored as evaluation_error, and the whole evaluation
goes on: the other tickets' results are stored as usual, on SQLite and PostgreSQL, and
`slamon evaluate` lists it (评估错误) and says why instead of exiting with an internal error.

The bad values are written straight into the database, as an older slamon (before the
importer's bounds) or a hand-made fix would have left them.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract, load_contract
from monitor.domain.bounds import evaluation_error_reason
from monitor.domain.calendar import BusinessCalendar
from monitor.runs.evaluate import run_evaluation
from monitor.storage.db import ensure_schema, make_engine
from monitor.storage.tables import TargetResultRow, TicketRow
from monitor.storage.tickets import TICKET_FIELDS, upsert_tickets
from tests.serving import service_env

EVERY_OPTION = Path(__file__).resolve().parents[1] / "data/contracts/every_option.yaml"
RESULT = TargetResultRow.__table__  # type: ignore[attr-defined]
TICKET = TicketRow.__table__  # type: ignore[attr-defined]
REPORTED = datetime(2024, 6, 3, 2, tzinfo=UTC)
AT = datetime(2024, 6, 4, 2, tzinfo=UTC)
ANCIENT = datetime(1, 1, 1, 0, 5, tzinfo=UTC)


def row(ticket_id: str, kind: str, **values: Any) -> dict[str, Any]:
    found: dict[str, Any] = dict.fromkeys(TICKET_FIELDS)
    found.update(source="file", ticket_id=ticket_id, kind=kind, reported_at=REPORTED)
    found.update(values)
    return found


BAD_AND_GOOD = [
    row("HF-1", "restore", responded_at=REPORTED, restore_size_gb=5_000_000_000),
    # A business-hours clock started in the year 1: its arithmetic ran before 0001-01-01.
    row("FW-1", "request", severity="general", reported_at=ANCIENT, responded_at=ANCIENT),
    row("GZ-1", "fault", severity="major", restored_at=REPORTED + timedelta(hours=1)),
]


def store(engine: Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as connection:
        upsert_tickets(connection, rows, TICKET_FIELDS, REPORTED)


def stored_statuses(engine: Engine) -> dict[tuple[str, str], str]:
    query = select(TICKET.c.ticket_id, RESULT.c.target_id, RESULT.c.status).join(
        TICKET, TICKET.c.id == RESULT.c.ticket_pk
    )
    with engine.connect() as connection:
        return {(r.ticket_id, r.target_id): r.status for r in connection.execute(query)}


def test_a_ticket_that_cannot_be_judged_is_stored_as_evaluation_error_and_the_rest_judged(
    engine: Engine,
) -> None:
    contract: Contract = load_contract(EVERY_OPTION)
    contracts = ContractSet.single(contract, BusinessCalendar.from_config(contract.calendar))
    store(engine, BAD_AND_GOOD)
    evaluation = run_evaluation(engine, contracts, AT)
    assert evaluation.stored is not None
    statuses = stored_statuses(engine)
    by_ticket: dict[str, set[str]] = {}
    for (ticket_id, _), status in statuses.items():
        by_ticket.setdefault(ticket_id, set()).add(status)
    assert by_ticket["HF-1"] == {"evaluation_error"}
    assert by_ticket["FW-1"] == {"evaluation_error"}
    assert statuses[("GZ-1", "fault.arrival")] == "breached"
    assert "evaluation_error" not in by_ticket["GZ-1"]
    # The reason comes back from the stored ticket itself.
    with engine.connect() as connection:
        stored = connection.execute(select(TICKET).where(TICKET.c.ticket_id == "HF-1")).one()
    assert "超过上限 10,000,000 GB（10 PB）" in evaluation_error_reason(stored._asdict())


def test_slamon_evaluate_lists_the_evaluation_error_and_says_why(tmp_path: Path) -> None:
    database = tmp_path / "slamon.db"
    engine = make_engine(f"sqlite:///{database}")
    ensure_schema(engine)
    store(engine, [BAD_AND_GOOD[0], BAD_AND_GOOD[2]])
    engine.dispose()
    done = subprocess.run(
        [sys.executable, "-m", "monitor", "evaluate", "--all", "--at", AT.isoformat()],
        cwd=tmp_path,
        env=service_env(tmp_path, f"sqlite:///{database}"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("HF-1")]
    assert len(lines) == 2 and all("评估错误" in line for line in lines)
    assert any(line.startswith("GZ-1") and "超时违约" in line for line in done.stdout.splitlines())
    assert "1 张工单评估错误" in done.stderr
    assert "HF-1：恢复数据量 5e+09 GB 超过上限" in done.stderr
