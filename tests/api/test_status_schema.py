"""The API documents every status a stored result can have, the newest (evaluation_error)
included."""

from __future__ import annotations

from monitor.api.schemas import ViolationItem
from monitor.domain.tickets import Status


def test_the_result_status_enumeration_is_the_domains() -> None:
    schema = ViolationItem.model_json_schema()
    assert schema["$defs"]["Status"]["enum"] == [status.value for status in Status]
    assert schema["$defs"]["Status"]["enum"][-2:] == ["calendar_unknown", "evaluation_error"]
