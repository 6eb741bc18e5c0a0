"""/openapi.json describes every answer's fields and types, and real answers fit the models
behind it exactly: same keys, in the same order, with the same values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import jsonschema_rs
from pydantic import BaseModel
from sqlalchemy import Engine

from monitor.api.schemas import (
    BatchOutcome,
    ErrorDetail,
    Readiness,
    TicketItem,
    TicketPage,
    ViolationItem,
    ViolationPage,
)
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.service.collector_jobs import CollectorJob, CollectorOutcome
from monitor.storage.collector_state import record_collector_run
from monitor.storage.tickets import TICKET_FIELDS
from tests.api.client import Client, bearer

OPERATIONS = {
    ("post", "/api/v1/tickets"),
    ("get", "/api/v1/tickets"),
    ("get", "/api/v1/violations"),
    ("get", "/healthz"),
    ("get", "/readyz"),
    ("get", "/metrics"),
}
SCALARS = {"string", "integer", "number", "boolean", "null"}


def _resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        schema = document["components"]["schemas"][name]
    return schema


def _untyped(document: dict[str, Any], schema: dict[str, Any], where: str) -> list[str]:
    """Where under `schema` a value's type is left open: `{}`, or an object without fields."""
    schema = _resolved(document, schema)
    for combinator in ("anyOf", "oneOf", "allOf"):
        if combinator in schema:
            return [
                gap
                for n, option in enumerate(schema[combinator])
                for gap in _untyped(document, option, f"{where}|{n}")
            ]
    kind = schema.get("type")
    if kind == "object":
        if not schema.get("properties") or schema.get("additionalProperties"):
            return [where]
        return [
            gap
            for name, field in schema["properties"].items()
            for gap in _untyped(document, field, f"{where}.{name}")
        ]
    if kind == "array":
        return _untyped(document, schema.get("items", {}), f"{where}[]")
    return [] if kind in SCALARS else [where]


def _responses(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (f"{method.upper()} {path}", code, answer)
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        for code, answer in operation["responses"].items()
    ]


def test_every_success_answer_declares_its_fields_and_their_types(api: Client) -> None:
    document = api.get("/openapi.json").json()
    operations = {(m, p) for p, ops in document["paths"].items() for m in ops}
    assert operations == OPERATIONS
    successes = [r for r in _responses(document) if r[1].startswith("2")]
    assert {operation for operation, _, _ in successes} == {
        f"{m.upper()} {p}" for m, p in OPERATIONS
    }
    for operation, code, answer in successes:
        content = answer.get("content")
        assert content, f"{operation} {code} declares no body"
        for media, body in content.items():
            if media == "application/json":
                top = _resolved(document, body["schema"])
                assert top.get("type") == "object" and top.get("properties"), (operation, code)
                assert _untyped(document, body["schema"], operation) == [], (operation, code)
            else:  # the Prometheus exposition is text, and says so
                assert (operation, media, body["schema"]) == (
                    "GET /metrics",
                    "text/plain",
                    {"type": "string"},
                )


STORED = ("POST /api/v1/tickets", "GET /api/v1/tickets", "GET /api/v1/violations", "GET /metrics")


def test_the_structured_refusals_are_documented_with_their_fields(api: Client) -> None:
    document = api.get("/openapi.json").json()
    refusals = {(op, code): answer for op, code, answer in _responses(document) if int(code) >= 400}
    expected = {
        ("POST /api/v1/tickets", "401"): "ErrorDetail",
        ("POST /api/v1/tickets", "403"): "ErrorDetail",
        ("POST /api/v1/tickets", "413"): "ErrorDetail",
        ("POST /api/v1/tickets", "422"): "HTTPValidationError",
        ("GET /api/v1/tickets", "401"): "ErrorDetail",
        ("GET /api/v1/tickets", "422"): "HTTPValidationError",
        ("GET /api/v1/violations", "401"): "ErrorDetail",
        ("GET /api/v1/violations", "422"): "HTTPValidationError",
        ("GET /metrics", "401"): "ErrorDetail",
        ("GET /metrics", "403"): "ErrorDetail",
        ("GET /readyz", "503"): "Readiness",
        # The database failed under the request (full, gone, a conflict): send it again.
        **{(op, "503"): "ErrorDetail" for op in STORED},
    }
    assert {
        key: answer["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
        for key, answer in refusals.items()
    } == expected
    assert _resolved(document, {"$ref": "#/components/schemas/ErrorDetail"})["properties"]
    for op in STORED:
        method, path = op.split()
        assert (
            "Retry-After" in document["paths"][path][method.lower()]["responses"]["503"]["headers"]
        )


def _fits(document: dict[str, Any], model: type[BaseModel], body: Any) -> None:
    """`body` is valid under the published schema, and the model gives back the same JSON text."""
    schema = {
        "$ref": f"#/components/schemas/{model.__name__}",
        "components": document["components"],
    }
    validator = jsonschema_rs.Draft202012Validator(schema, validate_formats=True)
    assert [error.message for error in validator.iter_errors(body)] == []
    again = model.model_validate(body).model_dump(mode="json")
    assert json.dumps(again, ensure_ascii=False) == json.dumps(body, ensure_ascii=False)


def test_real_answers_fit_their_models_exactly(api: Client, token: str) -> None:
    document = api.get("/openapi.json").json()
    tickets = [
        {"ticket_id": "GZ-1", "kind": "fault", "severity": "major", "pool": "一云",
         "reported_at": "2024-06-03 10:00", "arrived_at": "2024-06-03 11:00",
         "restored_at": "2024-06-03 11:30:00.250", "restore_size_gb": 2.5},
        {"ticket_id": "GZ-2", "kind": "fault", "reported_at": "yesterday"},
    ]  # fmt: skip
    posted = api.post(
        "/api/v1/tickets",
        params={"wait": "evaluated"},
        json={"tickets": tickets},
        headers=bearer(token),
    )
    assert posted.status_code == 200
    _fits(document, BatchOutcome, posted.json())
    assert posted.json()["rejected"][0]["ticket_id"] == "GZ-2"

    listed = api.get("/api/v1/tickets", headers=bearer(token)).json()
    _fits(document, TicketPage, listed)
    (ticket,) = listed["items"]
    # Every stored field, in the ticket's own order; fields never recorded are null, not left out.
    assert list(ticket) == list(TicketItem.model_fields) == list(TICKET_FIELDS)
    assert (ticket["restored_at"], ticket["closed_at"]) == (
        "2024-06-03T11:30:00.250000+08:00",
        None,
    )

    found = api.get("/api/v1/violations", headers=bearer(token)).json()
    _fits(document, ViolationPage, found)
    assert found["items"] and list(found["items"][0]) == list(ViolationItem.model_fields)

    refused = api.post("/api/v1/tickets", json={"tickets": []})
    assert refused.status_code == 401
    _fits(document, ErrorDetail, refused.json())


def test_readyz_answers_the_readiness_checks_as_they_are(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, serve_app: Any
) -> None:
    def idle(_now: datetime) -> CollectorOutcome:
        return CollectorOutcome()

    jobs = [
        CollectorJob("feed", timedelta(minutes=5), timedelta(seconds=30), idle),
        CollectorJob("never-ran", timedelta(minutes=1), timedelta(seconds=10), idle),
    ]
    started = datetime(2024, 6, 3, 2, tzinfo=UTC)
    with engine.begin() as connection:
        for minutes, error in ((0, None), (5, "timeout"), (10, "refused")):
            moment = started + timedelta(minutes=minutes)
            record_collector_run(
                connection,
                name="feed",
                started_at=moment,
                range_from=moment,
                samples=0,
                error=error,
            )
    api = serve_app(engine, contract, calendar, collectors=jobs)
    document = api.get("/openapi.json").json()
    answer = api.get("/readyz")
    assert answer.status_code == 503
    _fits(document, Readiness, answer.json())
    ready, details = api.app.state.slamon.readiness()
    assert not ready
    expected = {"status": "not ready", **details}
    assert json.dumps(answer.json(), ensure_ascii=False) == json.dumps(expected, ensure_ascii=False)
    feed, never = answer.json()["collectors"]
    assert (feed["consecutive_failures"], feed["last_error"], never["last_success"]) == (
        2,
        "refused",
        None,
    )
