"""Obligation alerts (履约事项) on SQLite and PostgreSQL: planned where the service stores the
periods, sent through the one outbox to a real webhook on loopback, each stage once."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, func, select

from monitor.alerting.channels import Outgoing, alertmanager
from monitor.alerting.config import AlertingConfig, ChannelConfig
from monitor.alerting.message import obligation_alert_facts, render
from monitor.alerting.outbox import Dispatcher
from monitor.contract.contract_set import ContractSet
from monitor.contract.model import DEFAULT_CONTRACT_PATH, Contract, load_contract
from monitor.domain.obligations import ObligationClock
from monitor.service.live import LiveEvaluator
from monitor.service.locks import Locks
from monitor.storage.alerts import ALERT, DELIVERY
from monitor.storage.obligations import upsert_evidence
from tests.conftest import SHANGHAI, local
from tests.serving import Receiver

OBLIGATION = """
valid_from: 2023-10-01
obligations:
  - id: monthly_report
    name_zh: 月度运行报告
    name_en: Monthly operation report
    frequency: monthly
    due: {working_days: 5}
    warn_before: 2d
"""
# October 2023's report is due by the end of 7 November, the 5th working day of November
# (1–3 and 6–7 November); at risk from 2 days before.
MOMENTS = ("2023-10-20 09:00", "2023-11-06 09:00", "2023-11-07 09:00", "2023-11-08 09:00",
           "2023-11-09 09:00")  # fmt: skip


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    yield receiver
    receiver.stop()


def monthly_report_contract(directory: Path) -> Contract:
    path = directory / "contract.yaml"
    path.write_text(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8") + OBLIGATION, "utf-8")
    return load_contract(path)


def alerting(url: str) -> AlertingConfig:
    return AlertingConfig.model_validate(
        {"channels": [{"name": "hook", "type": "webhook", "url": f"{url}/hook"}]}
    )


def serve_once(engine: Engine, contract: Contract, config: AlertingConfig, at: datetime) -> None:
    """What one start of the service does for the obligations: evaluate, then send."""
    live = LiveEvaluator(
        engine, ContractSet.single(contract), config, Locks(engine), now=lambda: at
    )
    live.evaluate_obligations()
    Dispatcher(engine, config, SHANGHAI, "https://slamon.example/", now=lambda: at).run_until_idle()


def test_a_period_alerts_once_at_risk_and_once_missed_across_evaluations_and_restarts(
    engine: Engine, tmp_path: Path, receiver: Receiver
) -> None:
    contract = monthly_report_contract(tmp_path)
    config = alerting(receiver.url)
    for moment in MOMENTS:
        serve_once(engine, contract, config, local(moment))
    bodies = receiver.bodies()
    assert [(body["stage"], body["period"], body["summary"]) for body in bodies] == [
        ("at_risk", "2023-10", "【即将到期】履约事项 月度运行报告 · 2023-10"),
        ("missed", "2023-10", "【已逾期】履约事项 月度运行报告 · 2023-10"),
    ]
    at_risk, missed = (body["text"] for body in bodies)
    assert "期限：2023-11-08 00:00:00（Asia/Shanghai）" in at_risk
    assert "状态：即将到期，距期限还剩 1天15小时，已完成 0/1" in at_risk
    assert "状态：已逾期，期限已过仍未完成，已完成 0/1" in missed
    assert bodies[0]["link"] == "https://slamon.example/obligations"
    with engine.connect() as connection:
        rows = connection.execute(
            select(ALERT.c.ticket_pk, ALERT.c.obligation_period_key, ALERT.c.stage).order_by(
                ALERT.c.id
            )
        ).all()
        unsent = connection.execute(
            select(func.count()).where(DELIVERY.c.acknowledged_at.is_(None))
        ).scalar_one()
    assert [tuple(row) for row in rows] == [
        (None, "monthly_report|||2023-10-01", "at_risk"),
        (None, "monthly_report|||2023-10-01", "missed"),
    ]
    assert unsent == 0


def test_a_met_obligation_alerts_nothing(
    engine: Engine, tmp_path: Path, receiver: Receiver
) -> None:
    contract = monthly_report_contract(tmp_path)
    evidence = {
        "source": "file",
        "record_key": "1",
        "obligation_id": "monthly_report",
        "subject": None,
        "pool": None,
        "period": "2023-10",
        "noticed_on": None,
        "done_on": date(2023, 11, 2),
        "document_ref": "运维月报〔2023〕10号",
        "done_by": "运维部",
    }
    with engine.begin() as connection:
        upsert_evidence(connection, [evidence], list(evidence), local("2023-11-02 18:00"))
    config = alerting(receiver.url)
    for moment in MOMENTS:
        serve_once(engine, contract, config, local(moment))
    assert receiver.bodies() == []
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(ALERT)).scalar_one() == 0


def test_alertmanager_is_sent_an_obligation_alert_with_its_own_labels_and_window(
    receiver: Receiver,
) -> None:
    clock = ObligationClock(
        obligation_id="monthly_report",
        subject="",
        pool="一云",
        label="2023-10",
        start=date(2023, 10, 1),
        end=date(2023, 11, 1),
        due_at=local("2023-11-08 00:00"),
        at_risk_at=local("2023-11-06 00:00"),
        required=1,
        completions=(),
    )
    channel = ChannelConfig(name="am", type="alertmanager", url=receiver.url, firing_for="1h")
    for stage, at in (("at_risk", "2023-11-06 09:00"), ("missed", "2023-11-09 09:00")):
        facts = obligation_alert_facts(clock, "月度运行报告", stage, local(at))
        message = render(facts, SHANGHAI)
        out = Outgoing(channel, stage, facts, message, SHANGHAI, local(at), requests.Session())
        alertmanager.send(out)
    at_risk, missed = (body[0] for body in receiver.bodies())
    labels = {
        "service": "slamon",
        "obligation": "monthly_report",
        "period": "2023-10",
        "pool": "一云",
    }
    assert at_risk["labels"] == {"alertname": "SlamonObligationAtRisk", **labels}
    assert missed["labels"] == {"alertname": "SlamonObligationMissed", **labels}
    assert (at_risk["startsAt"], at_risk["endsAt"]) == (
        "2023-11-06T09:00:00+08:00",
        "2023-11-08T00:00:00+08:00",
    )
    assert (missed["startsAt"], missed["endsAt"]) == (
        "2023-11-08T00:00:00+08:00",
        "2023-11-09T10:00:00+08:00",
    )
