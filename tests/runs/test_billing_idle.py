"""`idle_billed` from stored data: a host the idle rule found idle, whose reclaim deadline
(detection plus the contract's 30-day grace) passed inside the month, is billed; the check
shows it as a finding with the detection and the deadline, and disputes nothing for it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.measures.idle import HOST_METRICS
from monitor.report.billing import billing_json
from monitor.runs.billing import billing_check, disputes_check
from monitor.storage.rollups import add_rollups
from tests.runs.billing_files import import_billing_files

NOW = datetime(2024, 4, 5, 0, 0, tzinfo=UTC)
CATALOGUE = """服务项编码,服务项名称,计量单位,单价,计量依据,生效日期
VM,云主机,台·月,420.00,count,2024-01-01
"""
INVENTORY = """资源编号,资源类型,资源池,使用单位,上线时间
VM-IDLE,云主机,一云,市教育局,2023-01-01
VM-BUSY,云主机,一云,市教育局,2023-01-01
"""
STATEMENT = """结算期,资源池,运营单位,使用单位,业务系统,资源编号,服务项编码,数量,计费天数,单价,金额
2024-03,一云,甲运营,市教育局,学籍系统,VM-IDLE,VM,1,31,420.00,420.00
2024-03,一云,甲运营,市教育局,招生系统,VM-BUSY,VM,1,31,420.00,420.00
"""
# Hourly CPU and memory from 10 January (UTC) to the end of March local time: the idle
# host peaks at 2 %, the busy one at 60 %.
FIRST_HOUR = datetime(2024, 1, 10, tzinfo=UTC)
HOURS = int((datetime(2024, 3, 31, 16, tzinfo=UTC) - FIRST_HOUR) / timedelta(hours=1))


def load(engine: Engine, contract: Contract, tmp_path: Path) -> None:
    import_billing_files(
        engine,
        contract,
        tmp_path,
        NOW,
        catalogue=CATALOGUE,
        inventory=INVENTORY,
        statement=STATEMENT,
    )
    rows = [
        {
            "metric": metric,
            "pool": "一云",
            "resource_id": resource_id,
            "bucket_start": FIRST_HOUR + timedelta(hours=hour),
            "samples": 60,
            "total": 60 * average,
            "peak": peak,
            "covered_seconds": 3600.0,
        }
        for resource_id, average, peak in (("VM-IDLE", 1.0, 2.0), ("VM-BUSY", 35.0, 60.0))
        for metric in HOST_METRICS
        for hour in range(HOURS)
    ]
    with engine.begin() as connection:
        add_rollups(connection, rows)


def test_a_host_idle_past_its_grace_and_still_billed_is_a_finding_without_a_dispute(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    load(engine, contract, tmp_path)
    march = parse_period("2024-03", contract.zone)
    document = billing_json(billing_check(engine, contract, march, NOW))
    assert [(row["resource_id"], row["code"], row["disputed"]) for row in document["lines"]] == [
        ("VM-IDLE", "idle_billed", "0.00"),
        ("VM-BUSY", "ok", "0.00"),
    ]
    # The first checkpoint is the grace before the month (31 January, local), with a whole
    # 14-day window of data behind it; 30 days later is 1 March.
    evidence = document["lines"][0]["evidence"]
    assert (evidence["idle_since"], evidence["reclaim_deadline"]) == (
        "2024-01-31 00:00",
        "2024-03-01 00:00",
    )
    assert (document["counts"]["idle_billed"], document["disputed_total"]) == (1, "0.00")
    # The figures /metrics shows leave the idle rule out: the same disputes, no finding.
    assert disputes_check(engine, contract, "2024-03").disputed_total == 0
