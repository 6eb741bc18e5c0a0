"""The service days on the duty-roster basis from a roster imported into SQLite and
PostgreSQL (tests/data/roster_zh.csv), for the whole cloud, for one pool's scorecard and
under a contract in another zone; figures by hand in each test."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from collectors.records.roster import import_roster
from monitor.cli.scorecard_output import scorecard_json
from monitor.contract.contract_set import ContractSet
from monitor.contract.delivery import ServiceDaysRule
from monitor.contract.model import Contract
from monitor.domain.periods import parse_period
from monitor.runs.scorecard import period_scorecard
from tests.collectors.records.test_roster_import import DATA

NOW = datetime(2022, 3, 10, tzinfo=UTC)


def _scheme(contract: Contract, basis: str) -> ContractSet:
    rule = ServiceDaysRule.model_validate({"basis": basis, "required_days": 300})
    scoring = contract.scoring.model_copy(update={"service_days": rule})
    return ContractSet.single(contract.model_copy(update={"scoring": scoring}))


def _service_days(
    engine: Engine, contracts: ContractSet, at: datetime, pools: frozenset[str] | None = None
) -> dict[str, Any]:
    zone = contracts.deployment.zone
    card = period_scorecard(engine, contracts, parse_period("2022-03", zone), at, pools=pools)
    document = scorecard_json(card, contracts.deployment)
    [found] = [item for item in document["indicators"] if item["id"] == "service_days"]
    return found


def test_the_imported_roster_leaves_the_day_with_its_hole_unserved(
    engine: Engine, contract: Contract
) -> None:
    report = import_roster(engine, DATA / "roster_zh.csv", contract, source="值班", now=NOW)
    assert report.inserted == 7
    at = datetime(2022, 3, 3, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    found = _service_days(engine, _scheme(contract, "roster"), at)
    # 1 and 3 March covered around the clock; 2 March open from 20:00 to 21:00.
    assert (found["points"], found["measured"]) == (1, 2)
    assert found["uncovered_days"] == ["2022-03-02"]
    assert found["evidence"][1] == "值班表未覆盖全天24小时：2022-03-02"
    assert found["evidence_en"][1] == "the duty roster did not cover all 24 hours on 2022-03-02"
    # 4 March has begun and nobody is on duty: it is not served either.
    later = _service_days(engine, _scheme(contract, "roster"), at.replace(day=4, hour=1))
    assert later["uncovered_days"] == ["2022-03-02", "2022-03-04"]


def test_one_pools_scorecard_reads_that_pools_shifts_alone(
    engine: Engine, contract: Contract
) -> None:
    import_roster(engine, DATA / "roster_zh.csv", contract, source="值班", now=NOW)
    at = datetime(2022, 3, 3, 23, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    found = _service_days(engine, _scheme(contract, "roster"), at, pools=frozenset({"二云"}))
    # 二云 has one day shift (3 March, 08:00–20:00): no day covered.
    assert (found["measured"], found["uncovered_days"]) == (
        0,
        ["2022-03-01", "2022-03-02", "2022-03-03"],
    )


def test_a_contract_in_urumqi_reads_and_counts_urumqi_days(
    engine: Engine, contract: Contract
) -> None:
    urumqi = contract.model_copy(update={"timezone": "Asia/Urumqi"})
    import_roster(engine, DATA / "roster_zh.csv", urumqi, source="值班", now=NOW)
    at = datetime(2022, 3, 3, 23, 0, tzinfo=ZoneInfo("Asia/Urumqi"))
    found = _service_days(engine, _scheme(urumqi, "both"), at)
    # The same wall times in Urumqi: the same days covered; no outage recorded.
    assert (found["measured"], found["lost_days"]) == (2, ["2022-03-02"])
    # Counted in Shanghai days instead, the evaluation (01:00 on 4 March there) has begun 4
    # March, which 杨帆's shift (until 00:00 Urumqi, 02:00 Shanghai) leaves open.
    as_shanghai = _service_days(engine, _scheme(contract, "both"), at)
    assert as_shanghai["uncovered_days"] == ["2022-03-02", "2022-03-04"]
