"""schemathesis against the API's own OpenAPI document, served by `slamon serve` on loopback with
a real token, on SQLite and PostgreSQL: generated requests for every operation, never a 5xx, and
every response in the declared shape and content type.

The schema lists every status the API answers with (401 without a token, 413 for a body over
the limit, 422, 503 from /readyz), so the status-code check runs too.
"""

from __future__ import annotations

import requests
import schemathesis
from hypothesis import given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import Engine

from monitor.storage.tokens import create_token
from tests.badinput.fuzzing import FUZZ
from tests.conftest import local
from tests.serving import Serve

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    content_type_conformance,
    status_code_conformance,
]


def test_every_operation_answers_generated_requests_without_a_5xx_and_as_declared(
    served: Serve, engine: Engine
) -> None:
    token = create_token(
        engine, "schemathesis", local("2024-06-03 09:00"), source="api", pools=None
    )
    document = requests.get(f"{served.url}/openapi.json", timeout=30).json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} >= {"/api/v1/tickets"}
    for operation in operations:

        @settings(FUZZ, max_examples=10)
        @given(case=operation.as_strategy())
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(
                base_url=served.url,
                headers={"Authorization": f"Bearer {token}"},
                checks=CHECKS,
                timeout=30,
            )

        check()
