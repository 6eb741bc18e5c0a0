"""Each ticket judged by its own contract: by pool, by validity, none for a ticket no contract
covers; every stored result names the version that judged it (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from monitor.cli.demo_cmd import SAMPLE_TICKETS
from monitor.contract.contract_set import load_contract_set
from monitor.domain.viewer import Role, Viewer
from monitor.exports.prometheus import SlamonCollector
from monitor.rules.judging import judge_tickets
from monitor.runs.evaluate import run_evaluation
from monitor.storage.results import RESULT_TABLE, VERSION_TABLE
from monitor.storage.tickets import TICKET_FIELDS, load_tickets, upsert_tickets
from monitor.views.incident import find_ticket, incident_detail
from tests.conftest import local
from tests.contract.contracts_dir import contract_text, two_pools

AT = local("2023-01-01 00:00")
SUPERVISOR = Viewer("监理", Role.SUPERVISOR)
IMPORTED = local("2023-01-01 00:00")


def fault(ticket_id: str, pool: str | None, reported: str, restored: str) -> dict[str, object]:
    return {
        "source": "file",
        "ticket_id": ticket_id,
        "kind": "fault",
        "severity": "major",
        "pool": pool,
        "operator": f"{pool}运营单位" if pool else None,
        "reported_at": local(reported),
        "arrived_at": local(reported),
        "restored_at": local(restored),
    }


# Restored after 5 h: late by 2 h, in time by 48 h.
ROWS = [
    fault("P1", "一云", "2022-08-10 09:00", "2022-08-10 14:00"),
    fault("P2", "二云", "2022-08-10 09:00", "2022-08-10 14:00"),
    fault("P3", "三云", "2022-08-10 09:00", "2022-08-10 14:00"),
    fault("P4", None, "2022-08-10 09:00", "2022-08-10 14:00"),
]


def store(engine: Engine, rows: list[dict[str, object]]) -> None:
    with engine.begin() as connection:
        upsert_tickets(connection, rows, TICKET_FIELDS, IMPORTED)


def test_two_contracts_judge_the_same_tickets_by_their_pool(engine: Engine, tmp_path: Path) -> None:
    contracts = load_contract_set(two_pools(tmp_path / "contracts", second_restore="48h"))
    store(engine, ROWS)
    evaluation = run_evaluation(engine, contracts, AT)
    restore = {r.ticket_id: r for r in evaluation.results if r.target_id == "major.restore"}
    assert restore["P1"].status.value == "breached"
    assert restore["P2"].status.value == "met"
    assert restore["P1"].contract == contracts.contracts[0].ref
    assert restore["P2"].contract == contracts.contracts[1].ref
    # Neither 三云 nor a ticket without a pool has a contract: listed, not judged.
    assert sorted(ticket.ticket_id for ticket in evaluation.uncovered) == ["P3", "P4"]
    assert {r.ticket_id for r in evaluation.results} == {"P1", "P2"}
    with engine.connect() as connection:
        stored = {
            (row.target_id, row.contract_version)
            for row in connection.execute(select(RESULT_TABLE))
        }
        kept = {row.version: row.name for row in connection.execute(select(VERSION_TABLE))}
    versions = {judging.ref.version: judging.contract.name for judging in contracts}
    assert kept == versions
    assert {version for _, version in stored} == set(versions)
    # The same judging from Ticket objects (the scorecard's and the report's path).
    judged = judge_tickets(load_tickets(engine).tickets, contracts, AT)
    assert sorted(judged.results, key=repr) == sorted(evaluation.results, key=repr)
    assert sorted(t.ticket_id for t in judged.uncovered) == ["P3", "P4"]


def test_a_ticket_before_valid_from_is_judged_by_the_earlier_contract(
    engine: Engine, tmp_path: Path
) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    earlier = "scope: {pools: [一云]}\nvalid_until: 2020-01-01\n"
    later = "scope: {pools: [一云]}\nvalid_from: 2020-01-01\n"
    (folder / "a_2019.yaml").write_text(contract_text("旧合同", earlier, "48h"), "utf-8")
    (folder / "b_2020.yaml").write_text(contract_text("新合同", later), "utf-8")
    contracts = load_contract_set(folder)
    store(
        engine,
        [
            fault("OLD", "一云", "2019-12-31 23:30", "2020-01-01 04:30"),
            fault("NEW", "一云", "2020-01-01 00:00", "2020-01-01 05:00"),
        ],
    )
    evaluation = run_evaluation(engine, contracts, AT)
    restore = {r.ticket_id: r for r in evaluation.results if r.target_id == "major.restore"}
    assert (restore["OLD"].status.value, restore["OLD"].contract.name) == ("met", "旧合同")  # type: ignore[union-attr]
    assert (restore["NEW"].status.value, restore["NEW"].contract.name) == ("breached", "新合同")  # type: ignore[union-attr]
    assert list(evaluation.uncovered) == []


def test_changing_a_contract_file_names_the_new_version_on_each_result(
    engine: Engine, tmp_path: Path
) -> None:
    folder = two_pools(tmp_path / "contracts")
    store(engine, ROWS[:2])
    run_evaluation(engine, load_contract_set(folder), AT)
    text = (folder / "pool2.yaml").read_text(encoding="utf-8")
    (folder / "pool2.yaml").write_text(text + "# 补充协议一\n", encoding="utf-8")
    contracts = load_contract_set(folder)
    run_evaluation(engine, contracts, AT)
    with engine.connect() as connection:
        by_ticket = {
            row.contract_version
            for row in connection.execute(select(RESULT_TABLE.c.contract_version))
        }
        kept = connection.execute(select(VERSION_TABLE.c.version)).scalars().all()
    assert by_ticket == {judging.ref.version for judging in contracts}
    assert len(kept) == 3  # both versions of 二云's file stay readable


def slamon(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "SLAMON_DATABASE_URL": f"sqlite:///{folder / 'cli.db'}",
        "SLAMON_CONTRACT": str(folder / "contracts"),
    }
    done = subprocess.run(
        [sys.executable, "-m", "monitor", *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=folder,
        timeout=120,
    )
    assert "Traceback" not in done.stderr + done.stdout
    return done


@pytest.fixture
def cli_folder(tmp_path: Path) -> Path:
    two_pools(tmp_path / "contracts")
    assert slamon(tmp_path, "import", "tickets", str(SAMPLE_TICKETS)).returncode == 0
    return tmp_path


def test_evaluate_names_each_results_contract_and_lists_the_uncovered(cli_folder: Path) -> None:
    sheet = SAMPLE_TICKETS.read_text(encoding="utf-8").splitlines()
    stray = sheet[1].replace("GZ-2022-0031", "GZ-2022-9999").replace(",一云,", ",三云,")
    (cli_folder / "stray.csv").write_text(f"{sheet[0]}\n{stray}\n", encoding="utf-8")
    assert slamon(cli_folder, "import", "tickets", "stray.csv").returncode == 0
    done = slamon(cli_folder, "evaluate", "--at", "2023-04-07T00:00", "--format", "json")
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    names = {
        r["ticket_id"]: r["contract"]["name"]
        for r in document["results"]
        if r["target"] == "major.restore"
    }
    assert names["GZ-2022-0031"] == "一云运营服务合同"
    assert names["GZ-2022-0102"] == "二云运营服务合同"
    assert [t["ticket_id"] for t in document["uncovered"]] == ["GZ-2022-9999"]
    assert [c["scope"]["pools"] for c in document["contracts"]] == [["一云"], ["二云"]]
    assert "1 张工单没有适用的合同" in done.stderr and "GZ-2022-9999" in done.stderr
    table = slamon(cli_folder, "evaluate", "--at", "2023-04-07T00:00")
    assert "合同 一云运营服务合同" in table.stdout and "资源池 二云" in table.stdout


def test_the_report_names_the_contract_of_each_violation(cli_folder: Path) -> None:
    done = slamon(
        cli_folder, "report", "--period", "2022", "--at", "2023-04-07T00:00", "--format", "md",
        "-o", "-",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "## 适用合同" in text and "资源池 一云" in text
    violations = text.split("## 违约明细", 1)[1].split("\n## ", 1)[0]
    line = next(row for row in violations.splitlines() if row.startswith("| GZ-2022-0102 "))
    assert "二云运营服务合同（版本 " in line


def test_metrics_count_the_tickets_no_contract_covers(
    sqlite_engine: Engine, tmp_path: Path
) -> None:
    contracts = load_contract_set(two_pools(tmp_path / "contracts"))
    store(sqlite_engine, ROWS)
    run_evaluation(sqlite_engine, contracts, AT)
    collector = SlamonCollector(sqlite_engine, contracts.deployment, now=lambda: AT)
    found = {metric.name: metric for metric in collector.collect()}
    assert [sample.value for sample in found["slamon_uncovered_tickets"].samples] == [2]


EXAMPLES = Path(__file__).resolve().parents[2] / "config/contracts/examples/zhongshan"


def test_the_zhongshan_example_judges_each_pool_by_its_own_terms(tmp_path: Path) -> None:
    contracts = load_contract_set(EXAMPLES)
    assert contracts.scheme.name == "电子政务云服务平台项目绩效评价方案"
    environment = {
        **os.environ,
        "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "SLAMON_CONTRACT": str(EXAMPLES),
    }
    run = [sys.executable, "-m", "monitor"]
    imported = subprocess.run(
        [*run, "import", "tickets", str(SAMPLE_TICKETS)], env=environment, capture_output=True
    )
    assert imported.returncode == 0, imported.stderr
    done = subprocess.run(
        [*run, "evaluate", "--at", "2023-04-07T00:00", "--format", "json"],
        env=environment,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["uncovered"] == []
    restore = {r["ticket_id"]: r for r in document["results"] if r["target"] == "major.restore"}
    # 二云's 48 h against 一云's 2 h, for faults reported at 11:41 and 09:12.
    assert restore["GZ-2022-0102"]["deadline"] == "2022-08-12T11:41:00+08:00"
    assert restore["GZ-2022-0102"]["contract"]["name"] == "二云运营服务合同（中国电信广东）"
    assert restore["GZ-2022-0031"]["deadline"] == "2022-03-14T11:12:00+08:00"
    checked = subprocess.run(
        [*run, "contract", "check", str(EXAMPLES)], env=environment, capture_output=True, text=True
    )
    assert checked.returncode == 0 and "自 2019-01-01 起至 2024-01-01 前" in checked.stdout


def test_the_incident_evidence_names_the_contract_and_its_own_wording(
    engine: Engine, tmp_path: Path
) -> None:
    contracts = load_contract_set(two_pools(tmp_path / "contracts", second_restore="48h"))
    store(engine, ROWS[:2])
    run_evaluation(engine, contracts, AT)
    for ticket_id, name, wording in (
        ("P1", "一云运营服务合同", "重大故障2小时解决故障"),
        ("P2", "二云运营服务合同", "重大故障48h内解决"),
    ):
        pk = find_ticket(engine, SUPERVISOR, ticket_id)
        assert pk is not None
        detail = incident_detail(engine, SUPERVISOR, contracts.deployment, pk)
        assert detail is not None
        [clock] = [c for c in detail.clocks if c.target_id == "major.restore"]
        assert clock.judged_by == name and clock.judged_version
        assert clock.rule_zh == wording
