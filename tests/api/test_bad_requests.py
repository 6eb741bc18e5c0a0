"""Every bad request is a 4xx with a reason, and a database that fails under a request is a 503
with Retry-After: the API served on loopback, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import threading
import time
from typing import Any

import pytest
from sqlalchemy import Engine, event, select, text

from monitor.storage.ingest import REJECTED
from monitor.storage.tokens import create_token
from tests.api.client import Client, bearer
from tests.conftest import local
from tests.serving import wait_until

GOOD = {
    "ticket_id": "GZ-1",
    "kind": "fault",
    "severity": "major",
    "reported_at": "2024-06-03 10:00",
}


def post_raw(api: Client, token: str, body: str) -> Any:
    """A JSON body sent as written: requests' own encoder cannot send a lone surrogate."""
    headers = {**bearer(token), "content-type": "application/json"}
    return api.post("/api/v1/tickets", data=body.encode("ascii"), headers=headers)


def test_a_lone_surrogate_rejects_its_item_and_the_good_ones_are_stored(
    api: Client, engine: Engine, token: str
) -> None:
    good = json.dumps(GOOD)
    bad = (
        '{"ticket_id": "GZ-2", "kind": "fault", "title": "x\\udc00y", "reported_at": "2024-06-03"}'
    )
    answer = post_raw(api, token, f'{{"source": "ops", "tickets": [{good}, {bad}]}}')
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    assert (outcome["received"], outcome["inserted"]) == (2, 1)
    assert [(r["index"], r["ticket_id"]) for r in outcome["rejected"]] == [(2, "GZ-2")]
    assert "surrogate" in outcome["rejected"][0]["reason"]
    with engine.connect() as connection:
        kept = connection.execute(select(REJECTED.c.line, REJECTED.c.raw)).all()
    assert [row.line for row in kept] == [2] and "\ufffd" in kept[0].raw
    listed = api.get("/api/v1/tickets", params={"source": "ops"}, headers=bearer(token))
    listed = listed.json()["items"]
    assert [t["ticket_id"] for t in listed] == ["GZ-1"]


def test_a_lone_surrogate_in_the_source_is_a_422_with_a_reason(api: Client, token: str) -> None:
    answer = post_raw(api, token, '{"source": "ops\\udc00", "tickets": []}')
    assert answer.status_code == 422, answer.text
    [problem] = answer.json()["detail"]
    assert problem["loc"] == ["body", "source"] and problem["input"] == "ops\udc00"


def test_a_filter_date_past_the_years_1_to_9999_is_a_422_with_a_reason(
    api: Client, token: str
) -> None:
    moments = (
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "0001-01-01T00:00:00",  # no offset: in the contract's zone, +08:00
    )
    for path in ("/api/v1/tickets", "/api/v1/violations"):
        for name in ("reported_from", "reported_before"):
            for moment in moments:
                answer = api.get(path, params={name: moment}, headers=bearer(token))
                assert answer.status_code == 422, (path, name, moment, answer.text)
                [problem] = answer.json()["detail"]
                assert problem["loc"] == ["query", name]
                assert "1–9999" in problem["msg"]


def test_a_filter_date_at_the_limits_inside_them_is_answered(api: Client, token: str) -> None:
    for moment in ("0001-01-01T08:00:00+08:00", "9999-12-31T23:59:59+00:00"):
        answer = api.get("/api/v1/tickets", params={"reported_from": moment}, headers=bearer(token))
        assert answer.status_code == 200, answer.text


def test_a_filter_date_without_an_offset_is_in_the_contracts_zone(api: Client, token: str) -> None:
    body = {"tickets": [GOOD]}  # 02:00 UTC
    assert api.post("/api/v1/tickets", json=body, headers=bearer(token)).status_code == 200
    found = [
        len(
            api.get("/api/v1/tickets", params={"reported_from": at}, headers=bearer(token)).json()[
                "items"
            ]
        )
        for at in ("2024-06-03T10:00:00", "2024-06-03T10:00:01", "2024-06-03T02:00:00+00:00")
    ]
    assert found == [1, 0, 1]


def backends_waiting_on_a_lock(admin: Any, database: str) -> list[int]:
    return list(
        admin.execute(
            text(
                "SELECT pid FROM pg_stat_activity WHERE datname = :db AND wait_event_type = 'Lock'"
            ),
            {"db": database},
        ).scalars()
    )


@pytest.mark.postgres
def test_a_connection_dropped_during_a_write_is_a_503_with_retry_after(
    postgres_engine: Engine, contract: Any, calendar: Any, serve_app: Any
) -> None:
    api = serve_app(postgres_engine, contract, calendar)
    token = create_token(
        postgres_engine, "ingest", local("2024-06-03 09:00"), source="api", pools=None
    )
    database = postgres_engine.url.database
    answers: list[Any] = []
    with (
        postgres_engine.connect() as holder,
        # Autocommit: pg_stat_activity is read anew by each statement, not once a transaction.
        postgres_engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin,
    ):
        # The write waits for this lock; its backend is then ended from outside, mid-statement.
        holder.execute(text("LOCK TABLE ticket IN ACCESS EXCLUSIVE MODE"))
        body = {"tickets": [GOOD]}
        writer = threading.Thread(
            target=lambda: answers.append(
                api.post("/api/v1/tickets", json=body, headers=bearer(token))
            )
        )
        writer.start()
        waiting = wait_until(lambda: backends_waiting_on_a_lock(admin, database), timeout=20)
        assert waiting, "the write never reached the database"
        for pid in waiting:
            admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        writer.join(timeout=30)
        holder.rollback()
    [answer] = answers
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"].isdigit()
    detail = answer.json()["detail"]
    assert detail.startswith("数据库连接中断")
    assert detail.endswith("send the request again")
    time.sleep(0.1)
    again = api.post("/api/v1/tickets", json=body, headers=bearer(token))
    assert again.status_code == 200 and again.json()["inserted"] == 1


def test_a_full_database_is_a_503_with_retry_after(
    sqlite_engine: Engine, contract: Any, calendar: Any, serve_app: Any
) -> None:
    api = serve_app(sqlite_engine, contract, calendar)
    token = create_token(
        sqlite_engine, "ingest", local("2024-06-03 09:00"), source="api", pools=None
    )
    # SQLite's page limit gives its real SQLITE_FULL, as a full disk does (tests/faults has the
    # disk itself); it holds per connection, so every connection of the pool gets it.
    limit = f"PRAGMA max_page_count = {page_count(sqlite_engine)}"
    event.listen(sqlite_engine, "connect", lambda dbapi, _record: dbapi.execute(limit))
    sqlite_engine.dispose()
    tickets = [{**GOOD, "ticket_id": f"GZ-{n}", "title": "x" * 2000} for n in range(200)]
    answer = api.post("/api/v1/tickets", json={"tickets": tickets}, headers=bearer(token))
    assert answer.status_code == 503, answer.text
    assert answer.headers["retry-after"].isdigit()
    assert answer.json()["detail"].startswith("存储空间不足")
    assert api.get("/api/v1/tickets", headers=bearer(token)).json()["items"] == []


def page_count(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("PRAGMA page_count")).scalar_one())
