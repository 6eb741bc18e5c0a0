"""An API item outside the plausible bounds (monitor.domain.bounds) is rejected with its field
and reason while the batch's good items are stored, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import Engine, select

from monitor.storage.tables import TicketRow
from tests.api.client import Client, bearer

TICKET = TicketRow.__table__  # type: ignore[attr-defined]


def stored_ids(engine: Engine) -> list[str]:
    with engine.connect() as connection:
        return list(connection.scalars(select(TICKET.c.ticket_id).order_by(TICKET.c.ticket_id)))


@pytest.mark.parametrize("size", [5_000_000_000, 1e300])
def test_an_api_item_with_a_restore_size_past_10_pb_is_rejected_and_the_others_stored(
    api: Client, engine: Engine, token: str, size: float
) -> None:
    good = {"ticket_id": "HF-1", "kind": "restore", "reported_at": "2024-06-03 10:00"}
    bad = {**good, "ticket_id": "HF-2", "restore_size_gb": size}
    answer = api.post(
        "/api/v1/tickets",
        json={"source": "ops", "tickets": [good, bad]},
        headers=bearer(token),
    )
    assert answer.status_code == 200, answer.text
    outcome = answer.json()
    assert (outcome["received"], outcome["inserted"]) == (2, 1)
    (rejected,) = outcome["rejected"]
    assert (rejected["index"], rejected["ticket_id"]) == (2, "HF-2")
    assert "restore_size_gb" in rejected["column"]
    assert "超过上限 10,000,000 GB（10 PB）" in rejected["reason_zh"]
    assert "is more than the 10 PB bound" in rejected["reason"]
    assert stored_ids(engine) == ["HF-1"]
