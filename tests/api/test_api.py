"""The HTTP API served by a real uvicorn on loopback (scheduler not started, so nothing moves
on its own), on SQLite and PostgreSQL: tokens, per-item errors with nothing lost, size limits,
filters and pages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.storage.ingest import REJECTED
from monitor.storage.tables.results import TargetResultRow
from monitor.storage.tables.tickets import TicketRow
from monitor.storage.tokens import revoke_token
from tests.api.client import Client, bearer
from tests.conftest import local
from tests.serving import wait_until


def test_writing_without_a_token_is_refused(api: Client) -> None:
    answer = api.post("/api/v1/tickets", json={"tickets": []})
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"


def test_a_wrong_or_revoked_token_is_refused(api: Client, engine: Engine, token: str) -> None:
    assert (
        api.post("/api/v1/tickets", json={"tickets": []}, headers=bearer(token + "x")).status_code
        == 401
    )
    assert (
        api.post("/api/v1/tickets", json={"tickets": []}, headers=bearer(token)).status_code == 200
    )
    revoke_token(engine, "ingest", local("2024-06-03 10:00"))
    assert (
        api.post("/api/v1/tickets", json={"tickets": []}, headers=bearer(token)).status_code == 401
    )
    assert api.get("/api/v1/tickets", headers=bearer(token)).status_code == 401


def test_bad_items_are_listed_and_kept_while_the_good_ones_are_stored(
    api: Client, engine: Engine, token: str
) -> None:
    tickets = [
        {"工单编号": "GZ-1", "类型": "故障", "故障等级": "重大", "报障时间": "2024-06-03 10:00"},
        {"ticket_id": "GZ-2", "kind": "故障", "reported_at": "yesterday"},
        {"ticket_id": "GZ-3", "kind": "fault", "reported_at": "2024-06-03 10:00", "colour": "red"},
        "not an object",
    ]
    answer = api.post(
        "/api/v1/tickets", json={"source": "ops", "tickets": tickets}, headers=bearer(token)
    )
    assert answer.status_code == 200
    outcome = answer.json()
    assert (outcome["received"], outcome["inserted"]) == (4, 1)
    assert [(r["index"], r["ticket_id"], r["column"]) for r in outcome["rejected"]] == [
        (2, "GZ-2", "reported_at (报障时间)"),
        (3, "GZ-3", "colour"),
        (4, None, None),
    ]
    assert outcome["rejected"][0]["reason"].startswith("'yesterday' has no time of day")
    with engine.connect() as connection:
        kept = connection.execute(
            select(REJECTED.c.line, REJECTED.c.ticket_id).order_by(REJECTED.c.line)
        ).all()
    assert [tuple(row) for row in kept] == [(2, "GZ-2"), (3, "GZ-3"), (4, None)]
    listed = api.get("/api/v1/tickets", params={"source": "ops"}, headers=bearer(token))
    listed = listed.json()["items"]
    assert [(t["ticket_id"], t["reported_at"]) for t in listed] == [
        ("GZ-1", "2024-06-03T10:00:00+08:00")
    ]


def test_an_item_leaves_the_fields_it_does_not_carry_as_they_were(api: Client, token: str) -> None:
    first = {
        "ticket_id": "GZ-1",
        "kind": "fault",
        "severity": "major",
        "reported_at": "2024-06-03 10:00",
        "pool": "一云",
    }
    api.post("/api/v1/tickets", json={"tickets": [first]}, headers=bearer(token))
    later = {
        "ticket_id": "GZ-1",
        "kind": "fault",
        "reported_at": "2024-06-03 10:00",
        "arrived_at": "2024-06-03 10:20",
    }
    outcome = api.post("/api/v1/tickets", json={"tickets": [later]}, headers=bearer(token)).json()
    assert (outcome["inserted"], outcome["updated"]) == (0, 1)
    (ticket,) = api.get("/api/v1/tickets", headers=bearer(token)).json()["items"]
    assert (ticket["pool"], ticket["severity"], ticket["arrived_at"]) == (
        "一云",
        "major",
        "2024-06-03T10:20:00+08:00",
    )


def test_a_body_over_the_limit_is_refused_with_413_and_a_reason(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, token: str, serve_app: Any
) -> None:
    api = serve_app(engine, contract, calendar, max_request_bytes=2048)
    big = {
        "tickets": [
            {"ticket_id": f"T-{n}", "kind": "fault", "reported_at": "2024-06-03 10:00"}
            for n in range(100)
        ]
    }
    answer = api.post("/api/v1/tickets", json=big, headers=bearer(token))
    assert answer.status_code == 413
    assert "SLAMON_MAX_REQUEST_BYTES" in answer.json()["detail"]


def test_violations_are_filtered_and_paged(api: Client, token: str) -> None:
    times = {"reported_at": "2024-06-03 10:00", "arrived_at": "2024-06-03 11:00"}
    tickets = [
        {"ticket_id": f"GZ-{n}", "kind": "fault", "severity": "major", **times,
         "pool": "一云" if n % 2 else "二云", "restored_at": "2024-06-03 11:30"}
        for n in range(5)
    ]  # fmt: skip
    posted = api.post(
        "/api/v1/tickets",
        params={"wait": "evaluated"},
        json={"tickets": tickets},
        headers=bearer(token),
    )
    assert posted.status_code == 200
    first = api.get(
        "/api/v1/violations",
        params={"pool": "二云", "target": "major.arrival", "limit": 2},
        headers=bearer(token),
    ).json()
    assert [
        (v["ticket_id"], v["status"], v["status_zh"], v["overdue_seconds"]) for v in first["items"]
    ] == [
        ("GZ-0", "breached", "超时违约", 1800),
        ("GZ-2", "breached", "超时违约", 1800),
    ]
    rest = api.get(
        "/api/v1/violations",
        params={
            "pool": "二云",
            "target": "major.arrival",
            "limit": 2,
            "after": first["next_after"],
        },
        headers=bearer(token),
    ).json()
    assert [v["ticket_id"] for v in rest["items"]] == ["GZ-4"]
    assert rest["next_after"] is None
    late = api.get("/api/v1/violations", params={"status": "late"}, headers=bearer(token))
    assert late.status_code == 422


def test_the_openapi_spec_describes_the_endpoints(api: Client) -> None:
    paths = api.get("/openapi.json").json()["paths"]
    assert {"/api/v1/tickets", "/api/v1/violations", "/healthz", "/readyz", "/metrics"} <= set(
        paths
    )
    assert "post" in paths["/api/v1/tickets"] and "get" in paths["/api/v1/tickets"]


def test_readyz_is_503_until_the_scheduler_has_caught_up(api: Client) -> None:
    answer = api.get("/readyz")
    assert answer.status_code == 503
    assert answer.json()["checks"] == {
        "database": "ok",
        "scheduler": "stopped",
        "caught_up": False,
        "evaluation": "ok",
        "storage": "ok",
    }


MAJOR = {"工单编号": "GZ-9", "类型": "故障", "故障等级": "重大", "报障时间": "2024-06-03 10:00"}


def results_of(engine: Engine, ticket_id: str) -> int:
    """How many target results the ticket has stored."""
    with engine.connect() as connection:
        joined = select(TargetResultRow.ticket_pk).join(
            TicketRow,
            TicketRow.id == TargetResultRow.ticket_pk,  # type: ignore[arg-type]
        )
        return len(connection.execute(joined.where(TicketRow.ticket_id == ticket_id)).all())


def test_a_batch_is_answered_once_stored_and_evaluated_right_after(
    api: Client, engine: Engine, token: str
) -> None:
    answer = api.post("/api/v1/tickets", json={"tickets": [MAJOR]}, headers=bearer(token))
    outcome = answer.json()
    assert (outcome["inserted"], outcome["evaluated"], outcome["evaluation"]) == (
        1,
        False,
        "queued",
    )
    assert wait_until(lambda: results_of(engine, "GZ-9"), timeout=20)


def test_wait_evaluated_answers_once_the_batch_is_evaluated(
    api: Client, engine: Engine, token: str
) -> None:
    answer = api.post(
        "/api/v1/tickets",
        params={"wait": "evaluated"},
        json={"tickets": [MAJOR]},
        headers=bearer(token),
    )
    outcome = answer.json()
    assert (outcome["evaluated"], outcome["evaluation"]) == (True, "done")
    assert results_of(engine, "GZ-9") > 0
    bad = api.post(
        "/api/v1/tickets", params={"wait": "soon"}, json={"tickets": []}, headers=bearer(token)
    )
    assert bad.status_code == 422
