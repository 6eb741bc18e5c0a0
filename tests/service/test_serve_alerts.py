"""The live service end to end: `slamon serve` on loopback, a real receiver, a SIGKILL in between.

A major fault reported 29 minutes ago is at risk at once (the 30-minute arrival target turns at
risk at 24 minutes) and breached 60 s later. Each alert must arrive exactly once, the breach
within 5 s of the deadline — across a SIGKILL and a restart between the two.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.serving import (
    Receiver,
    Serve,
    create_token,
    major_fault,
    service_env,
    wait_until,
    webhook_alerting,
)

pytestmark = pytest.mark.slow
# The bound the issue sets; the timer fires at the deadline, the rest is one scoped
# evaluation and one local HTTP POST (measured well under a second, bench/bench_service.py).
BREACH_BOUND_S = 5.0


def acknowledged(database: Path, stage: str) -> bool:
    engine = create_engine(f"sqlite:///{database}")
    try:
        with engine.connect() as connection:
            count = connection.execute(
                text(
                    "SELECT count(*) FROM alert_delivery d JOIN alert a ON a.id = d.alert_id "
                    "WHERE a.stage = :stage AND d.acknowledged_at IS NOT NULL"
                ),
                {"stage": stage},
            ).scalar_one()
    finally:
        engine.dispose()
    return bool(count)


def test_breach_alert_leaves_within_5_s_of_the_deadline_once_across_a_sigkill(
    tmp_path: Path, receiver: Receiver, processes: list[Serve]
) -> None:
    database = tmp_path / "slamon.db"
    webhook_alerting(tmp_path, receiver.url)
    env = service_env(tmp_path, f"sqlite:///{database}")
    token = create_token(env, tmp_path)
    first = Serve(tmp_path, env)
    processes.append(first.start())

    reported = datetime.now(UTC) - timedelta(minutes=29)
    deadline = reported + timedelta(minutes=30)
    answer = first.post_tickets(token, [major_fault("INC-2029", reported)])
    assert answer.status_code == 200, answer.text
    assert answer.json()["inserted"] == 1

    assert wait_until(lambda: receiver.stages(), timeout=10)
    assert receiver.stages() == [("at_risk", "INC-2029", "major.arrival")]
    # Kill only once the at-risk delivery is recorded as acknowledged: a kill between the
    # receiver's answer and that commit would rightly send it again (at-least-once).
    assert wait_until(lambda: acknowledged(database, "at_risk"), timeout=10)
    first.kill()
    assert time.time() < deadline.timestamp() - 20, "the test machine is too slow to go on"

    second = Serve(tmp_path, env, port=first.port)
    processes.append(second.start())
    breached = wait_until(
        lambda: [r for r in receiver.received if r.body["stage"] == "breached"],
        timeout=deadline.timestamp() - time.time() + 20,
    )
    assert breached, second.log()[-3000:]
    late = breached[0].at - deadline.timestamp()
    assert 0 <= late <= BREACH_BOUND_S, f"breach alert {late:.3f} s after the deadline"

    time.sleep(3)  # anything sent twice would have arrived by now
    assert receiver.stages() == [
        ("at_risk", "INC-2029", "major.arrival"),
        ("breached", "INC-2029", "major.arrival"),
    ]
    body = breached[0].body
    assert body["summary"] == "【超时违约】重大故障到场时限 · 工单 INC-2029"
    assert "责任方：运营单位 某运营单位，资源池 二云" in body["text"]
    assert second.terminate() == 0  # SIGTERM: a clean stop
