"""The contract's business-hours schedules (工作时间): what a file may say, how a bad one is
refused (file, key, what was expected), and the schedules built from it."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest
from pydantic import Field

from monitor.contract.schedules import (
    ScheduleConfig,
    Schedules,
    business_schedules,
    parse_hours,
)
from monitor.contract.strict import StrictModel
from monitor.contract.yaml_file import KeyProblem, YamlFileError, load_yaml_model
from monitor.domain.calendar import BusinessCalendar
from tests.conftest import SHANGHAI, local
from tests.domain.schedule_cases import H


class Terms(StrictModel):
    """A stand-in for the contract: only its schedules section."""

    schedules: Schedules = Field(default_factory=dict)


def load(tmp_path: Path, text: str) -> Terms:
    path = tmp_path / "contract.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml_model(path, Terms, "the contract")


def refused(tmp_path: Path, text: str) -> YamlFileError:
    with pytest.raises(YamlFileError) as raised:
        load(tmp_path, text)
    assert str(raised.value).startswith(f"{tmp_path / 'contract.yaml'}: the contract is not valid")
    return raised.value


GOOD = """
schedules:
  工作时间:
    days: working_days
    hours: [08:30-12:00, 13:30-17:30]
  值班:
    days: every_day
    hours: ["00:00-06:00", "22:00-24:00"]
"""


def test_schedules_load_unquoted_or_quoted(tmp_path: Path) -> None:
    terms = load(tmp_path, GOOD)
    assert terms.schedules == {
        "工作时间": ScheduleConfig(days="working_days", hours=("08:30-12:00", "13:30-17:30")),
        "值班": ScheduleConfig(days="every_day", hours=("00:00-06:00", "22:00-24:00")),
    }
    assert terms.schedules["值班"].ranges == ((time(0), time(6)), (time(22), time(0)))


def test_no_schedules_is_an_empty_section(tmp_path: Path) -> None:
    assert load(tmp_path, "").schedules == {}


def test_the_built_schedules_keep_the_contracts_clock(tmp_path: Path) -> None:
    built = business_schedules(load(tmp_path, GOOD).schedules, SHANGHAI, BusinessCalendar())
    assert set(built) == {"工作时间", "值班"}
    work = built["工作时间"]
    assert (work.name, work.days, work.zone) == ("工作时间", "working_days", SHANGHAI)
    assert work.deadline(local("2024-06-03 17:00"), 3 * H) == local("2024-06-04 11:00")
    night = built["值班"]
    assert night.deadline(local("2024-06-03 23:00"), 2 * H) == local("2024-06-04 01:00")


def test_ranges_may_touch_and_come_in_any_order(tmp_path: Path) -> None:
    terms = load(
        tmp_path,
        "schedules:\n  x:\n    days: every_day\n    hours: [13:30-17:30, 08:30-13:30]\n",
    )
    built = business_schedules(terms.schedules, SHANGHAI, BusinessCalendar())
    assert built["x"].hours == ((time(8, 30), time(13, 30)), (time(13, 30), time(17, 30)))


def test_each_bad_range_is_named_by_its_key_with_what_was_expected(tmp_path: Path) -> None:
    error = refused(
        tmp_path,
        """
schedules:
  工作时间:
    days: working_days
    hours: ["08:30-12:00", "13:30-1730", "25:00-26:00"]
  夜班:
    days: every_day
    hours: ["22:00-06:00", "09:00-09:00", 8:30]
""",
    )
    assert error.problems == (
        KeyProblem(
            "schedules.工作时间.hours[1]",
            "'13:30-1730' is not a range of hours: expected HH:MM-HH:MM, e.g. 08:30-12:00",
            "'13:30-1730' 不是时段，应为 HH:MM-HH:MM（如 08:30-12:00）",
        ),
        KeyProblem(
            "schedules.工作时间.hours[2]",
            "'25:00-26:00' names a time that does not exist: expected 00:00 to 23:59 "
            "(24:00 as an end)",
            "'25:00-26:00' 的时刻不存在，应在 00:00 至 23:59 之间（结束可为 24:00）",
        ),
        KeyProblem(
            "schedules.夜班.hours[0]",
            "'22:00-06:00' ends before it starts: split hours across midnight in two, "
            "e.g. 22:00-24:00 and 00:00-06:00",
            "'22:00-06:00' 结束早于开始；跨夜的时段请拆成两段，如 22:00-24:00 和 00:00-06:00",
        ),
        KeyProblem(
            "schedules.夜班.hours[1]",
            "'09:00-09:00' is empty: the end must come after the start",
            "'09:00-09:00' 时长为零，结束须晚于开始",
        ),
        # YAML reads an unquoted 8:30 as the number 510 (base 60).
        KeyProblem(
            "schedules.夜班.hours[2]",
            'Expected quoted text HH:MM-HH:MM, e.g. "08:30-12:00", not 510',
            '应为加引号的文本 HH:MM-HH:MM（如 "08:30-12:00"），而不是 510',
        ),
    )
    assert (
        str(error).splitlines()[1].startswith("  schedules.工作时间.hours[1]: '13:30-1730' is not")
    )
    assert error.message.zh.splitlines()[1].startswith(
        "  schedules.工作时间.hours[1]：'13:30-1730' 不是"
    )


def test_overlapping_ranges_are_named_both(tmp_path: Path) -> None:
    error = refused(
        tmp_path,
        "schedules:\n  工作时间:\n    days: working_days\n"
        "    hours: [08:30-12:00, 13:30-17:30, 11:00-14:00]\n",
    )
    assert error.problems == (
        KeyProblem(
            "schedules.工作时间.hours",
            "hours[2] 11:00-14:00 overlaps hours[0] 08:30-12:00 (ranges may touch, not overlap)",
            "hours[2] 11:00-14:00 与 hours[0] 08:30-12:00 重叠（首尾相接可以）",
        ),
    )


def test_an_empty_list_of_hours_is_refused(tmp_path: Path) -> None:
    error = refused(tmp_path, "schedules:\n  工作时间:\n    days: working_days\n    hours: []\n")
    assert error.problems == (
        KeyProblem(
            "schedules.工作时间.hours",
            "At least one range of hours is needed, e.g. [08:30-12:00, 13:30-17:30]",
            "至少需要一个时段，如 [08:30-12:00, 13:30-17:30]",
        ),
    )


def test_unknown_days_missing_hours_and_unknown_keys_are_refused(tmp_path: Path) -> None:
    error = refused(
        tmp_path,
        "schedules:\n  工作时间:\n    days: weekdays\n    hous: [08:30-12:00]\n",
    )
    assert error.problems == (
        KeyProblem(
            "schedules.工作时间.days",
            "Input should be 'working_days' or 'every_day'",
            "应为以下取值之一：'working_days'、'every_day'，而不是 'weekdays'",
        ),
        KeyProblem("schedules.工作时间.hours", "required key is missing", "缺少必填的键"),
        KeyProblem(
            "schedules.工作时间.hous", "unknown key (check the spelling)", "未知的键（请检查拼写）"
        ),
    )


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("08:30-12:00", (time(8, 30), time(12))),
        (" 13:30 - 17:30 ", (time(13, 30), time(17, 30))),
        ("00:00-24:00", (time(0), time(0))),
        ("22:00-24:00", (time(22), time(0))),
    ],
)
def test_hours_read_as_local_times_with_24h_as_the_end_of_the_day(
    text: str, hours: tuple[time, time]
) -> None:
    assert parse_hours(text) == hours


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("8:30-12:00", "expected HH:MM-HH:MM"),
        ("08:30–12:00", "expected HH:MM-HH:MM"),
        ("08:30", "expected HH:MM-HH:MM"),
        ("12:60-13:00", "does not exist"),
        ("24:00-24:00", "does not exist"),
        ("22:00-24:30", "ends after 24:00"),
        ("08:00-00:00", "ends before it starts"),
        ("00:00-00:00", "is empty"),
    ],
)
def test_hours_that_are_not_a_forward_range_of_one_day_are_refused(
    text: str, expected: str
) -> None:
    with pytest.raises(ValueError, match=expected):
        parse_hours(text)
