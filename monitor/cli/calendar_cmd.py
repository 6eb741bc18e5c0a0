"""`slamon calendar import NOTICE`: the State Council's holiday notice into the contract's
calendar.years."""

from __future__ import annotations

import sys
from datetime import date, timedelta
from pathlib import Path
from typing import NoReturn

import click

from collectors.calendar.contract_years import (
    CalendarWriteError,
    declared_from_notice,
    write_calendar_year,
)
from collectors.calendar.known_days import days_outside_year, package_differences
from collectors.calendar.notice import HolidayNotice, read_holiday_notice
from collectors.calendar.notice_text import NoticeError
from monitor.cli.context import Runtime, UsageProblem, contract_option
from monitor.cli.help_language import SpokenGroup, both, confirmed
from monitor.cli.language import chosen, echo, error_line, say
from monitor.cli.render import table
from monitor.contract.model import Contract, ContractError, load_contract
from monitor.domain.calendar import BusinessCalendar, CalendarError
from monitor.domain.message import Message

EXIT_UNUSABLE = 2
_WEEKDAYS = "一二三四五六日"


@click.group("calendar", cls=SpokenGroup)
def calendar_group() -> None:
    """工作日历。

    English:

    The working-day calendar.
    """


@calendar_group.command("import")
@click.argument("notice", type=click.Path(path_type=Path))
@click.option(
    "--year",
    type=int,
    default=None,
    metavar="YYYY",
    help=both(
        "通知的年份，用于正文缺少标题时；须与标题一致。",
        "The notice's year, when the text leaves out its title; must agree with the title.",
    ),
)
@click.option(
    "--yes",
    is_flag=True,
    help=both("不询问，直接写入（供脚本使用）。", "Write without asking (for scripts)."),
)
@contract_option
def import_notice(notice: Path, year: int | None, yes: bool, contract_path: Path | None) -> None:
    """把节假日安排通知导入合同。

    NOTICE 为国务院办公厅每年的通知《国务院办公厅关于20XX年部分节假日安排的通知》，纯文本或
    保存的网页均可。先显示其中的放假日（含假期范围内的周末）和调休上班日，确认后写入合同的
    calendar.years.<year>；合同文件的其余部分保持原样。

    退出码 0：已写入，或未确认；2：通知或合同无法使用，或某个节日的行无法读取——未写入任何
    内容。

    English:

    Import a holiday notice into the contract.

    NOTICE is the State Council's yearly notice 《国务院办公厅关于20XX年部分节假日安排的通知》 as
    plain text or a saved web page. Its days off (weekends inside the ranges included) and
    make-up working days are shown, and after confirmation written into the
    contract's calendar.years.<year>; the rest of the contract file is left as it is.

    Exit code 0: written, or not confirmed; 2: the notice or the contract cannot be used, or
    a festival line cannot be read — nothing written.
    """
    try:
        path = contract_path or Runtime().settings.contract
        contract = load_contract(path)
        parsed = read_holiday_notice(notice, year)
    except (NoticeError, ContractError, UsageProblem) as error:
        _fail(error)
    print_festivals(parsed)
    if parsed.problems:
        for problem in parsed.problems:
            echo(problem.described(), err=True)
        count = len(parsed.problems)
        _fail(
            Message(
                f"通知中有 {count} 行无法识别，未写入合同；请核对这些行",
                f"{count} festival line(s) could not be read; nothing written",
            )
        )
    print_package_comparison(parsed)
    print_days_outside_year(parsed, contract)
    replaces = parsed.year in contract.calendar.years
    entry = f"calendar.years.{parsed.year}"
    echo(
        f"合同 {path}：{'替换' if replaces else '新增'} {entry}",
        f"contract {path}: {'replaces' if replaces else 'adds'} {entry}",
    )
    question = say(f"将 {entry} 写入合同 {path}？", f"Write {entry} into {path}?")
    if not yes and not confirmed(question):
        echo("未写入", "nothing written")
        return
    declared = declared_from_notice(parsed)
    try:
        write_calendar_year(path, declared)
    except CalendarWriteError as error:
        _fail(error)
    holidays, workdays = len(declared.holidays), len(declared.workdays)
    echo(
        f"已写入：{path} {entry} — {holidays} 个放假日，{workdays} 个调休上班日",
        f"written: {path} {entry} — {holidays} holidays, {workdays} workdays",
    )


def print_festivals(notice: HolidayNotice) -> None:
    """Each festival's days off and make-up working days, then the totals."""
    lang, year = chosen(), notice.year
    echo(
        f"{notice.title or '节假日安排通知'}（{year} 年）",
        f"{notice.title or 'holiday notice'} (year {year})",
    )
    comma = "、" if lang == "zh" else ", "
    rows = [
        [
            festival.name,
            _runs(festival.holidays, year, lang),
            str(len(festival.holidays)),
            comma.join(_with_weekday(day, year, lang) for day in festival.workdays) or "—",
        ]
        for festival in notice.festivals
    ]
    headers = (
        ["节日", "放假", "天数", "调休上班"]
        if lang == "zh"
        else ["festival", "days off", "days", "make-up working days"]
    )
    click.echo(table(headers, rows, right=[2]))
    festivals, off, on = len(notice.festivals), len(notice.holidays), len(notice.workdays)
    echo(
        f"共 {festivals} 个节日：放假 {off} 天，调休上班 {on} 天",
        f"{festivals} festivals: {off} days off, {on} make-up working days",
    )


def print_package_comparison(notice: HolidayNotice) -> None:
    """Whether chinese-calendar already has the year, and where it differs from the notice."""
    differences = package_differences(notice)
    if differences is None:
        echo(
            f"chinese-calendar 尚无 {notice.year} 年",
            f"chinese-calendar does not know {notice.year} yet",
        )
        return
    if not differences:
        echo(
            f"chinese-calendar 已有 {notice.year} 年，与通知一致",
            f"chinese-calendar already has {notice.year} and agrees with the notice",
        )
        return
    echo(
        f"chinese-calendar 的 {notice.year} 年与通知有 {len(differences)} 天不同"
        "（合同中的声明优先）：",
        f"chinese-calendar differs from the notice on {len(differences)} day(s); "
        "the contract's entry wins:",
    )
    for difference in differences:
        day = difference.day.isoformat()
        package, said = _working(difference.package_working), _working(difference.notice_working)
        echo(
            f"  {day}：chinese-calendar {package.zh}，通知 {said.zh}",
            f"  {day}: chinese-calendar {package.en}, the notice {said.en}",
        )


def print_days_outside_year(notice: HolidayNotice, contract: Contract) -> None:
    """Days of the year before cannot go under calendar.years.<year>: say whether the
    contract's calendar already has them right."""
    try:
        calendar = BusinessCalendar.from_config(contract.calendar)
    except CalendarError as error:
        _fail(error)
    outside = days_outside_year(notice, calendar)
    if not outside:
        return
    echo(
        f"通知中不属于 {notice.year} 年的日子不写入 calendar.years.{notice.year}：",
        f"days outside {notice.year} are not written under calendar.years.{notice.year}:",
    )
    for entry in outside:
        what = Message("放假", "day off") if entry.off else Message("上班", "working day")
        if entry.agrees is None:
            state = Message("合同日历不含该年", "the contract's calendar does not know the year")
        elif entry.agrees:
            state = Message("合同日历已是如此", "the contract's calendar already has it so")
        else:
            key = "holidays" if entry.off else "workdays"
            state = Message(
                f"合同日历不同：请加入 calendar.{key}",
                f"the contract's calendar differs: add it to calendar.{key}",
            )
        day = entry.day.isoformat()
        echo(f"  {day} {what.zh}：{state.zh}", f"  {day} {what.en}: {state.en}")


def _runs(days: tuple[date, ...], year: int, lang: str) -> str:
    """Consecutive days as "02-15 至 02-23" ("02-15 to 02-23"), runs joined by 、 (,)."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][-1] == timedelta(days=1):
            runs[-1].append(day)
        else:
            runs.append([day])
    return ("、" if lang == "zh" else ", ").join(_run(run, year, lang) for run in runs)


def _run(run: list[date], year: int, lang: str) -> str:
    to = " 至 " if lang == "zh" else " to "
    if len(run) == 1:
        return _short(run[0], year)
    if run[0].year != run[-1].year:  # a 元旦 from December: both ends with their years
        return f"{run[0].isoformat()}{to}{run[-1].isoformat()}"
    return f"{_short(run[0], year)}{to}{_short(run[-1], year)}"


def _with_weekday(day: date, year: int, lang: str) -> str:
    if lang == "zh":
        return f"{_short(day, year)}（周{_WEEKDAYS[day.weekday()]}）"
    return f"{_short(day, year)} ({day.strftime('%a')})"


def _short(day: date, year: int) -> str:
    # Days of the notice's own year without the year; others (a 元旦 from December) with it.
    return day.strftime("%m-%d") if day.year == year else day.isoformat()


def _working(working: bool) -> Message:
    return Message("工作日", "working day") if working else Message("休息日", "day off")


def _fail(message: BaseException | Message | str) -> NoReturn:
    echo(error_line(message), err=True)
    sys.exit(EXIT_UNUSABLE)
