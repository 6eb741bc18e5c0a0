"""A contract's scoring sections read in English: their own name_en, else their indicator's."""

from __future__ import annotations

import yaml

from monitor.contract.model import DEFAULT_CONTRACT_PATH, Contract


def _contract_with(scoring: dict[str, object]) -> Contract:
    raw = yaml.safe_load(DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8"))
    raw["scoring"] = {**raw["scoring"], **scoring}
    return Contract.model_validate(raw)


def test_a_section_written_without_an_english_name_takes_its_indicators() -> None:
    section = {"name_zh": "网络电力正常运行", "max_points": 1, "classes": ["network", "power"]}
    contract = _contract_with({"normal_operation": section})
    assert contract.scoring.normal_operation.name_zh == "网络电力正常运行"
    assert contract.scoring.normal_operation.name_en == "Project normal operation"


def test_a_sections_own_english_name_is_kept() -> None:
    section = {"name_zh": "备份", "name_en": "Backups", "max_points": 2, "classes": ["backup"]}
    contract = _contract_with({"backup_service": section})
    assert contract.scoring.backup_service.name_en == "Backups"


def test_the_default_contract_names_every_indicator_and_section_in_english() -> None:
    contract = _contract_with({})
    scoring = contract.scoring
    sections_written = [getattr(scoring, key) for key in type(scoring).model_fields]
    names = {s.name_zh: s.name_en for s in sections_written if s is not None}
    assert all(names.values()), names
    table = contract.scorecard
    assert [table.section_name(s, "en") for s in table.sections] == [
        "Decision", "Process", "Output", "Effect", "Deductions"
    ]  # fmt: skip
