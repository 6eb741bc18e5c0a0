"""The one YAML loader: every way a configuration file fails is one error naming the file, the
key path and what was expected."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from pydantic import Field

from collectors.settings import CollectorSettingsError, load_collector_settings
from collectors.tickets.profile import ProfileError, load_profile
from monitor.alerting.config import AlertingConfigError, load_alerting
from monitor.contract.model import ContractError, load_contract
from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import KeyProblem, YamlFileError, load_yaml_model
from monitor.scorecard.manual import ManualScoresError, load_manual_scores


class Limit(StrictModel):
    duration: str


class Item(StrictModel):
    id: str
    limit: Limit


class Settings(StrictModel):
    name: str = "default"
    items: tuple[Item, ...] = ()
    count: int = Field(default=1, ge=1)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "settings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def refused(path: Path) -> YamlFileError:
    with pytest.raises(YamlFileError) as raised:
        load_yaml_model(path, Settings, "the settings file")
    assert raised.value.path == path
    assert str(raised.value).startswith(f"{path}: ")
    return raised.value


def test_a_good_file_is_the_model(tmp_path: Path) -> None:
    path = write(tmp_path, "name: x\nitems: [{id: a, limit: {duration: 2h}}]\n")
    loaded = load_yaml_model(path, Settings, "the settings file")
    assert loaded == Settings(name="x", items=(Item(id="a", limit=Limit(duration="2h")),))


def test_an_empty_file_is_the_defaults(tmp_path: Path) -> None:
    assert load_yaml_model(write(tmp_path, ""), Settings, "the settings file") == Settings()


def test_each_bad_key_is_named_by_its_path_with_what_was_expected(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "count: 0\nitems:\n  - {id: a, limit: {duration: 2h}}\n  - {id: b, limit: {}, lmit: 1}\n",
    )
    error = refused(path)
    assert error.summary == "the settings file is not valid (3 problem(s))"
    assert error.problems == (
        KeyProblem("items[1](b).limit.duration", "required key is missing", "缺少必填的键"),
        KeyProblem(
            "items[1](b).lmit", "unknown key (check the spelling)", "未知的键（请检查拼写）"
        ),
        KeyProblem("count", "Input should be greater than or equal to 1", "应不小于 1，而不是 0"),
    )
    assert str(error).splitlines()[1:] == [
        "  items[1](b).limit.duration: required key is missing",
        "  items[1](b).lmit: unknown key (check the spelling)",
        "  count: Input should be greater than or equal to 1",
    ]


def test_a_top_level_that_is_not_a_mapping_is_a_problem_at_the_top_level(tmp_path: Path) -> None:
    error = refused(write(tmp_path, "- name\n- items\n"))
    assert error.problems == (
        KeyProblem("(top level)", "expected a mapping of keys", "应为键值映射"),
    )


def test_broken_yaml_and_an_unreadable_file_name_the_file(tmp_path: Path) -> None:
    assert refused(write(tmp_path, "items: [\n")).summary.startswith("not valid YAML: ")
    absent = refused(tmp_path / "absent.yaml")
    assert absent.summary == "cannot read the settings file (No such file or directory)"
    assert absent.problems == ()


def _contract(path: Path) -> Any:
    return load_contract(path)


def _profile(path: Path) -> Any:
    return load_profile(str(path))


def _manual(path: Path) -> Any:
    return load_manual_scores(path, load_contract())


@pytest.mark.parametrize(
    ("load", "error", "what"),
    [
        (_contract, ContractError, "the contract"),
        (_profile, ProfileError, "the mapping profile"),
        (load_collector_settings, CollectorSettingsError, "the collectors file"),
        (load_alerting, AlertingConfigError, "the alerting file"),
        (_manual, ManualScoresError, "the manual scores file"),
    ],
)
def test_every_configuration_file_is_refused_the_same_way(
    tmp_path: Path, load: Callable[[Path], Any], error: type[YamlFileError], what: str
) -> None:
    path = write(tmp_path, "[1, 2]\n")
    with pytest.raises(error) as raised:
        load(path)
    assert str(raised.value) == (
        f"{path}: {what} is not valid (1 problem(s))\n  (top level): expected a mapping of keys"
    )
