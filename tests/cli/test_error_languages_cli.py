"""What `slamon contract check` and `slamon calendar import` print for a file they refuse is
wholly in the chosen language: Chinese by default, English with `slamon --lang en`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.contract.model import DEFAULT_CONTRACT_PATH

NOTICE_2026 = Path(__file__).resolve().parents[1] / "data" / "holiday_notices" / "2026.txt"
NEW_YEAR = "一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。"

# Three ASCII words in a row, once quoted values are taken out, are an English sentence.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")
_ENGLISH = re.compile(r"[A-Za-z]+ [A-Za-z]+ [A-Za-z]+")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")


def run(lang: str, *args: str) -> Result:
    language = ["--lang", "en"] if lang == "en" else []
    result = CliRunner().invoke(cli, [*language, *args])
    assert "Traceback" not in result.output
    return result


def said_in_chinese_alone(text: str, *quoted: str) -> bool:
    """Chinese, and no English sentence beyond the paths and the notice's own lines."""
    for verbatim in quoted:
        text = text.replace(verbatim, "")
    return bool(_CHINESE.search(text)) and not _ENGLISH.search(_QUOTED.sub("", text))


@pytest.fixture
def contract_copy(tmp_path: Path) -> Path:
    path = tmp_path / "contract.yaml"
    path.write_bytes(DEFAULT_CONTRACT_PATH.read_bytes())
    return path


def slamon(lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command line, whose entry point words a refused file for people."""
    language = ["--lang", "en"] if lang == "en" else []
    command = [sys.executable, "-m", "monitor", *language, *args]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)


def test_a_contract_with_a_bad_limit_is_refused_in_each_language(tmp_path: Path) -> None:
    path = tmp_path / "c2.yaml"
    text = DEFAULT_CONTRACT_PATH.read_text(encoding="utf-8")
    path.write_text(text.replace("limit: 30m", "limit: banana", 1), encoding="utf-8")
    zh, en = (
        slamon("zh", "contract", "check", str(path)),
        slamon("en", "contract", "check", str(path)),
    )
    assert zh.returncode == en.returncode != 0
    assert "targets[0](major.arrival).limit.duration：'banana' 不是时长" in zh.stderr
    assert said_in_chinese_alone(zh.stderr, str(path))
    assert (
        "targets[0](major.arrival).limit.duration: 'banana' is not a duration; write a number "
        "with a unit d/h/m/s, e.g. 30m, 2h, 1h30m"
    ) in en.stderr
    assert not _CHINESE.search(en.stderr)


def _notice(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


_GOOD = NOTICE_2026.read_text(encoding="utf-8")
# The form of a festival line, quoted as an example in both languages.
FORM = "一、元旦：1月1日放假……"
# Each broken notice: its text (None: no file), --year, and what each language says.
BROKEN = {
    "missing": (None, None, "文件不存在", "cannot read"),
    "no_festival": (
        "国务院办公厅关于2026年部分节假日安排的通知\n\n各省人民政府：\n",
        None,
        "通知中没有可识别的节日安排",
        "no festival lines found",
    ),
    "no_year": (
        "\n".join(line for line in _GOOD.splitlines() if "2026" not in line),
        None,
        "通知中找不到年份",
        "the notice does not state its year: give it with --year",
    ),
    "title_and_text_differ": (
        _GOOD.replace("现将2026年", "现将2025年"),
        None,
        "标题是 2026 年，正文却是 2025 年",
        "the title says 2026, the text 2025",
    ),
    "year_option_differs": (_GOOD, "2027", "通知是 2026 年的，--year 却是 2027", "not 2027"),
    "not_text": (b"\xff\xff\x00\x81", None, "无法识别文件编码", "neither UTF-8 nor GB18030"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_an_unusable_notice_is_refused_in_each_language(
    name: str, tmp_path: Path, contract_copy: Path
) -> None:
    text, year, zh_words, en_words = BROKEN[name]
    path = tmp_path / "nowhere.txt" if text is None else _notice(tmp_path, f"{name}.txt", text)
    args = ["calendar", "import", str(path), "--contract", str(contract_copy), "--yes"]
    args += ["--year", year] if year else []
    zh, en = run("zh", *args), run("en", *args)
    assert zh.exit_code == en.exit_code == 2
    assert zh_words in zh.stderr and said_in_chinese_alone(zh.stderr, str(path)), zh.stderr
    assert en_words in en.stderr
    assert not _CHINESE.search(en.stderr.replace(str(path), "").replace(FORM, "")), en.stderr


BAD_LINES = {
    "weekday": (
        NEW_YEAR.replace("1月1日（周四）", "1月1日（周五）"),
        "2026-01-01 是星期四，通知写的是星期五",
        "2026-01-01: the weekday in brackets is not the date's",
    ),
    "count": (
        NEW_YEAR.replace("共3天", "共4天"),
        "写明共 4 天，日期却是 3 天",
        "the line says 4 days but its dates give 3",
    ),
    "colon": (
        NEW_YEAR.replace("元旦：", "元旦 "),
        "开头缺少“节日：”",
        'no "festival:" at its start',
    ),
}


@pytest.mark.parametrize("name", BAD_LINES)
def test_an_unreadable_festival_line_is_described_in_each_language(
    name: str, tmp_path: Path, contract_copy: Path
) -> None:
    line, zh_words, en_words = BAD_LINES[name]
    path = _notice(tmp_path, "notice.txt", _GOOD.replace(NEW_YEAR, line))
    args = ["calendar", "import", str(path), "--contract", str(contract_copy), "--yes"]
    zh, en = run("zh", *args), run("en", *args)
    assert zh.exit_code == en.exit_code == 2
    assert f"第 7 行：{zh_words}\n    {line}" in zh.stderr
    assert "通知中有 1 行无法识别，未写入合同" in zh.stderr
    assert said_in_chinese_alone(zh.stderr, line), zh.stderr
    assert f"line 7: {en_words}\n    {line}" in en.stderr
    assert "1 festival line(s) could not be read; nothing written" in en.stderr
    assert not _CHINESE.search(en.stderr.replace(line, "").replace("“节日：”", ""))


def test_a_contract_the_notice_would_break_is_not_written_in_each_language(
    tmp_path: Path, contract_copy: Path
) -> None:
    # Only 元旦: as a whole year the rest of 2026 would be plain weekdays.
    head = _GOOD.split("二、")[0]
    path = _notice(tmp_path, "new_year_only.txt", head)
    original = contract_copy.read_bytes()
    args = ["calendar", "import", str(path), "--contract", str(contract_copy), "--yes"]
    zh, en = run("zh", *args), run("en", *args)
    assert zh.exit_code == en.exit_code == 2
    assert "写入后合同将无效，未写入" in zh.stderr
    assert "calendar.years.2026：全年至少有 13 个工作日放假" in zh.stderr
    assert said_in_chinese_alone(zh.stderr, str(path), "partial: true"), zh.stderr
    assert "the contract would not be valid, nothing written" in en.stderr
    assert "calendar.years.2026: a whole year has at least 13 holidays on weekdays" in en.stderr
    assert contract_copy.read_bytes() == original


def test_a_contract_file_that_cannot_be_edited_safely_is_refused_in_each_language(
    tmp_path: Path, contract_copy: Path
) -> None:
    # calendar.years as an alias of scope's anchor: editing it would change both.
    text = contract_copy.read_text(encoding="utf-8").replace("  years: {}", "  years: *none", 1)
    contract_copy.write_text("scope: &none {}\n" + text, encoding="utf-8")
    args = ["calendar", "import", str(NOTICE_2026), "--contract", str(contract_copy), "--yes"]
    zh, en = run("zh", *args), run("en", *args)
    assert zh.exit_code == en.exit_code == 2, zh.stderr
    assert "years 是别名（*…），无法安全改写，请手工修改" in zh.stderr
    assert said_in_chinese_alone(zh.stderr, str(contract_copy)), zh.stderr
    assert "years is an alias; edit it by hand" in en.stderr
    assert not _CHINESE.search(en.stderr.replace(str(contract_copy), "")), en.stderr


def slamon_with(env: dict[str, str], lang: str, *args: str) -> subprocess.CompletedProcess[str]:
    language = ["--lang", "en"] if lang == "en" else []
    command = [sys.executable, "-m", "monitor", *language, *args]
    return subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False, env=env
    )


def test_a_refused_setting_is_named_by_its_variable_in_each_language(tmp_path: Path) -> None:
    env = {**os.environ, "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}"}
    env["SLAMON_READ_ACCESS"] = "everyone"
    zh, en = slamon_with(env, "zh", "serve"), slamon_with(env, "en", "serve")
    assert zh.returncode == en.returncode == 2
    assert zh.stderr.startswith("错误：设置有误：SLAMON_READ_ACCESS：")
    assert said_in_chinese_alone(zh.stderr, "SLAMON_READ_ACCESS", "everyone"), zh.stderr
    assert en.stderr.startswith("error: bad setting: SLAMON_READ_ACCESS: ")
    assert not _CHINESE.search(en.stderr), en.stderr
    env["SLAMON_DATABASE_URL"] = "mysql://127.0.0.1/slamon"
    zh, en = slamon_with(env, "zh", "evaluate"), slamon_with(env, "en", "evaluate")
    assert zh.returncode == en.returncode == 2
    assert zh.stderr.startswith("错误：设置有误：SLAMON_DATABASE_URL：SLAMON_DATABASE_URL 须以")
    assert en.stderr.startswith("error: bad setting: SLAMON_DATABASE_URL: ")


def test_serve_refuses_a_stop_timeout_shorter_than_a_channels_send_in_each_language(
    tmp_path: Path,
) -> None:
    alerting = tmp_path / "alerting.yaml"
    alerting.write_text(
        "channels:\n  - {name: duty, type: webhook, url: 'http://127.0.0.1:9/x', timeout: 10s}\n",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "SLAMON_DATABASE_URL": f"sqlite:///{tmp_path / 's.db'}",
        "SLAMON_ALERTING": str(alerting),
        "SLAMON_STOP_TIMEOUT": "5s",
    }
    zh, en = slamon_with(env, "zh", "serve"), slamon_with(env, "en", "serve")
    assert zh.returncode == en.returncode == 2, (zh.stderr, en.stderr)
    assert "SLAMON_STOP_TIMEOUT 5s 太短" in zh.stderr and "“duty”" in zh.stderr
    assert said_in_chinese_alone(zh.stderr, "SLAMON_STOP_TIMEOUT", "duty"), zh.stderr
    assert "leaves too little time for channel 'duty'" in en.stderr
