"""The contract's obligations section: what it may say, refused loudly when inconsistent."""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest
from pydantic import ValidationError

from monitor.contract.contract_set import load_contract_set
from monitor.contract.model import ContractError
from monitor.contract.obligations import Obligation
from tests.contract.contracts_dir import two_pools
from tests.rules.obligation_contract import contract_with_obligations


def test_every_obligation_of_the_test_contract_loads(tmp_path: Path) -> None:
    contract = contract_with_obligations(tmp_path)
    survey = {item.id: item for item in contract.obligations}["satisfaction_survey"]
    assert survey.share == Fraction(1, 3)
    assert survey.describe_zh() == "每季度回复单位不少于服务单位的1/3（期满前）"


@pytest.mark.parametrize(
    ("terms", "message"),
    [
        ({"frequency": "event"}, "an event duty needs due"),
        ({"frequency": "yearly", "coverage": "pool"}, "coverage: pool needs pools"),
        ({"frequency": "yearly", "coverage": "system"}, "needs protection_level"),
        ({"frequency": "quarterly", "evidence": "survey"}, "needs survey_share"),
        ({"frequency": "monthly", "due": {"days": 3, "working_days": 5}}, "not both"),
    ],
)
def test_an_inconsistent_obligation_is_refused(terms: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Obligation.model_validate({"id": "duty", "name_zh": "事项", "name_en": "Duty", **terms})


def test_a_scoring_section_naming_an_unknown_obligation_is_refused(tmp_path: Path) -> None:
    scoring = "  obligations:\n    obligations: [fire_drill]\n"
    with pytest.raises(ContractError, match="'fire_drill' is not an obligation"):
        contract_with_obligations(tmp_path, scoring=scoring)


def test_an_obligation_id_used_twice_is_refused(tmp_path: Path) -> None:
    twice = (
        "  - id: emergency_drill\n    name_zh: 演练\n    name_en: Drill\n    frequency: yearly\n"
    )
    with pytest.raises(ContractError, match="used twice"):
        contract_with_obligations(tmp_path, extra=twice)


def test_a_directory_of_contracts_owes_every_contracts_obligations_from_its_first_day(
    tmp_path: Path,
) -> None:
    folder = two_pools(tmp_path / "contracts")
    drill = "  - {id: drill, name_zh: 应急演练, name_en: Drill, frequency: yearly, count: 2}\n"
    report = "  - {id: report, name_zh: 月报, name_en: Report, frequency: monthly}\n"
    first = (folder / "pool1.yaml").read_text(encoding="utf-8")
    (folder / "pool1.yaml").write_text(first + f"obligations:\n{drill}", encoding="utf-8")
    second = (
        (folder / "pool2.yaml")
        .read_text(encoding="utf-8")
        .replace("scope: {pools: [二云]}", "scope: {pools: [二云]}\nvalid_from: 2023-04-01", 1)
    )
    (folder / "pool2.yaml").write_text(second + f"obligations:\n{report}", encoding="utf-8")
    deployment = load_contract_set(folder).deployment
    assert [(item.id, item.since) for item in deployment.obligations] == [
        ("drill", None),
        ("report", date(2023, 4, 1)),
    ]
