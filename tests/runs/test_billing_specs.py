"""The billing check judges billed vCPU / GB against the inventory's recorded spec, as stored
by `slamon import resources`; a resource whose spec is blank is not judged on quantity."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine

from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.report.billing import billing_json
from monitor.runs.billing import billing_check
from tests.runs.billing_files import import_billing_files

NOW = datetime(2024, 4, 5, 0, 0, tzinfo=UTC)
CATALOGUE = """服务项编码,服务项名称,计量单位,单价,计量依据,生效日期
CPU,计算资源,vCPU·月,35.10,vcpu,2024-01-01
MEM,内存,GB·月,10.00,memory_gb,2024-01-01
STO,块存储,GB·月,0.035,storage_gb,2024-01-01
"""
INVENTORY = """资源编号,资源类型,资源池,使用单位,上线时间,vCPU数,内存GB,存储GB
VM-1,云主机,一云,市教育局,2023-01-01,4,8,100
VM-2,云主机,一云,市教育局,2023-01-01,,,
VM-3,云主机,一云,市卫健委,2023-01-01,4,8,100.5
VM-4,云主机,一云,市卫健委,2023-01-01,4,,
"""
HEADER = "结算期,资源池,运营单位,使用单位,业务系统,资源编号,服务项编码,数量,计费天数,单价,金额\n"
STATEMENT = HEADER + "\n".join(
    f"2024-03,一云,甲运营,市教育局,学籍系统,{rest}"
    for rest in (
        "VM-1,CPU,4,31,35.10,140.40",
        "VM-1,MEM,16,31,10.00,160.00",
        "VM-1,STO,100,31,0.035,3.50",
        "VM-2,CPU,8,31,35.10,280.80",
        "VM-3,CPU,8,31,35.10,280.80",
        "VM-3,STO,200,15,0.035,3.39",
        "VM-4,CPU,2,31,35.10,70.20",
        "VM-4,MEM,64,31,10.00,640.00",
    )
)
# Line, resource, code, disputed: the share a line bills beyond its spec, half-up to the fen.
EXPECTED = [
    (2, "VM-1", "ok", "0.00"),
    (3, "VM-1", "quantity_mismatch", "80.00"),  # 16 GB billed, 8 recorded: 160 − 8×10
    (4, "VM-1", "ok", "0.00"),
    (5, "VM-2", "ok", "0.00"),  # no spec recorded: not judged on quantity
    (6, "VM-3", "quantity_mismatch", "140.40"),  # 8 vCPU billed, 4 recorded: 280.80 − 4×35.10
    (7, "VM-3", "quantity_mismatch", "1.69"),  # 3.39 − 100.5×0.035×15/31 (1.70)
    (8, "VM-4", "quantity_mismatch", "0.00"),  # fewer than recorded: shown, nothing disputed
    (9, "VM-4", "ok", "0.00"),  # its memory is blank
]


def test_billed_quantities_are_judged_by_the_inventorys_specs(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    import_billing_files(
        engine,
        contract,
        tmp_path,
        NOW,
        catalogue=CATALOGUE,
        inventory=INVENTORY,
        statement=STATEMENT,
    )
    result = billing_check(engine, contract, parse_period("2024-03", contract.zone), NOW)
    document = billing_json(result)
    assert [
        (row["line"], row["resource_id"], row["code"], row["disputed"]) for row in document["lines"]
    ] == EXPECTED
    assert document["disputed_total"] == "222.09"
    evidence = document["lines"][4]["evidence"]
    assert evidence["inventory_quantity"] == "4"
