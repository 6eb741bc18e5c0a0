"""Every kind of configuration file refuses a bad value in the chosen language alone: our own
checks (InvalidValue) and pydantic's (a number that is not one, a value out of range, a choice
not offered, a date that is not one) give a wholly Chinese reason in Chinese and an English
one in English."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from collectors.records.statement_profile import load_statement_profile
from collectors.settings import load_collector_settings
from collectors.tickets.profile import load_profile
from monitor.alerting.config import load_alerting
from monitor.contract.contract_set import SCHEME_FILE, SCHEME_KEYS, load_contract_set
from monitor.contract.model import load_contract
from monitor.contract.yaml_file import YamlFileError
from monitor.scorecard.manual import load_manual_scores

CONFIG = Path(__file__).resolve().parents[2] / "config"

# Three ASCII words in a row, once quoted values are taken out, are an English sentence; key
# names (working_days), lists of them, variables and examples (30m, HH:MM-HH:MM) are not.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|`[^`]*`")
_ENGLISH = re.compile(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def english_in(zh_reason: str) -> list[str]:
    return _ENGLISH.findall(_QUOTED.sub("", zh_reason))


def example(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((CONFIG / name).read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def dumped(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), "utf-8")
    return path


def contract_with(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], YamlFileError]:
    def refused(tmp_path: Path) -> YamlFileError:
        data = example("contracts/default.yaml")
        change(data)
        with pytest.raises(YamlFileError) as raised:
            load_contract(dumped(tmp_path / "contract.yaml", data))
        return raised.value

    return refused


def scheme_with(scheme: dict[str, Any]) -> Callable[[Path], YamlFileError]:
    def refused(tmp_path: Path) -> YamlFileError:
        contract = example("contracts/default.yaml")
        for key in SCHEME_KEYS:  # the scheme's keys belong in the scheme file alone
            contract.pop(key, None)
        dumped(tmp_path / "contract.yaml", contract)
        dumped(tmp_path / SCHEME_FILE, scheme)
        with pytest.raises(YamlFileError) as raised:
            load_contract_set(tmp_path)
        return raised.value

    return refused


def loaded_with(
    load: Callable[[Path], object], base: dict[str, Any], change: Callable[[dict[str, Any]], None]
) -> Callable[[Path], YamlFileError]:
    def refused(tmp_path: Path) -> YamlFileError:
        data = yaml.safe_load(yaml.safe_dump(base))  # a copy of the base to change
        change(data)
        with pytest.raises(YamlFileError) as raised:
            load(dumped(tmp_path / "file.yaml", data))
        return raised.value

    return refused


def first_target(key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        data["targets"][0][key] = value

    return change


def setting(*keys: str | int, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        node = data
        for key in keys[:-1]:
            node = node[key]
        node[keys[-1]] = value

    return change


def manual(tmp_path_file: Path) -> object:
    return load_manual_scores(tmp_path_file, load_contract())


def profile(path: Path) -> object:
    return load_profile(str(path))


def statement(path: Path) -> object:
    return load_statement_profile(str(path))


MANUAL = {
    "entered_by": "张三",
    "entered_on": "2024-12-31",
    "indicators": [
        {"id": "m1", "name_zh": "制度建设", "section": "管理", "points": 2, "max_points": 2}
    ],
}


@dataclass(frozen=True)
class Case:
    """A file with one bad value: where it is refused and, in each language, part of why."""

    refused: Callable[[Path], YamlFileError]
    where: str
    en: str
    zh: str


CASES = {
    # The contract.
    "contract_duration": Case(
        contract_with(first_target("limit", "banana")),
        "targets[0](major.arrival).limit.duration",
        "'banana' is not a duration; write a number with a unit d/h/m/s",
        "'banana' 不是时长，请写数字加单位",
    ),
    "contract_limit_without_unit": Case(
        contract_with(first_target("limit", 30)),
        "targets[0](major.arrival).limit.duration",
        "write the unit too",
        "时限须带单位",
    ),
    "contract_zone": Case(
        contract_with(setting("timezone", value="Mars/Olympus")),
        "timezone",
        "is not an IANA time zone",
        "'Mars/Olympus' 不是 IANA 时区名",
    ),
    "contract_unknown_event": Case(
        contract_with(first_target("stop", "arrived")),
        "targets[0](major.arrival).stop",
        "'arrived' is not a ticket event",
        "'arrived' 不是工单事件",
    ),
    "contract_twice_listed_target": Case(
        contract_with(lambda data: data["targets"].append(dict(data["targets"][0]))),
        "(top level)",
        "target id 'major.arrival' is used twice",
        "考核目标编号 'major.arrival' 重复",
    ),
    "contract_fraction_out_of_range": Case(
        contract_with(first_target("at_risk_fraction", 1.5)),
        "targets[0](major.arrival).at_risk_fraction",
        "Input should be less than 1",
        "应小于 1，而不是 1.5",
    ),
    "contract_not_a_number": Case(
        contract_with(first_target("at_risk_fraction", "most")),
        "targets[0](major.arrival).at_risk_fraction",
        "Input should be a valid number",
        "应为数字，而不是 'most'",
    ),
    "contract_not_a_boolean": Case(
        contract_with(setting("calendar", value={"years": {2031: {"partial": "maybe"}}})),
        "calendar.years.2031.partial",
        "Input should be a valid boolean",
        "应为 true 或 false，而不是 'maybe'",
    ),
    "contract_not_a_date": Case(
        contract_with(setting("valid_from", value="someday")),
        "valid_from",
        "Input should be a valid date",
        "应为日期，如 2022-10-01，而不是 'someday'",
    ),
    "contract_not_a_choice": Case(
        contract_with(setting("operator_class", value="bank")),
        "operator_class",
        "Input should be 'cii', 'state_organ' or 'other'",
        "应为以下取值之一：'cii'、'state_organ'、'other'，而不是 'bank'",
    ),
    "contract_not_a_list": Case(
        contract_with(first_target("severities", {"major": 1})),
        "targets[0](major.arrival).severities",
        "Input should be a valid tuple",
        "应为列表",
    ),
    "contract_not_a_mapping": Case(
        contract_with(setting("clocks", value=["awaiting_user"])),
        "clocks",
        "Input should be a valid dictionary",
        "应为键值映射",
    ),
    "contract_not_text": Case(
        contract_with(first_target("name_zh", 12)),
        "targets[0](major.arrival).name_zh",
        "Input should be a valid string",
        "应为文本，而不是 12",
    ),
    # The evaluation scheme.
    "scheme_not_positive": Case(
        scheme_with({"scoring": {"fault_response_timeliness": {"max_points": 0}}}),
        "scoring.fault_response_timeliness.max_points",
        "Input should be greater than 0",
        "应大于 0，而不是 0",
    ),
    "scheme_inconsistent_marks": Case(
        scheme_with({"scoring": {"satisfaction": {"zero_below": 95}}}),
        "scoring.satisfaction",
        "zero_below must be lower than full_marks_at",
        "zero_below 须低于 full_marks_at",
    ),
    # The manual scores file.
    "manual_listed_twice": Case(
        loaded_with(manual, MANUAL, lambda data: data["indicators"].append(data["indicators"][0])),
        "(top level)",
        "indicator id 'm1' is listed twice",
        "指标 'm1' 重复列出",
    ),
    "manual_score_above_100": Case(
        loaded_with(manual, MANUAL, setting("sla_assessment_score", value=120)),
        "sla_assessment_score",
        "Input should be less than or equal to 100",
        "应不大于 100，而不是 120",
    ),
    "manual_bad_period": Case(
        loaded_with(manual, MANUAL, setting("period", value="2024/12")),
        "period",
        "String should match pattern",
        "格式不符",
    ),
    "manual_empty_name": Case(
        loaded_with(manual, MANUAL, setting("indicators", 0, "name_zh", value="")),
        "indicators[0](m1).name_zh",
        "String should have at least 1 character",
        "至少需要 1 个字符",
    ),
    # The alerting file.
    "alerting_url": Case(
        loaded_with(
            load_alerting,
            example("alerting.example.yaml"),
            setting("channels", 0, "url", value="ftp://x"),
        ),
        "channels[0]",
        "channel 'alertmanager': url must be an http(s) URL",
        "通知渠道 'alertmanager'：url 须为 http(s) 网址",
    ),
    "alerting_channel_type": Case(
        loaded_with(
            load_alerting,
            example("alerting.example.yaml"),
            setting("channels", 0, "type", value="pigeon"),
        ),
        "channels[0].type",
        "Input should be 'alertmanager'",
        "应为以下取值之一：'alertmanager'、'webhook'",
    ),
    "alerting_batch": Case(
        loaded_with(
            load_alerting,
            example("alerting.example.yaml"),
            setting("delivery", "batch", value="many"),
        ),
        "delivery.batch",
        "Input should be a valid integer",
        "应为整数，而不是 'many'",
    ),
    "alerting_duration": Case(
        loaded_with(
            load_alerting, example("alerting.example.yaml"), setting("max_age", value="a day")
        ),
        "max_age",
        "'a day' is not a duration",
        "'a day' 不是时长",
    ),
    # The collectors file.
    "collectors_url": Case(
        loaded_with(
            load_collector_settings,
            example("collectors.example.yaml"),
            setting("prometheus", 0, "url", value="prometheus"),
        ),
        "prometheus[0].url",
        "'prometheus' is not an http(s) URL such as http://127.0.0.1:9090",
        "'prometheus' 不是 http(s) 网址，应如 http://127.0.0.1:9090",
    ),
    "collectors_retries": Case(
        loaded_with(
            load_collector_settings,
            example("collectors.example.yaml"),
            setting("prometheus", 0, "retries", value="three"),
        ),
        "prometheus[0].retries",
        "Input should be a valid integer",
        "应为整数，而不是 'three'",
    ),
    "collectors_start": Case(
        loaded_with(
            load_collector_settings,
            example("collectors.example.yaml"),
            setting("prometheus", 0, "start", value="last monday"),
        ),
        "prometheus[0].start",
        "Input should be a valid datetime",
        "应为带时区的时间",
    ),
    # The mapping profile.
    "profile_zone": Case(
        loaded_with(profile, example("mappings/slamon.yaml"), setting("timezone", value="Beijing")),
        "timezone",
        "'Beijing' is not an IANA time zone such as Asia/Shanghai",
        "'Beijing' 不是 IANA 时区名，应如 Asia/Shanghai",
    ),
    "profile_field": Case(
        loaded_with(
            profile,
            example("mappings/slamon.yaml"),
            setting("columns", "工单号", value="ticket_no"),
        ),
        "columns",
        "column '工单号': 'ticket_no' is not a slamon ticket field",
        "列 '工单号'：'ticket_no' 不是 slamon 的工单字段",
    ),
    "profile_columns": Case(
        loaded_with(profile, example("mappings/slamon.yaml"), setting("columns", value=["工单号"])),
        "columns",
        "Input should be a valid dictionary",
        "应为键值映射",
    ),
    # The statement profile.
    "statement_header_rows": Case(
        loaded_with(
            statement, example("mappings/statements/jiesuan.yaml"), setting("header_rows", value=9)
        ),
        "header_rows",
        "Input should be less than or equal to 4",
        "应不大于 4，而不是 9",
    ),
    "statement_title": Case(
        loaded_with(
            statement,
            example("mappings/statements/jiesuan.yaml"),
            setting("period_from_title", value="sometimes"),
        ),
        "period_from_title",
        "Input should be a valid boolean",
        "应为 true 或 false，而不是 'sometimes'",
    ),
}


@pytest.mark.parametrize("name", CASES)
def test_a_bad_value_is_refused_wholly_in_each_language(name: str, tmp_path: Path) -> None:
    case = CASES[name]
    error = case.refused(tmp_path)
    problems = {problem.where: problem for problem in error.problems}
    assert case.where in problems, problems
    problem = problems[case.where]
    assert case.en in problem.expected
    assert problem.expected_zh is not None and case.zh in problem.expected_zh
    for each in error.problems:
        assert each.expected_zh is not None and _CHINESE.search(each.expected_zh), each
        assert not english_in(each.expected_zh), each
    assert not english_in(error.message.zh.split("\n", 1)[1]), error.message.zh
    assert case.en in error.message.en and case.zh not in error.message.en


def test_the_english_words_check_finds_a_sentence_but_not_keys_or_values() -> None:
    assert english_in("时限须带单位 write the unit too")
    assert not english_in("'a day' 不是时长，请写 30m、2h；calendar.years.2031.partial")
    assert not english_in("可选：ticket_id, kind, severity")
