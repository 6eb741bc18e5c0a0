"""The State Council's holiday notices read into festivals: the four real notices against
chinese-calendar, and hand-written lines for the wordings the real ones do not all show."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import chinese_calendar
import pytest

from collectors.calendar.notice import HolidayNotice, parse_notice, read_holiday_notice
from collectors.calendar.notice_text import NoticeError, NoticeLine, decode_notice, notice_lines

NOTICES = Path(__file__).resolve().parents[1] / "data" / "holiday_notices"
NEW_YEAR = "New Year's Day"
# chinese-calendar's name of each festival the notices name.
PACKAGE_NAMES = {
    "元旦": NEW_YEAR,
    "春节": "Spring Festival",
    "清明节": "Tomb-sweeping Day",
    "劳动节": "Labour Day",
    "端午节": "Dragon Boat Festival",
    "中秋节": "Mid-autumn Festival",
    "国庆节": "National Day",
}
# The notice says "1月1日放假，与周末连休"; chinese-calendar also files the Saturday and Sunday
# before it (2023-12-30, 2023-12-31) under New Year's Day 2024. Both are weekend days, so the
# working-day status is the same either way; the parser keeps to what the notice says.
PACKAGE_ONLY = {2024: {date(2023, 12, 30), date(2023, 12, 31)}}


def package_days(table: dict[date, str], year: int) -> set[date]:
    """chinese-calendar's days of one year's festivals: the year's own days, less a December
    start of next year's 元旦, plus the December start of its own."""
    return {
        day
        for day, name in table.items()
        if (day.year == year and not (day.month == 12 and name == NEW_YEAR))
        or (day.year == year - 1 and day.month == 12 and name == NEW_YEAR)
    }


def notice(text: str, year: int | None = None) -> HolidayNotice:
    return parse_notice(notice_lines(text), year)


def days(first: str, last: str) -> list[date]:
    start, end = date.fromisoformat(first), date.fromisoformat(last)
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]


@pytest.mark.parametrize("year", [2017, 2024, 2025, 2026])
def test_each_real_notice_gives_chinese_calendars_days(year: int) -> None:
    parsed = read_holiday_notice(NOTICES / f"{year}.txt")
    assert parsed.year == year
    assert parsed.problems == ()
    expected_off = package_days(chinese_calendar.holidays, year) - PACKAGE_ONLY.get(year, set())
    assert set(parsed.holidays) == expected_off
    assert set(parsed.workdays) == package_days(chinese_calendar.workdays, year)


@pytest.mark.parametrize("year", [2017, 2024, 2025, 2026])
def test_each_festivals_days_carry_its_name_in_chinese_calendar(year: int) -> None:
    parsed = read_holiday_notice(NOTICES / f"{year}.txt")
    for festival in parsed.festivals:
        names = {PACKAGE_NAMES[name] for name in festival.name.split("、")}
        assert {chinese_calendar.holidays[day] for day in festival.holidays} <= names
        assert {chinese_calendar.workdays[day] for day in festival.workdays} <= names


def test_the_2026_notice_festival_by_festival() -> None:
    parsed = read_holiday_notice(NOTICES / "2026.txt")
    assert parsed.title == "国务院办公厅关于2026年部分节假日安排的通知"
    assert [(f.name, f.line, len(f.holidays), len(f.workdays)) for f in parsed.festivals] == [
        ("元旦", 7, 3, 1),
        ("春节", 9, 9, 2),
        ("清明节", 11, 3, 0),
        ("劳动节", 13, 5, 1),
        ("端午节", 15, 3, 0),
        ("中秋节", 17, 3, 0),
        ("国庆节", 19, 7, 2),
    ]
    spring = parsed.festivals[1]
    assert list(spring.holidays) == days("2026-02-15", "2026-02-23")  # weekends included
    assert spring.workdays == (date(2026, 2, 14), date(2026, 2, 28))


def test_a_new_years_range_that_starts_in_the_year_before() -> None:
    # The 2019 notice's wording: explicit years on both ends and on the make-up day.
    parsed = notice(
        "国务院办公厅关于2019年部分节假日安排的通知\n"
        "一、元旦：2018年12月30日至2019年1月1日放假调休，共3天。2018年12月29日（星期六）上班。\n"
    )
    (new_year,) = parsed.festivals
    assert list(new_year.holidays) == days("2018-12-30", "2019-01-01")
    assert new_year.workdays == (date(2018, 12, 29),)
    assert set(new_year.holidays) == package_days(chinese_calendar.holidays, 2019) & set(
        days("2018-12-01", "2019-01-31")
    )
    assert chinese_calendar.workdays[date(2018, 12, 29)] == NEW_YEAR


def test_a_range_with_the_year_on_its_start_only_runs_into_the_new_year() -> None:
    parsed = notice(
        "关于2017年部分节假日安排的通知\n一、元旦：2016年12月31日至1月2日放假调休，共3天。"
    )
    assert list(parsed.festivals[0].holidays) == days("2016-12-31", "2017-01-02")


def test_a_range_without_years_across_the_new_year_starts_in_the_year_before() -> None:
    parsed = notice(
        "关于2019年部分节假日安排的通知\n"
        "一、元旦：12月30日至1月1日放假调休，共3天。12月29日（星期六）上班。"
    )
    assert list(parsed.festivals[0].holidays) == days("2018-12-30", "2019-01-01")
    assert parsed.festivals[0].workdays == (date(2018, 12, 29),)


def test_a_combined_festival_is_one_entry_with_both_names() -> None:
    parsed = notice(
        "关于2017年部分节假日安排的通知\n"
        "六、中秋节、国庆节：10月1日至8日放假调休，共8天。9月30日（星期六）上班。"
    )
    (festival,) = parsed.festivals
    assert festival.name == "中秋节、国庆节"
    assert list(festival.holidays) == days("2017-10-01", "2017-10-08")
    assert festival.workdays == (date(2017, 9, 30),)


def test_lunar_dates_and_weekdays_in_either_kind_of_bracket() -> None:
    # A comma inside the brackets does not end the clause; 周 and 星期 both name a weekday.
    parsed = notice(
        "关于2025年部分节假日安排的通知\n"
        "二、春节：1月28日（农历除夕，周二）至2月4日(农历正月初七, 星期二)放假调休，共8天。"
        "1月26日（星期日）、2月8日(周六)上班。"
    )
    (spring,) = parsed.festivals
    assert list(spring.holidays) == days("2025-01-28", "2025-02-04")
    assert spring.workdays == (date(2025, 1, 26), date(2025, 2, 8))


def test_bu_xiu_is_a_day_off() -> None:
    parsed = notice("关于2017年部分节假日安排的通知\n一、元旦：1月1日放假，1月2日（星期一）补休。")
    assert parsed.festivals[0].holidays == (date(2017, 1, 1), date(2017, 1, 2))


def test_several_working_days_joined_by_and_with_the_month_left_out() -> None:
    # The 2010 notice writes "2月20日（星期六）、21日（星期日）上班"; 和 joins them as well.
    parsed = notice(
        "关于2010年部分节假日安排的通知\n"
        "二、春节：2月13日至19日放假，共7天。2月20日（星期六）和21日（星期日）上班。"
    )
    assert parsed.festivals[0].workdays == (date(2010, 2, 20), date(2010, 2, 21))
    assert set(parsed.festivals[0].workdays) == {
        day for day in chinese_calendar.workdays if day.year == 2010 and day.month == 2
    }


def test_a_sentence_carried_over_to_the_next_line_belongs_to_its_festival() -> None:
    parsed = notice(
        "关于2024年部分节假日安排的通知\n"
        "四、劳动节：5月1日至5日放假调休，共5天。\n"
        "4月28日（星期日）、5月11日（星期六）上班。\n"
    )
    assert parsed.festivals[0].workdays == (date(2024, 4, 28), date(2024, 5, 11))


def test_asides_with_dates_are_not_days() -> None:
    # 2024: "…安排职工在除夕（2月9日）休息" encourages, it does not declare a day off.
    parsed = read_holiday_notice(NOTICES / "2024.txt")
    assert date(2024, 2, 9) not in parsed.holidays


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        ("三、清明节：4月4日前后放假。", "日期后不是"),
        ("四、劳动节5月1日放假。", "缺少“节日：”"),
        ("二、春节：1月28日（周一）至2月4日放假调休，共8天。", "2025-01-28 是星期二"),
        (
            "二、春节：1月27日（农历除夕，星期一）至2月4日（农历正月初七，星期二）放假调休，共8天。",
            "共 8 天",
        ),
        ("五、端午节：5月31日至放假。", "缺少结束日"),
        ("六、国庆节：10月1日至7日放假调休，共7天。10月3日上班。", "既放假又上班"),
        ("一、元旦：放假1天。", "没有找到放假日期"),
        ("四、劳动节：2024年5月1日放假。", "不在 2025 年的通知范围内"),
        ("9月28日（周日）上班。", "没有“节日：”"),
    ],
)
def test_a_festival_line_that_cannot_be_read_is_reported_not_guessed(
    line: str, reason: str
) -> None:
    parsed = notice(
        f"关于2025年部分节假日安排的通知\n\n一、元旦：1月1日（周三）放假1天，不调休。\n\n{line}\n"
    )
    assert [f.name for f in parsed.festivals] == ["元旦"]
    (problem,) = parsed.problems
    assert (problem.line, problem.text) == (5, line)
    assert reason in problem.message.zh
    said = problem.described()
    assert said.zh.startswith(f"  第 5 行：{problem.message.zh}\n")
    assert said.en.startswith(f"  line 5: {problem.message.en}\n")


@pytest.mark.parametrize(
    "text",
    [
        "国务院办公厅关于2026年部分节假日安排的通知\n\n各省、自治区、直辖市人民政府：\n",
        "工单编号,类型,报障时间\nGZ-1,故障,2024-09-28 09:05\n",
    ],
)
def test_a_file_without_festivals_is_refused(text: str) -> None:
    with pytest.raises(NoticeError, match="no festival lines found") as refused:
        notice(text)
    assert "没有可识别的节日安排" in refused.value.message.zh


def test_the_year_comes_from_the_title_or_from_the_caller() -> None:
    body = "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。"
    with pytest.raises(NoticeError, match="--year"):
        notice(body)
    assert notice(body, 2026).festivals[0].workdays == (date(2026, 1, 4),)
    with pytest.raises(NoticeError, match="2026"):
        notice("国务院办公厅关于2026年部分节假日安排的通知\n" + body, 2027)


def test_a_saved_web_page_reads_as_the_text_does() -> None:
    text = (NOTICES / "2026.txt").read_text(encoding="utf-8")
    paragraphs = "\n".join(
        f'<p style="text-indent:2em">&nbsp;&nbsp;\u3000\u3000{line}</p>' if line else ""
        for line in text.splitlines()
    )
    page = (
        "<!DOCTYPE html>\n<html><head><title>国务院办公厅关于2026年部分节假日安排的通知_"
        "政策</title>\n<script>var x = '一、元旦：1月1日放假';</script></head>\n<body>\n"
        f"{paragraphs}\n<ul><li>相关链接：国务院办公厅关于2025年部分节假日安排的通知</li></ul>\n"
        "</body></html>\n"
    )
    from_page = parse_notice(notice_lines(decode_notice(page.encode("gb18030"))))
    from_text = read_holiday_notice(NOTICES / "2026.txt")
    assert from_page.problems == ()
    assert from_page.holidays == from_text.holidays
    assert from_page.workdays == from_text.workdays
    # Line numbers are the page source's: the text starts four lines down.
    assert [f.line for f in from_page.festivals] == [f.line + 4 for f in from_text.festivals]


def test_a_tag_split_line_in_a_page_is_one_line() -> None:
    lines = notice_lines("<div><p>一、元旦：<span>1月1日</span>\n放假，与周末连休。</p></div>")
    assert lines == [NoticeLine(1, "一、元旦：1月1日 放假，与周末连休。")]
