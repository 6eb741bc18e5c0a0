"""POST /api/v1/tickets refuses control characters in ids: in an item's ticket id that item is
rejected with its reason and the rest stored; in the batch's source the request is a 422."""

from __future__ import annotations

from sqlalchemy import Engine, select

from monitor.storage.ingest import REJECTED
from tests.api.client import Client, bearer


def test_an_item_whose_ticket_id_has_a_line_break_is_rejected_and_the_rest_stored(
    api: Client, engine: Engine, token: str
) -> None:
    tickets = [
        {
            "ticket_id": "GZ-1\r\nBcc: x@example.gov.cn",
            "kind": "fault",
            "reported_at": "2024-06-03 10:00",
        },
        {"ticket_id": "GZ-2", "kind": "fault", "reported_at": "2024-06-03 10:00"},
        {"ticket_id": "GZ-3\tX", "kind": "fault", "reported_at": "2024-06-03 10:00"},
    ]
    answer = api.post(
        "/api/v1/tickets", json={"source": "ops", "tickets": tickets}, headers=bearer(token)
    )
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    assert (outcome["received"], outcome["inserted"]) == (3, 1)
    assert [(r["index"], r["column"]) for r in outcome["rejected"]] == [
        (1, "ticket_id (工单编号)"),
        (3, "ticket_id (工单编号)"),
    ]
    assert outcome["rejected"][0]["reason_zh"].startswith("第 5 个字符是控制字符 U+000D")
    assert outcome["rejected"][0]["reason"].startswith("control character U+000D at position 5")
    with engine.connect() as connection:
        kept = connection.execute(select(REJECTED.c.line).order_by(REJECTED.c.line)).scalars()
        assert list(kept) == [1, 3]
    listed = api.get("/api/v1/tickets", params={"source": "ops"}, headers=bearer(token))
    listed = listed.json()["items"]
    assert [t["ticket_id"] for t in listed] == ["GZ-2"]


def test_a_source_with_a_control_character_is_a_422_with_the_field(api: Client, token: str) -> None:
    for source in ("ops\nroot", "ops\tx", "ops\x85"):
        answer = api.post(
            "/api/v1/tickets", json={"source": source, "tickets": []}, headers=bearer(token)
        )
        assert answer.status_code == 422, (source, answer.text)
        assert "source" in answer.text
