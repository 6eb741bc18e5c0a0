"""The outbox on SQLite and PostgreSQL: planned in the evaluation's transaction, claimed by one
sender at a time, acknowledged once and never resent, retried with backoff, or given up."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select

from monitor.alerting.channels import Outgoing
from monitor.alerting.config import AlertingConfig
from monitor.alerting.hook import alert_hook
from monitor.alerting.outbox import Dispatcher, backoff
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import Contract
from monitor.domain.calendar import BusinessCalendar
from monitor.runs.evaluate import run_evaluation
from monitor.storage.alerts import ALERT, DELIVERY, claim_due
from monitor.storage.db import make_engine
from monitor.storage.tickets import upsert_tickets
from tests.conftest import SHANGHAI, local
from tests.serving import Receiver

REPORTED = local("2024-06-03 10:00")


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def config(url: str) -> AlertingConfig:
    return AlertingConfig.model_validate(
        {
            "delivery": {"initial_backoff": "10s", "max_backoff": "1m", "lease": "30s"},
            "channels": [{"name": "hook", "type": "webhook", "url": f"{url}/hook"}],
        }
    )


def evaluate(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    alerting: AlertingConfig,
    at: datetime,
) -> None:
    run_evaluation(
        engine,
        ContractSet.single(contract, calendar),
        at,
        on_stored=alert_hook(contract, alerting, at),
    )


def store_major_fault(engine: Engine, **values: object) -> None:
    row = {
        "source": "api",
        "ticket_id": "INC-1",
        "kind": "fault",
        "severity": "major",
        "reported_at": REPORTED,
        "pool": "二云",
        **values,
    }
    with engine.begin() as connection:
        upsert_tickets(connection, [row], list(row), REPORTED)


def stages(engine: Engine) -> list[tuple[str, str]]:
    with engine.connect() as connection:
        rows = connection.execute(select(ALERT.c.target_id, ALERT.c.stage).order_by(ALERT.c.id))
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_each_stage_is_planned_once_however_often_it_is_evaluated(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    alerting = config("http://127.0.0.1:9")
    store_major_fault(engine)
    for at in ("10:25", "10:26", "10:31", "10:32", "10:33"):
        evaluate(engine, contract, calendar, alerting, local(f"2024-06-03 {at}"))
    store_major_fault(engine, arrived_at=local("2024-06-03 10:40"))
    evaluate(engine, contract, calendar, alerting, local("2024-06-03 10:41"))
    evaluate(engine, contract, calendar, alerting, local("2024-06-03 10:42"))
    assert stages(engine) == [
        ("major.arrival", "at_risk"),
        ("major.arrival", "breached"),
        ("major.arrival", "resolved"),
    ]
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(DELIVERY)).scalar_one() == 3


def test_a_claimed_delivery_is_not_claimed_again_until_its_lease_expires(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    store_major_fault(engine)
    evaluate(engine, contract, calendar, config("http://127.0.0.1:9"), local("2024-06-03 10:25"))
    now = local("2024-06-03 10:25:01")
    first = claim_due(engine, now, now + timedelta(seconds=30), 10)
    assert [item.stage for item in first] == ["at_risk"]
    assert claim_due(engine, now, now + timedelta(seconds=30), 10) == []
    later = now + timedelta(seconds=31)  # the first sender died holding it
    assert [item.id for item in claim_due(engine, later, later + timedelta(seconds=30), 10)] == [
        first[0].id
    ]


def test_an_acknowledged_alert_is_never_sent_again(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, receiver: Receiver
) -> None:
    alerting = config(receiver.url)
    store_major_fault(engine)
    evaluate(engine, contract, calendar, alerting, local("2024-06-03 10:25"))
    moments = iter(local("2024-06-03 10:25") + timedelta(minutes=n) for n in range(100))
    dispatcher = Dispatcher(engine, alerting, SHANGHAI, None, now=lambda: next(moments))
    assert dispatcher.run_once() == 1
    assert dispatcher.run_once() == 0
    assert dispatcher.run_once() == 0
    assert receiver.stages() == [("at_risk", "INC-1", "major.arrival")]


@pytest.mark.parametrize(
    ("status", "permanent"), [(503, False), (429, False), (400, True), (404, True)]
)
def test_a_refused_delivery_is_retried_with_backoff_unless_the_refusal_is_permanent(
    engine: Engine,
    contract: Contract,
    calendar: BusinessCalendar,
    receiver: Receiver,
    status: int,
    permanent: bool,
) -> None:
    receiver.status = status
    alerting = config(receiver.url)
    store_major_fault(engine)
    evaluate(engine, contract, calendar, alerting, local("2024-06-03 10:25"))
    now = local("2024-06-03 10:25:05")
    Dispatcher(engine, alerting, SHANGHAI, None, now=lambda: now).run_once()
    with engine.connect() as connection:
        row = connection.execute(select(DELIVERY)).one()
    assert (row.attempts, row.failures, row.acknowledged_at) == (1, 1, None)
    assert f"HTTP {status}" in row.last_error
    if permanent:
        assert row.failed_at == now
    else:
        assert row.failed_at is None
        assert row.next_attempt_at == now + timedelta(seconds=10)
        assert claim_due(engine, now + timedelta(seconds=9), now + timedelta(minutes=1), 5) == []


def test_a_wait_the_channel_asks_for_replaces_the_backoff(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    receiver = Receiver(status=429, headers={"Retry-After": "120"}).start()
    try:
        alerting = config(receiver.url)
        store_major_fault(engine)
        evaluate(engine, contract, calendar, alerting, local("2024-06-03 10:25"))
        now = local("2024-06-03 10:25:05")
        Dispatcher(engine, alerting, SHANGHAI, None, now=lambda: now).run_once()
    finally:
        receiver.stop()
    with engine.connect() as connection:
        row = connection.execute(select(DELIVERY)).one()
    assert row.next_attempt_at == now + timedelta(seconds=120)  # not the 10 s backoff


def test_a_sender_whose_lease_ran_out_and_was_taken_does_not_send(
    engine: Engine, contract: Contract, calendar: BusinessCalendar, receiver: Receiver
) -> None:
    alerting = config(receiver.url)  # lease 30 s
    store_major_fault(engine)
    evaluate(engine, contract, calendar, alerting, local("2024-06-03 10:25"))
    start = local("2024-06-03 10:25:01")
    # The first sender claims the delivery, then stalls past its lease before sending.
    slow = Dispatcher(engine, alerting, SHANGHAI, None, now=lambda: start)
    [held] = claim_due(engine, start, start + timedelta(seconds=30), 10, token="first")
    later = start + timedelta(seconds=31)
    fast = Dispatcher(engine, alerting, SHANGHAI, None, now=lambda: later)
    assert fast.run_once() == 1
    slow.send_claimed([held])
    assert receiver.stages() == [("at_risk", "INC-1", "major.arrival")]
    with engine.connect() as connection:
        row = connection.execute(select(DELIVERY)).one()
    assert (row.attempts, row.failures, row.acknowledged_at) == (2, 0, later)


def test_a_stopping_sender_finishes_its_send_and_hands_back_the_rest_of_its_batch(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    alerting = config("http://127.0.0.1:9")
    for n in range(3):
        store_major_fault(engine, ticket_id=f"INC-{n}")
    evaluate(engine, contract, calendar, alerting, local("2024-06-03 10:25"))
    stopping = threading.Event()
    sent = []

    def send_then_stop(out: Outgoing) -> None:
        sent.append(out.facts["ticket_id"])
        stopping.set()  # SIGTERM arrives during the first send

    now = local("2024-06-03 10:25:01")
    dispatcher = Dispatcher(
        engine, alerting, SHANGHAI, None, now=lambda: now,
        senders={"webhook": send_then_stop}, stopping=stopping.is_set,
    )  # fmt: skip
    assert dispatcher.run_until_idle() == 1
    assert sent == ["INC-0"]
    with engine.connect() as connection:
        rows = connection.execute(
            select(
                DELIVERY.c.attempts, DELIVERY.c.claimed_until, DELIVERY.c.acknowledged_at
            ).order_by(DELIVERY.c.id)
        ).all()
    assert [tuple(row) for row in rows] == [(1, None, now), (0, None, None), (0, None, None)]


def test_backoff_doubles_from_the_initial_wait_up_to_the_cap() -> None:
    delivery = config("http://127.0.0.1:9").delivery
    waits = [backoff(delivery, failures).total_seconds() for failures in range(1, 7)]
    assert waits == [10, 20, 40, 60, 60, 60]


# The default delivery settings (lease 60 s, timeout 10 s, batch 20, the outbox every second)
# and a webhook answering after 9 s, all twenty times faster: a batch then takes 20 × 0.45 s,
# three times its 3 s lease, as 20 × 9 s is three times 60 s.
SCALED = {"lease": "3s", "timeout": "1s", "answer_after": 0.45, "every": 0.05, "batch": 20}


def two_senders_on_one_database(engine: Engine, alerting: AlertingConfig, until: float) -> None:
    """Two dispatchers, each on its own engine as two services would be, sending until every
    delivery is acknowledged or `until` (time.monotonic()) passes."""
    url = engine.url.render_as_string(hide_password=False)
    engines = [engine, make_engine(url)]

    def unsent() -> int:
        with engine.connect() as connection:
            query = select(func.count()).where(DELIVERY.c.acknowledged_at.is_(None))
            return int(connection.execute(query).scalar_one())

    def sender(own: Engine) -> None:
        dispatcher = Dispatcher(own, alerting, SHANGHAI, None)
        while time.monotonic() < until and unsent():
            dispatcher.run_until_idle()
            time.sleep(SCALED["every"])  # type: ignore[arg-type]

    threads = [threading.Thread(target=sender, args=(own,)) for own in engines]
    for thread in threads:
        thread.start()
        time.sleep(0.2)  # the first takes the whole batch, as the faster service would
    for thread in threads:
        thread.join()
    engines[1].dispose()


@pytest.mark.slow
def test_two_senders_and_a_slow_channel_send_every_alert_once(
    engine: Engine, contract: Contract, calendar: BusinessCalendar
) -> None:
    receiver = Receiver(delay=SCALED["answer_after"]).start()  # type: ignore[arg-type]
    try:
        alerting = AlertingConfig.model_validate(
            {
                "delivery": {"lease": SCALED["lease"], "batch": SCALED["batch"]},
                "channels": [
                    {"name": "hook", "type": "webhook", "url": f"{receiver.url}/hook",
                     "timeout": SCALED["timeout"]}
                ],
            }
        )  # fmt: skip
        now = datetime.now(UTC)
        for n in range(20):  # at risk: one alert each
            store_major_fault(
                engine, ticket_id=f"INC-{n:02d}", reported_at=now - timedelta(minutes=29)
            )
        evaluate(engine, contract, calendar, alerting, now)
        two_senders_on_one_database(engine, alerting, until=time.monotonic() + 30)
        counts = Counter(receiver.stages())
    finally:
        receiver.stop()
    assert len(counts) == 20
    assert {stage: count for stage, count in counts.items() if count > 1} == {}
    with engine.connect() as connection:
        rows = connection.execute(select(DELIVERY.c.attempts, DELIVERY.c.acknowledged_at)).all()
    assert all(row.acknowledged_at is not None for row in rows)
    assert sorted(row.attempts for row in rows) == [1] * 20
