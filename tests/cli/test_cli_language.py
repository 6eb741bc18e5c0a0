"""The command line speaks one language: Chinese by default (SLAMON_LANG=zh), English with
SLAMON_LANG=en or `slamon --lang en`; no message of the other language appears, exit codes are
the same in both."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from monitor.cli.demo_cmd import SAMPLE_TICKETS
from tests.cli.test_cli import slamon

DATA = Path(__file__).resolve().parents[1] / "data"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Three English words in a row, each of two letters or more: a sentence, not an id, a file
# name or a listed key.
ENGLISH_WORDS = re.compile(r"\b[A-Za-z]{2,}(?: [A-Za-z]{2,}){2,}\b")
# A command to run (slamon evaluate, slamon import surveys): its words are not a sentence.
COMMAND = re.compile(r"\bslamon (?:import [a-z]+|calendar import|[a-z-]+)")
# Data inside messages: a quoted cell, a column named by its field and 中文 header, a path.
QUOTED = re.compile(r"'[^']*'")
COLUMN_HEADER = re.compile(r"\([^()]*[\u4e00-\u9fff][^()]*\)")


def english_sentences(text: str, tmp_path: Path) -> list[str]:
    """The runs of English words in `text`, a Chinese message, outside data."""
    return ENGLISH_WORDS.findall(COMMAND.sub("", QUOTED.sub("", text.replace(str(tmp_path), ""))))


def chinese_left(text: str, data: tuple[str, ...] = ()) -> list[str]:
    """The CJK characters of `text`, an English message, outside data: quoted cells, the
    中文 header beside a column's field name, and `data` (a pool's name, a grade)."""
    text = COLUMN_HEADER.sub("", QUOTED.sub("", text))
    for value in data:
        text = text.replace(value, "")
    return CJK.findall(text)


def run(tmp_path: Path, lang: str, *args: str) -> tuple[int, str]:
    """`slamon` in `lang`, SLAMON_LANG for zh and --lang for en (both ways are one setting)."""
    if lang == "zh":
        done = slamon(tmp_path, *args, env={"SLAMON_LANG": "中文"})
    else:
        done = slamon(tmp_path, "--lang", "en", *args)
    return done.returncode, done.stdout + done.stderr


def assert_in_one_language(lang: str, output: str, tmp_path: Path, *data: str) -> None:
    if lang == "zh":
        assert CJK.search(output), output
        assert english_sentences(output, tmp_path) == [], output
    else:
        assert ENGLISH_WORDS.search(output), output
        assert chinese_left(output, data) == [], output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_import_with_bad_rows_says_everything_in_its_language(tmp_path: Path, lang: str) -> None:
    code, output = run(tmp_path, lang, "import", "tickets", str(DATA / "tickets_bad_rows.csv"))
    assert code == 3, output
    assert_in_one_language(lang, output, tmp_path)
    if lang == "zh":
        assert "第 6 行，工单 T-4，列 kind (类型)：未知的类型 'outage'" in output
        assert "下一步：slamon evaluate" in output
    else:
        assert "line 6, ticket T-4, column kind (类型): unknown kind 'outage'" in output
        assert "Next: slamon evaluate" in output


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_users_error_is_one_line_in_its_language_with_exit_2(tmp_path: Path, lang: str) -> None:
    code, output = run(tmp_path, lang, "score", "--period", "2022-13")
    assert code == 2
    assert output.startswith("错误：" if lang == "zh" else "error: "), output
    missing = tmp_path / "absent.csv"
    refused, said = run(tmp_path, lang, "import", "tickets", str(missing))
    assert refused == 2
    # The refusal lists the accepted headers, each with its 中文 header: data, left out here.
    first = said.splitlines()[0]
    assert first == (f"错误：{missing}：文件不存在。未导入任何数据。" if lang == "zh" else
                     f"error: {missing}: no such file. Nothing was imported.")  # fmt: skip
    assert_in_one_language(lang, output + first, tmp_path)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_evaluate_and_score_print_their_tables_in_its_language(tmp_path: Path, lang: str) -> None:
    imported, _ = run(tmp_path, lang, "import", "tickets", str(SAMPLE_TICKETS))
    assert imported == 0
    code, evaluated = run(tmp_path, lang, "evaluate", "--at", "2023-04-07T00:00:00+08:00")
    assert code == 0, evaluated
    code, scored = run(tmp_path, lang, "score", "--period", "2022", "--at", "2023-04-07T00:00")
    assert code == 0, scored
    # The contract's words a table shows as they are: the grade, the pools in the rules.
    assert_in_one_language(lang, evaluated + scored, tmp_path, "差", "一云", "二云")
    if lang == "zh":
        assert re.search(r"GZ-2022-0102\s+重大故障解决时限\s+超时违约", evaluated)
        assert "考核期 2022；总分" in scored
    else:
        assert re.search(r"GZ-2022-0102\s+Major fault resolved\s+breached", evaluated)
        assert "period 2022: " in scored and "Performance evaluation scorecard" in scored
