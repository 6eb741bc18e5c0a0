"""Cells of an operator's export into typed values: times, text, sizes and vocabulary."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from collectors.files.values import (
    BadValue,
    VocabularyLookup,
    parse_size_gb,
    parse_text,
    parse_time,
)
from monitor.contract.model import Contract

SHANGHAI = ZoneInfo("Asia/Shanghai")
# 2022-08-10 11:41 in Shanghai, the instant most examples below write in different ways.
INSTANT = datetime(2022, 8, 10, 3, 41, tzinfo=UTC)


# --- times ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "2022-08-10 11:41",
        "2022-08-10 11:41:00",
        "2022-08-10T11:41",
        "2022-08-10T11:41:00+08:00",
        "2022-08-10T03:41:00Z",
        "2022-08-10T03:41:00z",
        "2022-08-10T03:41:00+00:00",
        "2022-08-09T22:41:00-05:00",
        "2022/8/10 11:41",
        "2022/08/10 11:41:00",
        "2022.8.10 11:41",
        "2022年8月10日 11:41",
        "2022-08-10 11：41",
        "2022/8/10 3:41Z",
        "2022/8/10 11:41 +0800",
        "  2022-08-10 11:41  ",
    ],
)
def test_every_accepted_time_format_gives_the_same_instant(text: str) -> None:
    assert parse_time(text, SHANGHAI) == INSTANT


def test_a_time_without_offset_is_in_the_contract_timezone() -> None:
    assert parse_time("2022-08-10 11:41", SHANGHAI) == datetime(2022, 8, 10, 3, 41, tzinfo=UTC)
    assert parse_time("2022-08-10 11:41", ZoneInfo("Asia/Urumqi")) == datetime(
        2022, 8, 10, 5, 41, tzinfo=UTC
    )


def test_a_time_with_an_offset_ignores_the_contract_timezone() -> None:
    assert parse_time("2022-08-10T11:41:00+09:00", SHANGHAI) == datetime(
        2022, 8, 10, 2, 41, tzinfo=UTC
    )


def test_shanghai_midnight_is_the_previous_day_in_utc() -> None:
    assert parse_time("2023-01-01 00:10", SHANGHAI) == datetime(2022, 12, 31, 16, 10, tzinfo=UTC)


def test_seconds_and_fractions_are_kept() -> None:
    assert parse_time("2022/8/10 11:41:07.25", SHANGHAI) == datetime(
        2022, 8, 10, 3, 41, 7, 250000, tzinfo=UTC
    )


def test_a_spreadsheet_date_cell_is_wall_time_in_the_contract_timezone() -> None:
    assert parse_time(datetime(2022, 8, 10, 11, 41), SHANGHAI) == INSTANT


def test_an_aware_datetime_keeps_its_own_offset() -> None:
    aware = datetime(2022, 8, 10, 3, 41, tzinfo=UTC)
    assert parse_time(aware, SHANGHAI) == INSTANT


def test_a_date_only_cell_is_midnight_in_the_contract_timezone() -> None:
    assert parse_time(date(2022, 8, 10), SHANGHAI) == datetime(2022, 8, 9, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_a_blank_time_is_no_time(blank: object) -> None:
    assert parse_time(blank, SHANGHAI) is None


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("2022-08-10", "has no time of day"),
        ("待定", "has no time of day"),
        ("yesterday 11:41", "is not a time"),
        ("2022-08-10 25:10", "is not a valid time"),
        ("2022-02-30 10:00", "is not a valid time"),
        ("1899-12-31 10:00", "outside 1990–2100"),
        ("2222-08-10 11:41", "outside 1990–2100"),
        (44783.5, "expected a date and time"),
    ],
)
def test_an_unreadable_time_says_why(value: object, reason: str) -> None:
    with pytest.raises(BadValue, match=reason):
        parse_time(value, SHANGHAI)


@pytest.mark.parametrize("text", ["2022/8/10 11:41+25:00", "2022-08-10T11:41+24:00"])
def test_an_impossible_utc_offset_is_a_bad_value_not_a_crash(text: str) -> None:
    with pytest.raises(BadValue, match="not a valid time"):
        parse_time(text, SHANGHAI)


@given(
    st.text(alphabet="0123456789-/.: T+Zz年月日：", max_size=30)
    | st.from_regex(
        r"\A\d{4}[-/]\d{1,2}[-/]\d{1,2}[ T]\d{1,2}:\d{2}(:\d{2})? ?(Z|[+-]\d{2}:?\d{2})?\Z"
    )
)
def test_any_text_is_an_aware_time_or_a_bad_value(text: str) -> None:
    try:
        parsed = parse_time(text, SHANGHAI)
    except BadValue:
        return
    assert parsed is None or parsed.utcoffset() is not None


@given(
    st.datetimes(min_value=datetime(1992, 1, 1), max_value=datetime(2099, 12, 31)).map(
        lambda moment: moment.replace(microsecond=0)
    )
)
def test_a_slashed_wall_time_is_that_wall_time_in_shanghai(wall: datetime) -> None:
    text = f"{wall.year}/{wall.month}/{wall.day} {wall.hour}:{wall.minute:02d}:{wall.second:02d}"
    # Shanghai has been UTC+8 all year round since 1992 (earlier summers had daylight time).
    assert parse_time(text, SHANGHAI) == (wall - timedelta(hours=8)).replace(tzinfo=UTC)


@given(st.integers(min_value=-23 * 60 - 59, max_value=23 * 60 + 59))
def test_any_offset_within_a_day_is_honoured(minutes: int) -> None:
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    text = f"2022/8/10 11:41 {sign}{hours:02d}{rest:02d}"
    expected = datetime(2022, 8, 10, 11, 41, tzinfo=timezone(timedelta(minutes=minutes)))
    assert parse_time(text, SHANGHAI) == expected


# --- text -------------------------------------------------------------------------------------


def test_text_is_trimmed() -> None:
    assert parse_text("  市政数局 ") == "市政数局"


def test_a_whole_number_stored_as_a_float_reads_as_its_digits() -> None:
    assert parse_text(2022001.0) == "2022001"
    assert parse_text(2022001) == "2022001"


@pytest.mark.parametrize("blank", [None, "", " \t "])
def test_blank_text_is_none(blank: object) -> None:
    assert parse_text(blank) is None


@pytest.mark.parametrize("nested", [{"id": 1}, [1, 2]])
def test_a_nested_json_value_is_not_text(nested: object) -> None:
    with pytest.raises(BadValue, match="nested JSON"):
        parse_text(nested)


# --- sizes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("512.5", 512.5), ("1,024", 1024.0), (" 3 ", 3.0), (2048, 2048.0), (0, 0.0), ("", None)],
)
def test_a_size_in_gb_is_a_number(value: object, expected: float | None) -> None:
    assert parse_size_gb(value) == expected


@pytest.mark.parametrize("value", ["-1", -0.5, "nan", "inf", "lots", True])
def test_a_size_must_be_a_finite_number_of_zero_or_more(value: object) -> None:
    with pytest.raises(BadValue):
        parse_size_gb(value)


# --- vocabulary -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("fault", "fault"),
        ("故障", "fault"),
        ("故障工单", "fault"),
        ("INCIDENT", "fault"),
        ("设备异常", "anomaly"),
        ("Device Anomaly", "anomaly"),
        ("数据恢复", "restore"),
        (" 服务请求 ", "request"),
    ],
)
def test_any_spelling_of_a_kind_maps_to_its_key(
    contract: Contract, spelling: str, key: str
) -> None:
    assert VocabularyLookup.of("kind", contract.kinds)(spelling) == key


@pytest.mark.parametrize(
    ("spelling", "key"),
    [
        ("重大", "major"),
        ("重大故障", "major"),
        ("critical", "major"),
        ("较大", "significant"),
        ("high", "significant"),
        ("一般故障", "general"),
    ],
)
def test_any_spelling_of_a_severity_maps_to_its_key(
    contract: Contract, spelling: str, key: str
) -> None:
    assert VocabularyLookup.of("severity", contract.severities)(spelling) == key


def test_an_unknown_kind_names_the_kinds_there_are(contract: Contract) -> None:
    with pytest.raises(BadValue, match="unknown kind 'outage'; expected one of fault, anomaly"):
        VocabularyLookup.of("kind", contract.kinds)("outage")


def test_a_blank_severity_is_none(contract: Contract) -> None:
    assert VocabularyLookup.of("severity", contract.severities)("") is None
