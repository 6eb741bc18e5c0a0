"""`slamon calendar import NOTICE`: what it shows, what it asks, and what it writes."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.contract.model import DEFAULT_CONTRACT_PATH, load_contract
from monitor.domain.calendar import BusinessCalendar

NOTICES = Path(__file__).resolve().parents[1] / "data" / "holiday_notices"


@pytest.fixture
def contract_copy(tmp_path: Path) -> Path:
    path = tmp_path / "contract.yaml"
    path.write_bytes(DEFAULT_CONTRACT_PATH.read_bytes())
    return path


def run(*args: str, answer: str | None = None, env: dict[str, str] | None = None) -> Result:
    result = CliRunner().invoke(cli, list(args), input=answer, env=env)
    assert "Traceback" not in result.output
    return result


def test_the_2026_notice_is_written_into_the_contract_and_nothing_else(
    contract_copy: Path,
) -> None:
    original = contract_copy.read_text(encoding="utf-8")
    result = run(
        "calendar", "import", str(NOTICES / "2026.txt"), "--contract", str(contract_copy), "--yes"
    )
    assert result.exit_code == 0, result.output
    assert "春节    02-15 至 02-23     9  02-14（周六）、02-28（周六）" in result.stdout
    assert "放假 33 天，调休上班 6 天" in result.stdout
    assert "已写入：" in result.stdout
    # Byte for byte, except the one line that held the empty years mapping.
    before, after = original.split("  years: {}\n")
    written = contract_copy.read_text(encoding="utf-8")
    assert written.startswith(before + "  years:\n    2026:")
    assert written.endswith(after)
    declared = load_contract(contract_copy).calendar.years[2026]
    assert (len(declared.holidays), len(declared.workdays)) == (33, 6)
    calendar = BusinessCalendar.from_config(load_contract(contract_copy).calendar)
    assert calendar.is_working_day(date(2026, 1, 4))  # Sunday, 调休
    assert not calendar.is_working_day(date(2026, 2, 16))
    checked = run("contract", "check", str(contract_copy))
    assert checked.exit_code == 0, checked.output
    assert "OK" in checked.stdout


def test_without_yes_it_asks_and_no_writes_nothing(contract_copy: Path) -> None:
    original = contract_copy.read_bytes()
    notice = str(NOTICES / "2025.txt")
    declined = run("calendar", "import", notice, "--contract", str(contract_copy), answer="n\n")
    assert declined.exit_code == 0, declined.output
    assert "将 calendar.years.2025 写入合同" in declined.stdout
    assert "未写入" in declined.stdout
    assert contract_copy.read_bytes() == original
    accepted = run("calendar", "import", notice, "--contract", str(contract_copy), answer="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert 2025 in load_contract(contract_copy).calendar.years


def test_importing_again_replaces_the_year_and_changes_nothing(contract_copy: Path) -> None:
    notice = str(NOTICES / "2024.txt")
    assert (
        run("calendar", "import", notice, "--contract", str(contract_copy), "--yes").exit_code == 0
    )
    once = contract_copy.read_bytes()
    again = run("calendar", "import", notice, "--contract", str(contract_copy), "--yes")
    assert "替换 calendar.years.2024" in again.stdout
    assert contract_copy.read_bytes() == once


def test_the_contract_defaults_to_slamon_contract(contract_copy: Path) -> None:
    result = run(
        "calendar",
        "import",
        str(NOTICES / "2017.txt"),
        "--yes",
        env={"SLAMON_CONTRACT": str(contract_copy)},
    )
    assert result.exit_code == 0, result.output
    assert str(contract_copy) in result.stdout
    assert 2017 in load_contract(contract_copy).calendar.years


def test_an_unreadable_festival_line_is_listed_and_nothing_written(
    contract_copy: Path, tmp_path: Path
) -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    notice = tmp_path / "notice.txt"
    notice.write_text(text.replace("4月4日（周六）至6日", "4月4日前后至6日"), encoding="utf-8")
    original = contract_copy.read_bytes()
    result = run("calendar", "import", str(notice), "--contract", str(contract_copy), "--yes")
    assert result.exit_code == 2
    assert "第 11 行：" in result.stderr
    assert "三、清明节：4月4日前后至6日" in result.stderr
    assert "未写入合同" in result.stderr
    assert contract_copy.read_bytes() == original


def test_a_file_without_festivals_is_exit_2(contract_copy: Path, tmp_path: Path) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text("国务院办公厅关于2026年部分节假日安排的通知\n\n各省：\n", encoding="utf-8")
    result = run("calendar", "import", str(notice), "--contract", str(contract_copy), "--yes")
    assert result.exit_code == 2
    assert "错误：通知中没有可识别的节日安排" in result.stderr


def test_a_missing_notice_and_a_wrong_year_are_exit_2(contract_copy: Path) -> None:
    missing = run("calendar", "import", "nowhere.txt", "--contract", str(contract_copy))
    assert missing.exit_code == 2
    assert "无法读取 nowhere.txt" in missing.stderr
    notice = str(NOTICES / "2026.txt")
    wrong = run("calendar", "import", notice, "--contract", str(contract_copy), "--year", "2027")
    assert wrong.exit_code == 2
    assert "--year" in wrong.stderr


NOTICE_2019 = (
    "国务院办公厅关于2019年部分节假日安排的通知\n"
    "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。\n"
    "二、春节：2月4日至10日放假调休，共7天。2月2日（星期六）、2月3日（星期日）上班。\n"
    "三、清明节：4月5日放假，与周末连休。\n"
    "四、劳动节：5月1日至4日放假调休，共4天。4月28日（星期日）、5月5日（星期日）上班。\n"
    "五、端午节：6月7日放假，与周末连休。\n"
    "六、中秋节：9月13日放假，与周末连休。\n"
    "七、国庆节：10月1日至7日放假调休，共7天。9月29日（星期日）、10月12日（星期六）上班。\n"
)


def test_december_days_of_a_new_years_range_are_reported_not_written(
    contract_copy: Path, tmp_path: Path
) -> None:
    notice = tmp_path / "notice.txt"
    notice.write_text(NOTICE_2019, encoding="utf-8")
    result = run("calendar", "import", str(notice), "--contract", str(contract_copy), "--yes")
    assert result.exit_code == 0, result.output
    assert "2018-12-30 至 2019-01-01" in result.stdout
    assert "2018-12-29 上班：合同日历已是如此" in result.stdout
    holidays = load_contract(contract_copy).calendar.years[2019].holidays
    assert holidays[0] == date(2019, 1, 1) and all(day.year == 2019 for day in holidays)


def test_a_notice_with_too_few_holidays_for_a_year_is_refused(
    contract_copy: Path, tmp_path: Path
) -> None:
    # Only 元旦: written as a whole year, the rest of 2019 would be plain weekdays.
    notice = tmp_path / "notice.txt"
    notice.write_text("\n".join(NOTICE_2019.splitlines()[:2]) + "\n", encoding="utf-8")
    original = contract_copy.read_bytes()
    result = run("calendar", "import", str(notice), "--contract", str(contract_copy), "--yes")
    assert result.exit_code == 2
    assert "calendar.years.2019：全年至少有 11 个工作日放假" in result.stderr
    assert "partial: true" in result.stderr and "未写入" in result.stderr
    assert contract_copy.read_bytes() == original
