"""Where a capacity metric is collected (vcpu, memory_gb, storage_gb), the billing check holds
billed quantities against the month's measured peak as well as against the inventory's spec:
the peak of the quarter hours inside the month in the contract's zone, not of the UTC days it
touches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.report.billing import billing_json
from monitor.runs.billing import billing_check, measured_capacity
from monitor.storage.billing import billing_stamp
from monitor.storage.rollups import add_rollups
from tests.runs.billing_files import import_billing_files

NOW = datetime(2024, 4, 5, 0, 0, tzinfo=UTC)
CATALOGUE = """服务项编码,服务项名称,计量单位,单价,计量依据,生效日期
CPU,计算资源,vCPU·月,35.10,vcpu,2024-01-01
"""
INVENTORY = """资源编号,资源类型,资源池,使用单位,上线时间,vCPU数
VM-2,云主机,一云,市教育局,2023-01-01,
VM-3,云主机,一云,市教育局,2023-01-01,
VM-5,云主机,一云,市教育局,2023-01-01,4
VM-6,云主机,一云,市教育局,2023-01-01,
"""
HEADER = "结算期,资源池,运营单位,使用单位,业务系统,资源编号,服务项编码,数量,计费天数,单价,金额\n"
STATEMENT = HEADER + "\n".join(
    f"2024-03,一云,甲运营,市教育局,学籍系统,{rest}"
    for rest in (
        "VM-2,CPU,8,31,35.10,280.80",  # measured 4: 140.40 beyond it
        "VM-3,CPU,6,31,35.10,210.60",  # measured 6 in the month's first quarter hour
        "VM-5,CPU,4,31,35.10,140.40",  # spec 4, measured 4
        "VM-6,CPU,4,31,35.10,140.40",  # no spec, no capacity metric: not judged
    )
)
# March 2024 in Asia/Shanghai: [02-29 16:00, 03-31 16:00) UTC.
MARCH_BEGINS, MARCH_ENDS = (
    datetime(2024, 2, 29, 16, tzinfo=UTC),
    datetime(2024, 3, 31, 16, tzinfo=UTC),
)
QUARTER = timedelta(minutes=15)


def vcpus(resource_id: str, bucket: datetime, value: float) -> dict[str, object]:
    return {
        "metric": "vcpu",
        "pool": "一云",
        "resource_id": resource_id,
        "bucket_start": bucket,
        "samples": 15,
        "total": 15 * value,
        "peak": value,
        "covered_seconds": 900.0,
    }


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
    with engine.begin() as connection:
        add_rollups(
            connection,
            [
                vcpus("VM-2", MARCH_BEGINS - QUARTER, 6),  # February's last local quarter hour
                vcpus("VM-2", datetime(2024, 3, 10, tzinfo=UTC), 4),  # a whole UTC day
                vcpus("VM-2", MARCH_ENDS - QUARTER, 4),  # March's last local quarter hour
                vcpus("VM-2", MARCH_ENDS, 8),  # 1 April 00:00 local: the same UTC day
                vcpus("VM-3", MARCH_BEGINS, 6),  # 1 March 00:00 local: the UTC day before
                vcpus("VM-3", datetime(2024, 3, 20, tzinfo=UTC), 4),
                vcpus("VM-5", datetime(2024, 3, 20, tzinfo=UTC), 4),
            ],
        )


def test_billed_vcpus_are_held_against_the_months_measured_peak(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    load(engine, contract, tmp_path)
    march = parse_period("2024-03", contract.zone)
    assert measured_capacity(engine, march) == {
        "VM-2": {"vcpu": 4},
        "VM-3": {"vcpu": 6},
        "VM-5": {"vcpu": 4},
    }
    document = billing_json(billing_check(engine, contract, march, NOW))
    assert [(row["resource_id"], row["code"], row["disputed"]) for row in document["lines"]] == [
        ("VM-2", "quantity_mismatch", "140.40"),
        ("VM-3", "ok", "0.00"),
        ("VM-5", "ok", "0.00"),
        ("VM-6", "ok", "0.00"),
    ]
    assert document["lines"][0]["evidence"]["measured_quantity"] == "4"
    assert document["disputed_total"] == "140.40"


def test_a_newer_capacity_quarter_hour_renews_the_billing_figures(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    load(engine, contract, tmp_path)
    before = billing_stamp(engine)
    with engine.begin() as connection:
        add_rollups(connection, [vcpus("VM-6", MARCH_ENDS + QUARTER, 2)])
    assert billing_stamp(engine) != before
