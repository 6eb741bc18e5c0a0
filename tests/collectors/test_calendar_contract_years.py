"""A year's days written into a contract file: only calendar.years.<year> changes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml

from collectors.calendar.contract_years import (
    CalendarWriteError,
    DeclaredYear,
    LabelledDay,
    contract_with_year,
    write_calendar_year,
)
from monitor.contract.model import DEFAULT_CONTRACT_PATH, load_contract

YEAR_2027 = DeclaredYear(
    2027,
    (LabelledDay(date(2027, 1, 1), "元旦"), LabelledDay(date(2027, 2, 6), "春节")),
    (LabelledDay(date(2027, 2, 20), "春节"),),
    "关于2027年部分节假日安排的通知（手写的测试数据 hand-written test data）",
)
DAYS_2027 = {"holidays": [date(2027, 1, 1), date(2027, 2, 6)], "workdays": [date(2027, 2, 20)]}


def years_of(text: str) -> dict[int, object]:
    return dict(yaml.safe_load(text)["calendar"]["years"])


def test_an_empty_flow_mapping_becomes_a_block_and_nothing_else_moves() -> None:
    text = DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8")
    before, after = text.split("  years: {}\n")
    edited = contract_with_year(text, YEAR_2027)
    assert edited.startswith(before + "  years:\n    2027:  # 关于2027年")
    assert edited.endswith(after)
    assert "        - 2027-02-06  # 春节\n" in edited
    assert years_of(edited) == {2027: DAYS_2027}


def test_an_existing_year_is_replaced_and_its_neighbours_kept() -> None:
    text = (
        "calendar:\n"
        "  years:\n"
        "    2026: {holidays: [2026-01-01], workdays: []}  # kept as written\n"
        "    # the 2027 notice\n"
        "    2027:\n"
        "      holidays:\n"
        "        - 2027-01-01\n"
        "      workdays: []   # replaced with the entry\n"
        "  # extra days\n"
        "  holidays: []\n"
    )
    edited = contract_with_year(text, YEAR_2027)
    head = text.split("    2027:\n", 1)[0]
    assert edited.startswith(head + "    2027:  # ")
    assert edited.endswith("  # extra days\n  holidays: []\n")
    assert years_of(edited) == {
        2026: {"holidays": [date(2026, 1, 1)], "workdays": []},
        2027: DAYS_2027,
    }
    assert contract_with_year(edited, YEAR_2027) == edited


def test_a_year_is_added_after_the_years_already_there() -> None:
    text = "calendar:\n  years:\n    2026:\n      holidays: [2026-01-01]\n\n# end\n"
    edited = contract_with_year(text, YEAR_2027)
    assert edited.startswith(
        "calendar:\n  years:\n    2026:\n      holidays: [2026-01-01]\n    2027:"
    )
    assert edited.endswith("\n\n# end\n")


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("name: x\n", "name: x\n"),
        ("name: x", "name: x"),
        (
            "name: x\ncalendar:\n    holidays: []  # mine\n",
            "name: x\ncalendar:\n    holidays: []  # mine\n",
        ),
        ("calendar: {holidays: []}\n", None),
        ("calendar: {years: {2026: {holidays: [2026-01-01]}}}\n", None),
        ("calendar:\n  years: {}   # none yet\n", "calendar:\n  years:   # none yet\n"),
        ("calendar:\r\n  years: {}\r\n  holidays: []\r\n", "calendar:\r\n  years:\r\n"),
    ],
)
def test_layouts_without_the_year(text: str, kept: str | None) -> None:
    edited = contract_with_year(text, YEAR_2027)
    assert years_of(edited)[2027] == DAYS_2027
    if kept is not None:
        assert edited.startswith(kept)
    if "\r\n" in text:
        assert "\n" not in edited.replace("\r\n", "")


def test_an_edit_that_would_change_anything_else_is_refused() -> None:
    # calendar is an alias: editing the anchored mapping would change `defaults` as well.
    with pytest.raises(CalendarWriteError, match="by hand"):
        contract_with_year("defaults: &cal\n  years: {}\ncalendar: *cal\n", YEAR_2027)
    with pytest.raises(CalendarWriteError):
        contract_with_year("calendar: []\n", YEAR_2027)


def test_writing_keeps_the_file_valid_and_its_mode(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    path.write_bytes(DEFAULT_CONTRACT_PATH.read_bytes())
    path.chmod(0o640)
    # A whole year (a contract refuses one with fewer than the statutory holidays): the
    # every-option test contract's 2027.
    every_option = Path(__file__).resolve().parents[1] / "data/contracts/every_option.yaml"
    holidays = load_contract(every_option).calendar.years[2027].holidays
    whole = DeclaredYear(
        2027, tuple(LabelledDay(day, "放假") for day in holidays), YEAR_2027.workdays
    )
    write_calendar_year(path, whole)
    assert load_contract(path).calendar.years[2027].workdays == (date(2027, 2, 20),)
    assert path.stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["contract.yaml"]


def test_a_year_the_contract_refuses_leaves_the_file_alone(tmp_path: Path) -> None:
    path = tmp_path / "contract.yaml"
    original = DEFAULT_CONTRACT_PATH.read_bytes()
    path.write_bytes(original)
    wrong = DeclaredYear(2027, (LabelledDay(date(2026, 12, 31), "元旦"),), ())
    with pytest.raises(CalendarWriteError, match="nothing written"):
        write_calendar_year(path, wrong)
    assert path.read_bytes() == original
    assert [p.name for p in tmp_path.iterdir()] == ["contract.yaml"]
