"""Loading the contracts of a deployment: a file or a directory, scopes and validities that
never overlap, and the evaluation scheme apart from the contracts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from monitor.contract.contract_set import ContractSet, judging_from_text, load_contract_set
from monitor.contract.model import DEFAULT_CONTRACT_PATH, ContractError
from tests.conftest import local
from tests.contract.contracts_dir import contract_text, two_pools


def test_a_file_is_one_contract_holding_its_own_scheme() -> None:
    contracts = load_contract_set(DEFAULT_CONTRACT_PATH)
    assert len(contracts) == 1
    assert contracts.deployment is contracts.primary.contract
    assert contracts.scheme.scoring == contracts.primary.contract.scoring
    assert len(contracts.primary.ref.version) == 64


def test_a_directory_is_one_contract_per_file_and_picks_by_pool(tmp_path: Path) -> None:
    contracts = load_contract_set(two_pools(tmp_path / "contracts"))
    assert [judging.contract.name for judging in contracts] == [
        "一云运营服务合同",
        "二云运营服务合同",
    ]
    at = local("2022-08-10 11:41")
    first = contracts.covering("一云", "一云运营单位", at)
    second = contracts.covering("二云", None, at)
    assert first is not None and second is not None
    assert first.contract.target("major.restore").limit.duration == timedelta(hours=2)
    assert second.contract.target("major.restore").limit.duration == timedelta(hours=48)
    assert contracts.covering("三云", None, at) is None
    assert contracts.covering(None, None, at) is None


def test_the_versions_are_the_files_hashes_and_change_with_the_text(tmp_path: Path) -> None:
    folder = two_pools(tmp_path / "contracts")
    before = [judging.ref.version for judging in load_contract_set(folder)]
    text = (folder / "pool2.yaml").read_text(encoding="utf-8")
    (folder / "pool2.yaml").write_text(text + "# 补充协议\n", encoding="utf-8")
    after = [judging.ref.version for judging in load_contract_set(folder)]
    assert before[0] == after[0] and before[1] != after[1]


def test_the_scheme_file_scores_the_project_and_contracts_may_not_carry_one(
    tmp_path: Path,
) -> None:
    folder = two_pools(tmp_path / "contracts")
    (folder / "scheme.yaml").write_text(
        "name: 2022年度绩效评价\ngrade_bands:\n  - {min: 85, grade: 优}\n  - {min: 0, grade: 差}\n",
        encoding="utf-8",
    )
    contracts = load_contract_set(folder)
    assert contracts.deployment.grade_for(86) == "优"
    assert contracts.deployment.grade_for(84) == "差"
    # The deployment knows every contract's targets, for names in views and alerts.
    assert {t.id for t in contracts.deployment.targets} >= {"major.restore", "major.arrival"}
    text = (folder / "pool1.yaml").read_text(encoding="utf-8")
    (folder / "pool1.yaml").write_text(text + "grade_bands: [{min: 0, grade: 差}]\n", "utf-8")
    with pytest.raises(ContractError) as refused:
        load_contract_set(folder)
    assert refused.value.path.name == "pool1.yaml"
    assert [problem.where for problem in refused.value.problems] == ["grade_bands"]
    assert "scheme.yaml" in str(refused.value)


def test_two_contracts_for_the_same_tickets_are_refused_naming_both(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    (folder / "a.yaml").write_text(contract_text("甲", "scope: {pools: [一云, 二云]}\n"), "utf-8")
    (folder / "b.yaml").write_text(contract_text("乙", "scope: {operators: [电信]}\n"), "utf-8")
    with pytest.raises(ContractError) as refused:
        load_contract_set(folder)
    message = refused.value.message
    assert "a.yaml" in message.zh and "b.yaml" in message.zh
    assert "一云、二云" in message.zh and "电信" in message.zh
    assert "pools 一云, 二云" in message.en and "电信" in message.en


def test_consecutive_validities_of_one_scope_are_two_versions_of_terms(tmp_path: Path) -> None:
    folder = tmp_path / "contracts"
    folder.mkdir()
    old = "scope: {pools: [一云]}\nvalid_until: 2020-01-01\n"
    new = "scope: {pools: [一云]}\nvalid_from: 2020-01-01\n"
    (folder / "old.yaml").write_text(contract_text("旧合同", old), "utf-8")
    (folder / "new.yaml").write_text(contract_text("新合同", new, restore="4h"), "utf-8")
    contracts = load_contract_set(folder)
    before = contracts.covering("一云", None, local("2019-12-31 23:59"))
    after = contracts.covering("一云", None, local("2020-01-01 00:00"))
    assert before is not None and before.contract.name == "旧合同"
    assert after is not None and after.contract.name == "新合同"
    # One day more of the old contract would overlap the new one.
    (folder / "old.yaml").write_text(
        contract_text("旧合同", "scope: {pools: [一云]}\nvalid_until: 2020-01-02\n"), "utf-8"
    )
    with pytest.raises(ContractError, match="2020-01-01 to 2020-01-02") as refused:
        load_contract_set(folder)
    assert "2020-01-01 至 2020-01-02" in refused.value.message.zh


@pytest.mark.parametrize(
    ("header", "where", "expected"),
    [
        ("scope: {pool: [一云]}\n", "scope.pool", "unknown key"),
        ("scope: {pools: []}\n", "scope.pools", "at least 1"),
        ("valid_from: 2022-01-01\nvalid_until: 2022-01-01\n", "(top level)", "must be after"),
        ("valid_from: 2022-13-01\n", "(file)", "month must be in 1..12"),
    ],
)
def test_a_bad_scope_or_validity_is_refused_at_its_key(
    tmp_path: Path, header: str, where: str, expected: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(contract_text("甲", header), encoding="utf-8")
    with pytest.raises(ContractError) as refused:
        load_contract_set(path)
    problems = {problem.where: problem.expected for problem in refused.value.problems}
    problems["(file)"] = refused.value.summary
    assert where in problems and expected in problems[where], problems


def test_a_directory_without_contracts_or_with_one_name_twice_is_refused(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "scheme.yaml").write_text("name: 方案\n", "utf-8")
    with pytest.raises(ContractError, match="holds no contract") as refused:
        load_contract_set(empty)
    assert "没有合同文件" in refused.value.message.zh
    twice = tmp_path / "twice"
    twice.mkdir()
    (twice / "a.yaml").write_text(contract_text("同名", "scope: {pools: [一云]}\n"), "utf-8")
    (twice / "b.yaml").write_text(contract_text("同名", "scope: {pools: [二云]}\n"), "utf-8")
    with pytest.raises(ContractError, match="is also"):
        load_contract_set(twice)


@pytest.mark.parametrize(
    "path", [DEFAULT_CONTRACT_PATH, Path(__file__).parents[1] / "data/contracts/every_option.yaml"]
)
def test_a_contract_held_in_code_is_kept_as_yaml_that_reads_back_the_same(path: Path) -> None:
    contract = load_contract_set(path).primary.contract
    kept = ContractSet.single(contract).primary
    assert judging_from_text(kept.content, Path("kept.yaml")).contract == contract
    assert "30m" in kept.content and "PT30M" not in kept.content
