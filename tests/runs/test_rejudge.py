"""Changing a contract never silently rewrites history: closed tickets keep the version that
judged them until a rejudging, which shows what changes, keeps both versions and alerts nobody
(SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import Engine, func, select

from monitor.alerting.config import AlertingConfig
from monitor.alerting.hook import alert_hook
from monitor.contract.contract_set import load_contract_set
from monitor.domain.tickets import Status
from monitor.runs.evaluate import run_evaluation
from monitor.runs.rejudge import apply_rejudge, plan_rejudge
from monitor.storage.alerts import ALERT
from monitor.storage.audit import recent_entries
from monitor.storage.rejudges import current_results_of, rejudgings, superseded_results
from monitor.storage.results import RESULT_TABLE
from monitor.storage.tickets import TICKET_FIELDS, upsert_tickets
from tests.conftest import local
from tests.contract.contracts_dir import two_pools

AT = local("2023-01-01 00:00")
NOW = local("2023-01-02 09:00")


def fault(ticket_id: str, reported: str, restored: str, closed: bool) -> dict[str, object]:
    return {
        "source": "file",
        "ticket_id": ticket_id,
        "kind": "fault",
        "severity": "major",
        "pool": "二云",
        "reported_at": local(reported),
        "arrived_at": local(reported),
        "restored_at": local(restored),
        "closed_at": local(restored) if closed else None,
    }


# Restored after 5 h: late by a 4 h limit, in time by 48 h.
ROWS = [
    fault("CLOSED-JULY", "2022-07-10 09:00", "2022-07-10 14:00", closed=True),
    fault("CLOSED-AUG", "2022-08-10 09:00", "2022-08-10 14:00", closed=True),
    fault("OPEN-AUG", "2022-08-11 09:00", "2022-08-11 14:00", closed=False),
]


def restores(engine: Engine) -> dict[int, str]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(RESULT_TABLE.c.ticket_pk, RESULT_TABLE.c.status).where(
                RESULT_TABLE.c.target_id == "major.restore"
            )
        )
        return {row.ticket_pk: row.status for row in rows}


def judged_under_4h_then_48h(engine: Engine, folder: Path) -> None:
    two_pools(folder, second_restore="4h")
    with engine.begin() as connection:
        upsert_tickets(connection, ROWS, TICKET_FIELDS, AT)
    run_evaluation(engine, load_contract_set(folder), AT)
    text = (folder / "pool2.yaml").read_text(encoding="utf-8")
    (folder / "pool2.yaml").write_text(text.replace("limit: 4h", "limit: 48h"), "utf-8")


def test_a_plain_evaluation_keeps_closed_verdicts_and_rejudges_open_ones(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "contracts"
    judged_under_4h_then_48h(engine, folder)
    before = restores(engine)
    assert sorted(before.values()) == ["breached"] * 3
    evaluation = run_evaluation(engine, load_contract_set(folder), AT)
    by_ticket = {
        r.ticket_id: r.status for r in evaluation.results if r.target_id == "major.restore"
    }
    # The closed tickets stay judged by the 4 h version; the open one follows 48 h.
    assert by_ticket == {
        "CLOSED-JULY": Status.BREACHED,
        "CLOSED-AUG": Status.BREACHED,
        "OPEN-AUG": Status.MET,
    }


def test_a_dry_run_shows_the_diff_and_stores_nothing(engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    judged_under_4h_then_48h(engine, folder)
    run_evaluation(engine, load_contract_set(folder), AT)
    stored = restores(engine)
    plan = plan_rejudge(engine, load_contract_set(folder), AT, local("2022-08-01 00:00"))
    assert [row.ticket_id for row in plan.tickets] == ["CLOSED-AUG"]
    changed = [(c.ticket.ticket_id, c.target_id, c.before, c.after) for c in plan.changes]
    assert [(t, target) for t, target, _, _ in changed] == [("CLOSED-AUG", "major.restore")]
    _, _, was, will = changed[0]
    assert (was.status, will.status) == (Status.BREACHED, Status.MET)  # type: ignore[union-attr]
    assert {score.period.label for score in plan.scores} == {"2022", "2022-08"}
    assert restores(engine) == stored


def test_a_rejudging_keeps_both_versions_writes_an_audit_entry_and_alerts_nobody(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "contracts"
    judged_under_4h_then_48h(engine, folder)
    contracts = load_contract_set(folder)
    hook = alert_hook(contracts.deployment, AlertingConfig(), AT)
    run_evaluation(engine, contracts, AT, on_stored=hook)
    with engine.connect() as connection:
        alerts_before = connection.execute(select(func.count()).select_from(ALERT)).scalar()
    plan = plan_rejudge(engine, contracts, AT)
    made = apply_rejudge(engine, plan, actor="监理张工", reason="补充协议一", now=NOW)
    assert made is not None
    assert sorted(restores(engine).values()) == ["met"] * 3
    [record] = rejudgings(engine)
    assert (record.actor, record.reason, record.tickets, record.changed) == (
        "监理张工",
        "补充协议一",
        2,
        2,
    )
    old = {(r.ticket_id, r.target_id): r.status for r in superseded_results(engine, made)}
    new = {(r.ticket_id, r.target_id): r.status for r in current_results_of(engine, made)}
    assert old[("CLOSED-JULY", "major.restore")] == "breached"
    assert new[("CLOSED-JULY", "major.restore")] == "met"
    assert set(old) == set(new)
    [entry] = [e for e in recent_entries(engine) if e.action == "rejudge"]
    assert entry.actor == "监理张工" and entry.details["reason"] == "补充协议一"
    # A later evaluation (the live service's, with its alert planner) changes nothing more
    # and raises no alert for the stages the rejudging changed.
    again = run_evaluation(engine, contracts, NOW, on_stored=hook)
    assert again.stored is not None and again.stored.changes == 0
    with engine.connect() as connection:
        alerts_after = connection.execute(select(func.count()).select_from(ALERT)).scalar()
    assert alerts_after == alerts_before
    assert plan_rejudge(engine, contracts, AT).tickets == []


def test_the_command_needs_a_reason_and_prints_the_diff(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    environment = {
        **os.environ,
        "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SLAMON_CONTRACT": str(folder),
    }

    def slamon(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "monitor", *args],
            capture_output=True,
            text=True,
            env=environment,
            cwd=tmp_path,
            timeout=120,
        )
        assert "Traceback" not in done.stdout + done.stderr
        return done

    two_pools(folder, second_restore="4h")
    sheet = tmp_path / "t.csv"
    sheet.write_text(
        "工单编号,类型,故障等级,资源池,报障时间,到场时间,恢复时间,关闭时间\n"
        "GZ-1,故障,重大,二云,2022-08-10 09:00,2022-08-10 09:20,2022-08-10 14:00,2022-08-11 09:00\n",
        encoding="utf-8",
    )
    assert slamon("import", "tickets", str(sheet)).returncode == 0
    assert slamon("evaluate", "--at", "2023-01-01T00:00").returncode == 0
    text = (folder / "pool2.yaml").read_text(encoding="utf-8")
    (folder / "pool2.yaml").write_text(text.replace("limit: 4h", "limit: 48h"), "utf-8")
    refused = slamon("rejudge", "--at", "2023-01-01T00:00")
    assert refused.returncode == 2 and "--reason" in refused.stderr
    dry = slamon("rejudge", "--at", "2023-01-01T00:00", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert (
        "重大故障解决时限  二云    超时违约  达标" in dry.stdout and "试运行，未保存" in dry.stdout
    )
    done = slamon("rejudge", "--at", "2023-01-01T00:00", "--reason", "补充协议", "--by", "张工")
    assert done.returncode == 0, done.stderr
    assert "已保存为第 1 次重新评估" in done.stdout
    history = slamon("rejudge", "history")
    assert "补充协议" in history.stdout and "张工" in history.stdout
    shown = slamon("rejudge", "show", "1")
    line = next(row for row in shown.stdout.splitlines() if "重大故障解决时限" in row)
    assert "超时违约" in line and "达标" in line
    assert slamon("rejudge", "show", "9").returncode == 2


def test_an_evaluation_of_some_tickets_keeps_their_closed_verdicts_too(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "contracts"
    judged_under_4h_then_48h(engine, folder)
    pks = sorted(restores(engine))
    # The live service evaluates a few tickets at a time (timers, ingest): the pins hold there.
    evaluation = run_evaluation(engine, load_contract_set(folder), AT, ticket_pks=pks[:2])
    statuses = {r.ticket_id: r.status for r in evaluation.results if r.target_id == "major.restore"}
    assert statuses == {"CLOSED-JULY": Status.BREACHED, "CLOSED-AUG": Status.BREACHED}
