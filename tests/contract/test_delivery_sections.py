"""The scheme's unit-price, delivered-quantity and service-day sections: absent unless written,
band edges read as exact decimals, and classes that are not resource classes refused by key."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest

from monitor.contract.contract_set import load_contract_set
from monitor.contract.delivery import PriceBand, UnitPriceRule
from monitor.contract.model import DEFAULT_CONTRACT_PATH, ContractError, load_contract
from tests.contract.contracts_dir import two_pools

DEFAULT_TEXT = DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8")


def with_scoring(tmp_path: Path, sections: str) -> Path:
    """The default contract with `sections` (indented under scoring:) added."""
    path = tmp_path / "contract.yaml"
    path.write_text(DEFAULT_TEXT.replace("\nscoring:\n", f"\nscoring:\n{sections}", 1), "utf-8")
    return path


def test_the_default_contract_scores_none_of_them() -> None:
    scoring = load_contract().scoring
    assert (scoring.unit_price, scoring.delivered_quantities, scoring.service_days) == (
        None,
        None,
        None,
    )


def test_band_edges_are_exact_decimals_and_inclusive_unless_said(tmp_path: Path) -> None:
    path = with_scoring(
        tmp_path,
        "  unit_price:\n    bands:\n      - {min: 2.5, points: 2, inclusive: false}\n"
        "      - {min: 1.1, points: 1}\n",
    )
    rule = load_contract(path).scoring.unit_price
    assert rule is not None
    assert [(band.min, band.inclusive) for band in rule.bands] == [
        (Decimal("2.5"), False),
        (Decimal("1.1"), True),
    ]
    assert [rule.points_for(Fraction(p)) for p in ("5/2", "251/100", "11/10", "109/100")] == [
        1,
        2,
        1,
        0,
    ]
    assert rule.name_en == "Cloud service unit-price decline"


def test_a_band_above_full_marks_is_refused(tmp_path: Path) -> None:
    path = with_scoring(tmp_path, "  unit_price:\n    bands: [{min: 2, points: 3}]\n")
    with pytest.raises(ContractError, match="max_points"):
        load_contract(path)


def test_a_planned_count_of_zero_is_refused(tmp_path: Path) -> None:
    path = with_scoring(tmp_path, "  delivered_quantities:\n    planned: {vm: 0}\n")
    with pytest.raises(ContractError, match="at least 1"):
        load_contract(path)


def test_an_unknown_class_is_refused_in_a_contract_file(tmp_path: Path) -> None:
    path = with_scoring(tmp_path, "  delivered_quantities:\n    planned: {cabinet: 25}\n")
    with pytest.raises(ContractError, match="unknown resource class 'cabinet'"):
        load_contract(path)


def test_an_unknown_class_is_refused_in_the_scheme_naming_the_key(tmp_path: Path) -> None:
    folder = two_pools(tmp_path / "contracts")
    (folder / "scheme.yaml").write_text(
        "scoring:\n  service_days:\n    classes: [vm, 机柜]\n", encoding="utf-8"
    )
    with pytest.raises(ContractError) as refused:
        load_contract_set(folder)
    assert refused.value.path.name == "scheme.yaml"
    assert [problem.where for problem in refused.value.problems] == ["scoring.service_days.classes"]
    assert "机柜" in str(refused.value)


def test_the_example_scheme_loads_beside_the_zhongshan_contracts(tmp_path: Path) -> None:
    examples = DEFAULT_CONTRACT_PATH.parent / "examples"
    folder = tmp_path / "contracts"
    folder.mkdir()
    for name in ("pool1.yaml", "pool2.yaml"):
        (folder / name).write_bytes((examples / "zhongshan" / name).read_bytes())
    (folder / "scheme.yaml").write_bytes((examples / "schemes" / "urumqi.yaml").read_bytes())
    scoring = load_contract_set(folder).deployment.scoring
    assert scoring.unit_price is not None and scoring.unit_price.pool == "一云"
    assert scoring.delivered_quantities is not None
    assert scoring.delivered_quantities.planned == {"physical": 112, "vm": 98}
    assert scoring.service_days is not None and scoring.service_days.required_days == 360


def test_of_two_bands_at_one_edge_the_exclusive_one_takes_what_is_above_it() -> None:
    rule = UnitPriceRule(
        max_points=3,
        bands=(
            PriceBand(min=Decimal(2), points=2),
            PriceBand(min=Decimal(2), points=3, inclusive=False),
        ),
    )
    assert [rule.points_for(Fraction(p)) for p in ("201/100", "2", "199/100")] == [3, 2, 0]
