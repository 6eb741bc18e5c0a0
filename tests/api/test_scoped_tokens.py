"""Scoped tokens through the real app, on SQLite and PostgreSQL: a token writes only its own
source's tickets in its pools, and every write names it; reads need a token by default and
show only its pools; /metrics takes its own scrape token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from collectors.tickets.file_import import import_tickets
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.runs.evaluate import run_evaluation
from monitor.storage.ingest import IMPORT_RUN, REJECTED
from monitor.storage.results import RESULT_TABLE
from monitor.storage.tickets import TICKET_TABLE
from monitor.storage.tokens import TOKEN, create_token
from tests.api.client import Client, bearer
from tests.conftest import local

CREATED = local("2024-06-03 09:00")
# The supervisor's export: a major fault in 二云, on site 30 minutes late, restored 8 h after.
SUPERVISOR_FILE = (
    "工单编号,类型,故障等级,资源池,报障时间,到场时间,恢复时间\n"
    "GZ-7,故障,重大,二云,2024-06-03 10:00,2024-06-03 11:00,2024-06-03 18:00\n"
)
# The same ticket as a pool-1 token forged it: on time, and moved to 一云.
FORGED = {
    "ticket_id": "GZ-7",
    "kind": "故障",
    "severity": "重大",
    "pool": "一云",
    "reported_at": "2024-06-03 10:00",
    "arrived_at": "2024-06-03 10:10",
    "restored_at": "2024-06-03 10:20",
}
SECRET = "scrape-0123456789abcdef-secret"


def fault(ticket_id: str, **values: Any) -> dict[str, Any]:
    return {"ticket_id": ticket_id, "kind": "fault", "reported_at": "2024-06-03 10:00", **values}


def post(api: Client, token: str, tickets: list[Any], **batch: Any) -> dict[str, Any]:
    answer = api.post(
        "/api/v1/tickets",
        params={"wait": "evaluated"},
        json={**batch, "tickets": tickets},
        headers=bearer(token),
    )
    assert answer.status_code == 200, answer.text
    outcome: dict[str, Any] = answer.json()
    return outcome


def stored(engine: Engine) -> list[tuple[str, str, str | None]]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(TICKET_TABLE.c.source, TICKET_TABLE.c.ticket_id, TICKET_TABLE.c.pool)
        ).all()
    return sorted((row.source, row.ticket_id, row.pool) for row in rows)


def refusals(outcome: dict[str, Any]) -> list[tuple[int, str | None, str | None]]:
    return [(r["index"], r["ticket_id"], r["column"]) for r in outcome["rejected"]]


def test_a_pool1_token_cannot_rewrite_the_supervisors_file_imported_pool2_ticket(
    api: Client, engine: Engine, contract: Contract, calendar: BusinessCalendar, tmp_path: Path
) -> None:
    path = tmp_path / "supervisor.csv"
    path.write_text(SUPERVISOR_FILE, encoding="utf-8")
    import_tickets(engine, path, contract, source="file", now=local("2024-06-04 09:00"))
    run_evaluation(engine, ContractSet.single(contract, calendar), local("2024-06-04 09:00"))
    token = create_token(engine, "pool1-ops", CREATED, source="pool1-desk", pools=("一云",))

    outcome = post(api, token, [FORGED], source="file")

    assert (outcome["inserted"], outcome["updated"]) == (0, 0)
    [refused] = outcome["rejected"]
    assert (refused["index"], refused["ticket_id"], refused["column"]) == (
        1,
        "GZ-7",
        "source (来源)",
    )
    assert refused["reason"].startswith("已有工单属于来源 'file'，此令牌只能写入来源 'pool1-desk'")
    assert "this token writes only source 'pool1-desk'" in refused["reason"]
    assert stored(engine) == [("file", "GZ-7", "二云")]
    with engine.connect() as connection:
        statuses = dict(
            connection.execute(select(RESULT_TABLE.c.target_id, RESULT_TABLE.c.status)).all()
        )
        token_id = connection.execute(
            select(TOKEN.c.id).where(TOKEN.c.name == "pool1-ops")
        ).scalar_one()
        runs = connection.execute(
            select(IMPORT_RUN.c.source, IMPORT_RUN.c.token_id, IMPORT_RUN.c.rows_rejected).order_by(
                IMPORT_RUN.c.id
            )
        ).all()
        kept = connection.execute(select(REJECTED.c.ticket_id, REJECTED.c.raw)).all()
    assert (statuses["major.arrival"], statuses["major.restore"]) == ("breached", "breached")
    # The file's import run has no token; the refused batch's names the token that sent it.
    assert [tuple(run) for run in runs] == [("file", None, 0), ("file", token_id, 1)]
    assert [row.ticket_id for row in kept] == ["GZ-7"] and "10:10" in kept[0].raw


def test_a_token_cannot_move_a_ticket_out_of_its_pools(api: Client, engine: Engine) -> None:
    token = create_token(engine, "pool1-ops", CREATED, source="desk", pools=("一云",))
    assert post(api, token, [fault("GZ-1", pool="一云")])["inserted"] == 1

    outcome = post(
        api,
        token,
        [fault("GZ-1", pool="二云"), fault("GZ-1", pool=None), fault("GZ-2", pool="一云")],
    )

    assert refusals(outcome) == [(1, "GZ-1", "pool (资源池)"), (2, "GZ-1", "pool (资源池)")]
    assert outcome["rejected"][0]["reason"].startswith("资源池 '二云' 不在此令牌的资源池（一云）内")
    assert "needs one of this token's pools: 一云" in outcome["rejected"][1]["reason"]
    assert outcome["inserted"] == 1  # the good item of the batch is stored
    assert stored(engine) == [("desk", "GZ-1", "一云"), ("desk", "GZ-2", "一云")]


def test_a_token_cannot_change_or_move_in_a_ticket_of_another_pool(
    api: Client, engine: Engine
) -> None:
    desk = create_token(engine, "desk", CREATED, source="desk", pools=None)
    post(api, desk, [fault("GZ-2", pool="二云"), fault("GZ-3")])
    pool1 = create_token(engine, "pool1-ops", CREATED, source="desk", pools=("一云",))

    outcome = post(
        api,
        pool1,
        [
            fault("GZ-2", pool="一云"),  # into its pools
            fault("GZ-2", arrived_at="2024-06-03 10:05"),  # its pool kept
            fault("GZ-3", arrived_at="2024-06-03 10:05"),  # no pool at all
            fault("GZ-4"),  # a new ticket without a pool
        ],
    )

    assert [r[0] for r in refusals(outcome)] == [1, 2, 3, 4]
    assert outcome["rejected"][0]["reason"].startswith(
        "已有工单在资源池 '二云'，不在此令牌的资源池（一云）内，不能修改或移出"
    )
    assert (outcome["inserted"], outcome["updated"]) == (0, 0)
    assert stored(engine) == [("desk", "GZ-2", "二云"), ("desk", "GZ-3", None)]


def test_a_token_of_source_a_cannot_overwrite_source_b(api: Client, engine: Engine) -> None:
    desk_b = create_token(engine, "desk-b", CREATED, source="desk-b", pools=None)
    post(api, desk_b, [fault("T-1", pool="一云", title="B's")])
    desk_a = create_token(engine, "desk-a", CREATED, source="desk-a", pools=None)

    refused = post(api, desk_a, [fault("T-1", pool="一云", title="A's")], source="desk-b")
    own = post(api, desk_a, [fault("T-1", pool="一云", title="A's")])

    assert refusals(refused) == [(1, "T-1", "source (来源)")]
    assert own["inserted"] == 1  # without a source the batch is the token's own
    assert stored(engine) == [("desk-a", "T-1", "一云"), ("desk-b", "T-1", "一云")]
    titles = api.get("/api/v1/tickets", params={"source": "desk-b"}, headers=bearer(desk_b))
    assert [t["title"] for t in titles.json()["items"]] == ["B's"]


def test_a_new_source_is_refused_to_a_token_of_another(api: Client, engine: Engine) -> None:
    token = create_token(engine, "desk-a", CREATED, source="desk-a", pools=("一云",))
    outcome = post(api, token, [fault("N-1", pool="一云")], source="anything")
    assert refusals(outcome) == [(1, "N-1", "source (来源)")]
    assert outcome["rejected"][0]["reason"].startswith(
        "工单将属于来源 'anything'，此令牌只能写入来源 'desk-a'"
    )
    assert stored(engine) == []


def test_a_read_only_token_cannot_write(api: Client, engine: Engine) -> None:
    token = create_token(engine, "wall", CREATED, source=None, pools=None)
    answer = api.post("/api/v1/tickets", json={"tickets": [fault("X")]}, headers=bearer(token))
    assert answer.status_code == 403
    assert answer.json()["detail"].startswith("只读令牌不能写入")
    assert api.get("/api/v1/tickets", headers=bearer(token)).status_code == 200


def test_reads_without_a_token_are_refused_by_default(api: Client, token: str) -> None:
    post(api, token, [fault("GZ-1", pool="一云", title="机房断电")])
    for path in ("/api/v1/tickets", "/api/v1/violations", "/metrics"):
        answer = api.get(path)
        assert answer.status_code == 401, path
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "机房断电" not in answer.text
    assert api.get("/healthz").json() == {"status": "ok"}
    assert api.get("/readyz").status_code == 503  # open, and not ready: the scheduler is off


def test_open_reads_still_answer_callers_without_a_token(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, token: str, serve_app: Any
) -> None:
    api = serve_app(engine, contract, calendar, read_access="open")
    post(api, token, [fault("GZ-1", pool="一云"), fault("GZ-2", pool="二云")])
    listed = api.get("/api/v1/tickets").json()["items"]
    assert [t["ticket_id"] for t in listed] == ["GZ-1", "GZ-2"]
    assert api.get("/api/v1/violations").status_code == 200
    assert api.get("/metrics").status_code == 200
    assert api.get("/api/v1/tickets", headers=bearer("slamon_wrong")).status_code == 401


def test_reads_with_a_pool_token_show_only_its_pools(
    api: Client, engine: Engine, token: str
) -> None:
    times = {"severity": "major", "arrived_at": "2024-06-03 11:00"}  # 30 min late: breached
    post(
        api,
        token,
        [
            fault("GZ-1", pool="一云", **times),
            fault("GZ-2", pool="二云", title="二云机房", **times),
        ],
    )
    reader = create_token(engine, "pool1-wall", CREATED, source=None, pools=("一云",))
    headers = bearer(reader)

    listed = api.get("/api/v1/tickets", headers=headers).json()["items"]
    asked = api.get("/api/v1/tickets", params={"pool": "二云"}, headers=headers).json()["items"]
    found = api.get("/api/v1/tickets", params={"q": "GZ-2"}, headers=headers).json()["items"]
    violations = api.get("/api/v1/violations", headers=headers).json()["items"]

    assert [t["ticket_id"] for t in listed] == ["GZ-1"]
    assert asked == found == []
    assert {v["ticket_id"] for v in violations} == {"GZ-1"}
    everyone = api.get("/api/v1/violations", headers=bearer(token)).json()["items"]
    assert {v["ticket_id"] for v in everyone} == {"GZ-1", "GZ-2"}
    # /metrics adds up every pool: not for a token limited to some.
    metrics = api.get("/metrics", headers=headers)
    assert metrics.status_code == 403 and "二云" not in metrics.text


def test_metrics_with_a_scrape_token_needs_exactly_that_token(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, token: str, serve_app: Any
) -> None:
    api = serve_app(engine, contract, calendar, metrics_token=SECRET)
    assert api.get("/metrics").status_code == 401
    assert api.get("/metrics", headers=bearer(token)).status_code == 401  # an API token
    assert api.get("/metrics", headers=bearer(SECRET + "x")).status_code == 401
    scraped = api.get("/metrics", headers=bearer(SECRET))
    assert scraped.status_code == 200 and "slamon_open_breaches" in scraped.text
    assert api.get("/api/v1/tickets", headers=bearer(SECRET)).status_code == 401
