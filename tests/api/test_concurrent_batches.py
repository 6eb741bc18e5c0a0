"""API batches written at the same time, sharing tickets in different orders: every batch is
answered 200 (never a deadlock's 503), and the tickets end as any serial order of the batches
leaves them, with each ticket counted inserted once.

Each batch holds 20 of 60 tickets, shuffled, half of them carrying a severity and half not:
two groups of fields, so two upserts in one transaction, which is where two transactions can
each hold a ticket the other wants next.
"""

from __future__ import annotations

import random
import threading
from typing import Any

from sqlalchemy import Engine, text

from tests.api.client import Client, bearer

TICKETS = 60
THREADS = 8
BATCHES = 6  # per thread
PER_BATCH = 20


def item(number: int) -> dict[str, Any]:
    """The same values for a ticket in every batch; odd tickets carry no severity."""
    values: dict[str, Any] = {
        "ticket_id": f"GZ-{number:03d}",
        "kind": "故障",
        "reported_at": f"2024-06-03 {8 + number // 60:02d}:{number % 60:02d}",
        "pool": ("一云", "二云")[number % 2],
    }
    if number % 2 == 0:
        values["severity"] = "一般"
    return values


def test_concurrent_batches_of_shared_tickets_are_all_stored(
    api: Client, engine: Engine, token: str
) -> None:
    answers: list[int] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    def send(seed: int) -> None:
        rng = random.Random(seed)
        start.wait()
        for _ in range(BATCHES):
            tickets = [item(n) for n in rng.sample(range(TICKETS), PER_BATCH)]
            answer = api.post(
                "/api/v1/tickets",
                json={"source": "ops", "tickets": tickets},
                headers=bearer(token),
            )
            with lock:
                answers.append(answer.status_code)

    threads = [threading.Thread(target=send, args=(seed,)) for seed in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)

    assert answers == [200] * (THREADS * BATCHES)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT ticket_id, severity, pool FROM ticket ORDER BY ticket_id")
        ).all()
        totals = connection.execute(
            text("SELECT count(*), sum(rows_stored), sum(rows_unchanged) FROM import_run")
        ).one()
    assert [tuple(row) for row in stored] == [
        (f"GZ-{n:03d}", "general" if n % 2 == 0 else None, ("一云", "二云")[n % 2])
        for n in range(TICKETS)
    ]
    batches = THREADS * BATCHES
    assert tuple(totals) == (batches, TICKETS, batches * PER_BATCH - TICKETS)
