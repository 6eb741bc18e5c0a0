"""The unit-price decline, the delivered quantities and the service days on the scorecard, from
a catalogue of two years, a statement, the inventory and outage records imported into SQLite
and PostgreSQL; figures by hand in each test."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from collectors.records.catalogue import import_catalogue
from collectors.records.outages import import_outages
from collectors.records.resources import import_resources
from collectors.records.statements import import_statement
from monitor.cli.scorecard_output import scorecard_json
from monitor.contract.contract_set import ContractSet, load_contract_set
from monitor.contract.delivery import DeliveredQuantitiesRule, ServiceDaysRule, UnitPriceRule
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.runs.scorecard import period_scorecard

NOW = datetime(2023, 1, 10, tzinfo=UTC)
AT = datetime(2023, 1, 5, tzinfo=UTC)

CATALOGUE = """item_code,name,unit,unit_price,measure,valid_from,valid_until,pool
VM,云主机 4核8G,台·月,420.00,count,2021-01-01,2022-01-01,一云
VM,云主机 4核8G,台·月,411.60,count,2022-01-01,,一云
CPU,计算资源,vCPU·月,35.00,vcpu,2021-01-01,2022-01-01,
CPU,计算资源,vCPU·月,34.65,vcpu,2022-01-01,,
GPU,GPU 算力,卡·月,5000.00,count,2022-01-01,,
"""
HEADER = "period,pool,operator,user_unit,system,resource_id,item_code,quantity,billed_days,"
HEADER += "unit_price,amount\n"
# 2022-03: VM 10 × 31/31 at 411.60, CPU 40 at 34.65, GPU 1 (priced in 2022 only); 二云 is
# another pool's CPU.
STATEMENT_2022 = (
    HEADER
    + """2022-03,一云,甲运营,市教育局,学籍系统,,VM,10,31,411.60,4116.00
2022-03,一云,甲运营,市教育局,学籍系统,,CPU,40,31,34.65,1386.00
2022-03,一云,甲运营,市教育局,学籍系统,,GPU,1,31,5000.00,5000.00
2022-03,二云,乙运营,市卫健委,健康档案,,CPU,400,31,35.00,14000.00
"""
)
STATEMENT_2021 = HEADER + "2021-03,一云,甲运营,市教育局,学籍系统,,VM,10,31,420.00,4200.00\n"
RESOURCES = """resource_id,class,pool,in_service_from,reclaimed_at
P1,physical,一云,2020-01-01 00:00,
P2,physical,一云,2022-03-01 00:00,
V1,vm,一云,2020-01-01 00:00,
"""
OUTAGES = """resource_id,start,end,planned,approved_by
V1,2022-04-01 10:00,2022-04-01 11:00,否,
V1,2022-05-01 23:00,2022-05-02 01:00,否,
P1,2022-06-01 02:00,2022-06-01 04:00,是,信息中心
"""


def _load(engine: Engine, contract: Contract, tmp_path: Path, *, catalogue: bool = True) -> None:
    files = [
        (import_resources, "resources.csv", RESOURCES),
        (import_outages, "outages.csv", OUTAGES),
    ]
    if catalogue:
        files += [
            (import_catalogue, "catalogue.csv", CATALOGUE),
            (import_statement, "statement_2021.csv", STATEMENT_2021),
            (import_statement, "statement_2022.csv", STATEMENT_2022),
        ]
    for importer, name, text in files:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        report = importer(engine, path, contract, source="甲运营", now=NOW)
        assert report.exit_code == 0, report.problems


def _scheme(contract: Contract) -> ContractSet:
    scoring = contract.scoring.model_copy(
        update={
            "unit_price": UnitPriceRule(pool="一云"),
            "delivered_quantities": DeliveredQuantitiesRule(
                planned={"physical": 2, "vm": 1}, count_on="last_day"
            ),
            "service_days": ServiceDaysRule(required_days=363),
        }
    )
    return ContractSet.single(contract.model_copy(update={"scoring": scoring}))


def _indicators(engine: Engine, contracts: ContractSet, period: str) -> dict[str, Any]:
    card = period_scorecard(engine, contracts, parse_period(period, contracts.deployment.zone), AT)
    document = scorecard_json(card, contracts.deployment)
    return {item["id"]: item for item in document["indicators"]}


def test_the_price_decline_shows_on_the_scorecard_with_its_evidence(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    _load(engine, contract, tmp_path)
    found = _indicators(engine, _scheme(contract), "2022")
    price = found["unit_price"]
    # (10 × 420 + 40 × 35 − 10 × 411.60 − 40 × 34.65) / 5600 = 98 / 5600 = 1.75 % → 1 point.
    assert (price["points"], price["max_points"], price["measured"]) == (1, 2, 1.75)
    assert (price["origin"], price["section"]) == ("computed", "效益")
    assert price["evidence"] == [
        "一云 VM 云主机 4核8G：2021 单价 420.00 元，2022 单价 411.60 元/台·月，权重 10 台·月",
        "一云 CPU 计算资源：2021 单价 35.00 元，2022 单价 34.65 元/vCPU·月，权重 40 vCPU·月",
        "一云 GPU：仅 2022 有目录价格，未计入",
    ]
    assert price["pools"]["一云"]["decline_percent"] == "1.7500"
    assert price["name_en"] == "Cloud service unit-price decline"
    assert price["evidence_en"][0] == (
        "一云 VM 云主机 4核8G: 2021 unit price 420.00 yuan, 2022 unit price 411.60 yuan per "
        "台·月, weight 10 台·月"
    )
    assert price["evidence_en"][2] == "一云 GPU: catalogue price in 2022 only, left out"
    assert "二云" not in price["pools"]


def test_a_year_without_the_year_before_in_the_catalogue_has_no_evidence(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    _load(engine, contract, tmp_path)
    price = _indicators(engine, _scheme(contract), "2021")["unit_price"]
    assert (price["points"], price["measured"]) == (0, None)
    assert price["evidence"][0] == "无证据：本期计费项没有两年都有的目录价格"


def test_no_catalogue_scores_zero_shown_as_no_evidence(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    _load(engine, contract, tmp_path, catalogue=False)
    price = _indicators(engine, _scheme(contract), "2022")["unit_price"]
    assert (price["points"], price["origin"], price["no_data"]) == (0, "computed", True)
    assert price["evidence"] == ["无证据：没有服务目录（slamon import catalogue）"]
    assert price["evidence_en"] == ["no evidence: no service catalogue (slamon import catalogue)"]


def test_delivered_quantities_and_service_days_from_the_inventory_and_outages(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    _load(engine, contract, tmp_path, catalogue=False)
    found = _indicators(engine, _scheme(contract), "2022")
    delivered = found["delivered_quantities"]
    assert (delivered["points"], delivered["section"]) == (2, "产出")
    assert delivered["evidence"] == [
        "物理机：在用 2/计划 2（达标）",
        "云主机：在用 1/计划 1（达标）",
    ]
    days = found["service_days"]
    # Lost: 1 April, 1 and 2 May (the approved maintenance of 1 June is not): 362 < 363.
    assert (days["points"], days["measured"], days["lost_days"]) == (
        0,
        362,
        ["2022-04-01", "2022-05-01", "2022-05-02"],
    )


def test_a_scheme_without_the_sections_does_not_score_them(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    _load(engine, contract, tmp_path)
    card = period_scorecard(
        engine, ContractSet.single(contract), parse_period("2022", contract.zone), AT
    )
    ids = {line.id for line in card.scorecard.lines}
    assert not ids & {"unit_price", "delivered_quantities", "service_days"}


ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "config/contracts/examples"


def test_the_example_scheme_scores_all_three_beside_the_zhongshan_contracts(
    engine: Engine, contract: Contract, tmp_path: Path
) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    for name in ("pool1.yaml", "pool2.yaml"):
        shutil.copy(EXAMPLES / "zhongshan" / name, folder / name)
    shutil.copy(EXAMPLES / "schemes" / "urumqi.yaml", folder / "scheme.yaml")
    _load(engine, contract, tmp_path)
    found = _indicators(engine, load_contract_set(folder), "2022")
    assert found["unit_price"]["name_zh"] == "第一资源池云服务单价下降"
    assert (found["unit_price"]["points"], found["unit_price"]["max_points"]) == (1, 2)
    # 112 physical and 98 virtual machines planned, 1 and 1 in service on 1 January: both
    # classes short, 4 − 2 × 2.
    assert found["delivered_quantities"]["points"] == 0
    assert found["delivered_quantities"]["evidence"][0] == (
        "物理机：在用 1/计划 112（差 111，最少于 2022-01-01）"
    )
    # Three days lost of 365: 362 ≥ 360.
    assert (found["service_days"]["points"], found["service_days"]["measured"]) == (2, 362)
