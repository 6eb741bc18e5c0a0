"""The contract's obligations section: what it may say, refused loudly when inconsistent."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from pydantic import ValidationError

from monitor.contract.model import ContractError
from monitor.contract.obligations import Obligation
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
