"""Every help page, and click's own texts (usage errors, type errors, prompts), in the run's one
language: wholly Chinese with SLAMON_LANG=zh, wholly English with SLAMON_LANG=en."""

from __future__ import annotations

import ast
import re
import string
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result

from monitor.cli import COMMANDS, cli
from monitor.cli.click_catalog import CLICK_ZH, KEPT_ENGLISH
from monitor.cli.help_language import CLICK_MODULES, SpokenCommand, both
from monitor.cli.language import choose
from monitor.contract.model import DEFAULT_CONTRACT_PATH
from tests.cli.test_cli import slamon

CLICK_SOURCE = Path(click.__file__).parent
NOTICES = Path(__file__).resolve().parents[1] / "data" / "holiday_notices"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# Literals a help text names as they are typed, in either language: `a column`, `a code`.
BACKTICKED = re.compile(r"`[^`]*`")
# A default value is what the user types: [默认：table].
DEFAULT_VALUE = re.compile(r"默认：[^\]]*\]")
# Names of products and tools, shown as they are spelled.
PRODUCT_NAMES = frozenset(
    {"slamon", "SQLite", "PostgreSQL", "Prometheus", "ServiceNow", "Zammad", "Streamlit"}
    | {"Alembic", "Markdown", "cron", "Ctrl-C", "Jira Service Management"}
)
# Chinese an English help page names on purpose: the title of the State Council's notice that
# `slamon calendar import` reads, and the grade the sample year scores.
CHINESE_NAMES = ("《国务院办公厅关于20XX年部分节假日安排的通知》", "grade 中")
ASCII_RUN = re.compile(r"[!-~]+")
# The texts click asks gettext for that are not literals in its source.
CLICK_DYNAMIC_TEXTS = frozenset({"required"})


def command_paths(
    command: click.Command = cli, path: tuple[str, ...] = ()
) -> Iterator[tuple[str, ...]]:
    """The path of `command` and of every command and group under it."""
    yield path
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            child = command.get_command(context, name)
            assert child is not None, name
            yield from command_paths(child, (*path, name))


ALL_PATHS = list(command_paths())
# A command to run, as a usage line or a help text names it: slamon import tickets.
COMMAND_NAMES = sorted({name for path in ALL_PATHS for name in path}, key=len, reverse=True)
COMMAND = re.compile(rf"\bslamon(?: (?:{'|'.join(map(re.escape, COMMAND_NAMES))})\b)*")
# A value quoted in an error: 'abc', 'table', 'json'.
QUOTED = re.compile(r"'[^']*'")


def invoke(lang: str, *args: str, answer: str | None = None) -> Result:
    """`slamon ARGS` in one process, its language from SLAMON_LANG as a deployment sets it."""
    result = CliRunner().invoke(
        cli, list(args), input=answer, env={"SLAMON_LANG": lang}, prog_name="slamon"
    )
    assert "Traceback" not in result.output
    return result


def help_page(lang: str, path: tuple[str, ...]) -> str:
    result = invoke(lang, *path, "--help")
    assert result.exit_code == 0, result.output
    return result.output


def is_literal(run: str) -> bool:
    """Whether a run of ASCII in a Chinese page is typed as it is: an option, a metavar or
    environment variable, a path or file name, an identifier, a list of choices, a product."""
    run = run.strip("()[],;:.")
    return (
        run.startswith("-")
        or re.fullmatch(r"[A-Z0-9_|<>=.:-]+", run) is not None
        or "/" in run
        or "_" in run
        or "|" in run
        or re.search(r"[A-Za-z]\.[A-Za-z<]", run) is not None
        or run in PRODUCT_NAMES
    )


def english_words(page: str, path: tuple[str, ...] = ()) -> list[str]:
    """The English words of a Chinese help page (or error) outside what is typed as it is."""
    text = QUOTED.sub("", BACKTICKED.sub("", DEFAULT_VALUE.sub("", COMMAND.sub("", page))))
    for name in PRODUCT_NAMES:
        text = text.replace(name, "")
    if path_is_group(path):
        for name in subcommand_names(path):
            text = re.sub(rf"^  {re.escape(name)}  ", "", text, flags=re.MULTILINE)
    return [
        word
        for run in ASCII_RUN.findall(text)
        if not is_literal(run)
        for word in re.findall(r"[A-Za-z]{2,}", run)
    ]


def chinese_characters(page: str) -> list[str]:
    text = BACKTICKED.sub("", page)
    for name in CHINESE_NAMES:
        text = text.replace(name, "")
    return CJK.findall(text)


def path_is_group(path: tuple[str, ...]) -> bool:
    return any(other[: len(path)] == path and len(other) > len(path) for other in ALL_PATHS)


def subcommand_names(path: tuple[str, ...]) -> list[str]:
    return [other[-1] for other in ALL_PATHS if other[:-1] == path and len(other) > len(path)]


def test_the_walk_reaches_every_command_and_subcommand() -> None:
    assert {path[0] for path in ALL_PATHS if path} == set(COMMANDS)
    assert ("import", "tickets") in ALL_PATHS and ("rejudge", "show") in ALL_PATHS
    assert len(ALL_PATHS) >= 40


@pytest.mark.parametrize("path", ALL_PATHS, ids=lambda path: " ".join(path) or "slamon")
def test_a_help_page_in_chinese_has_no_english_words(path: tuple[str, ...]) -> None:
    page = help_page("zh", path)
    assert "用法:" in page and "选项:" in page and "显示本帮助并退出。" in page, page
    assert english_words(page, path) == [], page


@pytest.mark.parametrize("path", ALL_PATHS, ids=lambda path: " ".join(path) or "slamon")
def test_a_help_page_in_english_has_no_chinese(path: tuple[str, ...]) -> None:
    page = help_page("en", path)
    assert "Usage:" in page and "Options:" in page and "Show this message and exit." in page
    assert chinese_characters(page) == [], page


def test_the_root_page_lists_its_commands_in_the_chosen_language() -> None:
    chinese, english = help_page("zh", ()), help_page("en", ())
    assert "命令:\n  import        从文件导入数据。" in chinese
    assert "用法: slamon [选项] 命令 [参数]..." in chinese
    assert "Commands:\n  import        Import data from files." in english
    assert "Usage: slamon [OPTIONS] COMMAND [ARGS]..." in english
    assert "--version     Show the version and exit." in english
    assert "--version     显示版本并退出。" in chinese


def test_help_asked_before_lang_on_the_line_is_in_the_lang_given() -> None:
    result = CliRunner().invoke(cli, ["--help", "--lang", "en"], env={"SLAMON_LANG": "zh"})
    assert result.output.startswith("Usage:"), result.output
    result = CliRunner().invoke(cli, ["--help", "--lang=中文"], env={"SLAMON_LANG": "en"})
    assert result.output.startswith("用法:"), result.output


def test_one_process_shows_each_run_in_its_own_language() -> None:
    first_english, first_chinese = help_page("en", ("import",)), help_page("zh", ("import",))
    assert help_page("en", ("import",)) == first_english
    assert help_page("zh", ("import",)) == first_chinese
    assert invoke("en", "--version").output.startswith("slamon, version ")
    assert invoke("zh", "--version").output.startswith("slamon，版本 ")


def test_slamon_help_in_its_own_process_follows_slamon_lang(tmp_path: Path) -> None:
    english = slamon(tmp_path, "--help", env={"SLAMON_LANG": "en"})
    assert english.returncode == 0 and "Show this message and exit." in english.stdout
    assert chinese_characters(english.stdout) == [], english.stdout
    chinese = slamon(tmp_path, "import", "tickets", "--help")
    assert "显示本帮助并退出。" in chinese.stdout and "Options" not in chinese.stdout


USAGE_ERRORS = [
    (
        ("import", "tickets"),
        "错误：缺少参数 'PATH'.",  # click writes the full stop itself
        "Error: Missing argument 'PATH'.",
    ),
    (("evaluate", "--bogus"), "错误：没有选项 '--bogus'。", "Error: No such option '--bogus'."),
    (
        ("rejudge", "show", "abc"),
        "错误：'NUMBER' 的值无效：'abc' 不是有效的整数。",
        "Error: Invalid value for 'NUMBER': 'abc' is not a valid integer.",
    ),
    (
        ("evaluate", "--format", "xml"),
        "错误：'--format' 的值无效：'xml' 不是 'table', 'json' 之一。",
        "Error: Invalid value for '--format': 'xml' is not one of 'table', 'json'.",
    ),
    (
        ("dashboard", "--port", "0"),
        "错误：'--port' 的值无效：0 不在范围 1<=x<=65535 内。",
        "Error: Invalid value for '--port': 0 is not in the range 1<=x<=65535.",
    ),
    (("score",), "错误：缺少选项 '--period'.", "Error: Missing option '--period'."),
    (("nonsense",), "错误：没有命令 'nonsense'。", "Error: No such command 'nonsense'."),
]


@pytest.mark.parametrize(("args", "chinese", "english"), USAGE_ERRORS)
def test_a_usage_error_is_in_the_chosen_language(
    args: tuple[str, ...], chinese: str, english: str
) -> None:
    said = invoke("zh", *args)
    assert said.exit_code == 2
    assert chinese in said.output, said.output
    assert "用法: slamon" in said.output and "查看帮助。" in said.output
    assert english_words(said.output) == [], said.output
    said = invoke("en", *args)
    assert said.exit_code == 2
    assert english in said.output, said.output
    assert "Usage: slamon" in said.output and "for help." in said.output
    assert chinese_characters(said.output) == [], said.output


@pytest.fixture
def language() -> Iterator[None]:
    yield
    choose("zh")


@pytest.mark.parametrize(
    ("lang", "said"),
    [("zh", "文件 'absent.csv' 不存在。"), ("en", "File 'absent.csv' does not exist.")],
)
def test_a_missing_file_is_named_in_the_chosen_language(
    lang: str, said: str, language: None
) -> None:
    choose(lang)
    with pytest.raises(click.BadParameter) as refused:
        click.Path(exists=True, dir_okay=False).convert("absent.csv", None, None)
    assert said in refused.value.format_message()


@pytest.mark.parametrize(
    ("lang", "asked", "aborted"),
    [("zh", "[y 是/N 否，默认否]: ", "已中止！"), ("en", "? [y/N]: ", "Aborted!")],
)
def test_the_calendar_question_and_its_abort_are_in_the_chosen_language(
    tmp_path: Path, lang: str, asked: str, aborted: str
) -> None:
    contract = tmp_path / "contract.yaml"
    contract.write_bytes(DEFAULT_CONTRACT_PATH.read_bytes())
    notice = str(NOTICES / "2026.txt")
    result = invoke(lang, "calendar", "import", notice, "--contract", str(contract), answer="")
    assert result.exit_code == 1, result.output
    assert asked in result.output and aborted in result.output, result.output


def click_texts() -> set[str]:
    """Every string literal click's installed source passes to gettext or ngettext."""
    texts = set()
    for source in CLICK_SOURCE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            called = isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            if called and node.func.id in ("_", "ngettext"):  # type: ignore[union-attr]
                for argument in node.args[: 1 if node.func.id == "_" else 2]:  # type: ignore[union-attr]
                    if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                        texts.add(argument.value)
    return texts


def test_every_text_click_asks_gettext_for_has_a_chinese_entry() -> None:
    texts = click_texts()
    assert len(texts) > 60
    assert sorted(texts - set(CLICK_ZH) - KEPT_ENGLISH) == []
    # A key that is not click's text (a typo, a text click dropped) would never be shown.
    assert sorted(set(CLICK_ZH) - texts - CLICK_DYNAMIC_TEXTS) == []


def fields(text: str) -> set[str]:
    named = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    return named | set(re.findall(r"%\((\w+)\)s", text))


def test_each_chinese_text_fills_the_same_fields_as_clicks() -> None:
    for english, chinese in CLICK_ZH.items():
        assert fields(chinese) == fields(english), english
        assert CJK.search(chinese) or chinese == english, english


def test_every_click_module_that_uses_gettext_is_spoken_through() -> None:
    using = {
        f"click.{source.stem}"
        for source in CLICK_SOURCE.glob("*.py")
        if "from gettext import" in source.read_text(encoding="utf-8")
    }
    # click._winconsole is imported on Windows only.
    assert using - {"click._winconsole"} == set(CLICK_MODULES)


@pytest.mark.parametrize(
    ("lang", "said"), [("zh", "只评估，不把结果写入数据库。"), ("en", "Evaluate without")]
)
def test_a_shell_completion_shows_an_options_help_in_the_chosen_language(
    lang: str, said: str, language: None
) -> None:
    choose(lang)
    root = click.Context(cli, info_name="slamon")
    command = cli.get_command(root, "evaluate")
    assert command is not None
    items = command.shell_complete(click.Context(command, parent=root), "--no")
    assert [item.value for item in items] == ["--no-store"]
    assert items[0].help is not None and items[0].help.startswith(said), items[0].help


@pytest.mark.parametrize(
    ("lang", "label"), [("zh", "(已弃用: 改用 B)"), ("en", "(DEPRECATED: use B)")]
)
def test_a_deprecated_command_says_so_in_the_chosen_language(
    lang: str, label: str, language: None
) -> None:
    command = SpokenCommand("a", help="甲。\n\nEnglish:\n\nA.", deprecated=both("改用 B", "use B"))
    choose(lang)
    context = click.Context(command, info_name="a")
    assert command.get_short_help_str() == f"{'甲。' if lang == 'zh' else 'A.'} {label}"
    assert label in command.get_help(context)
