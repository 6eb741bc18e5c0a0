"""Help pages and click's own texts in the chosen language (language.chosen()).

Two kinds of text are not messages of ours and so do not pass through `say`:

- click's own texts ("Usage:", "Options", "Missing argument", "'x' is not a valid integer"):
  click's modules call the module-level names `_` (gettext) and `ngettext` they import from
  the standard library, and offer no other hook. `speak_through_click` replaces those two
  names in click's modules with `gettext` and `ngettext` below, which look the text up in
  click_catalog.CLICK_ZH when the chosen language is zh and return click's English otherwise.
  They read the language on every call, so one process can run both languages in turn.
- our help texts: each is written in both languages beside its code. An option's or an
  epilog's help is `both("中文", "English")`; a command's docstring holds its Chinese, then a
  line holding only `English:`, then its English. `SpokenCommand` and `SpokenGroup` show the
  chosen one when a help page, an error's usage line or a shell completion is made, and fill
  the page by display width (help_format).
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Callable
from importlib.metadata import version
from typing import TypeVar

import click
from click.formatting import HelpFormatter
from click.shell_completion import CompletionItem
from click.utils import make_default_short_help

from monitor.cli.click_catalog import CLICK_ZH, TYPE_NAMES_ZH
from monitor.cli.help_format import DisplayWidthFormatter
from monitor.cli.language import chosen

# The modules of click that import `gettext as _` (and some `ngettext`).
CLICK_MODULES = (
    "click.core",
    "click.decorators",
    "click.exceptions",
    "click.formatting",
    "click.parser",
    "click.shell_completion",
    "click.termui",
    "click.types",
    "click.utils",
    "click._termui_impl",
)
# Fields of click's texts that click fills with its English names of types.
TYPE_NAME_FIELDS = ("number_type", "name", "param_type")
# The line of a docstring after which its English follows.
_ENGLISH_LINE = re.compile(r"^[ \t]*English:[ \t]*$", re.MULTILINE)
# Control characters that cannot occur in a typed help text mark a text in both languages.
_OPEN, _BETWEEN, _CLOSE = "\x02", "\x1f", "\x03"
_BOTH = re.compile(f"{_OPEN}(.*?){_BETWEEN}(.*?){_CLOSE}", re.DOTALL)
# What click writes on a usage line, in Chinese.
USAGE_PIECES_ZH = {"[OPTIONS]": "[选项]", "COMMAND [ARGS]...": "命令 [参数]..."}

Decorated = TypeVar("Decorated", bound=Callable[..., object])


class ChineseTemplate(str):
    """A Chinese text of click's whose type-name fields click fills with English names."""

    def format(self, *args: object, **fields: object) -> str:
        named = {
            key: TYPE_NAMES_ZH.get(value, value)
            if key in TYPE_NAME_FIELDS and isinstance(value, str)
            else value
            for key, value in fields.items()
        }
        return str.format(self, *args, **named)


def gettext(message: str) -> str:
    """click's text `message` in the chosen language."""
    if chosen() != "zh" or message not in CLICK_ZH:
        return message
    return ChineseTemplate(CLICK_ZH[message])


def ngettext(singular: str, plural: str, count: int) -> str:
    """click's text for `count` things in the chosen language."""
    return gettext(singular if count == 1 else plural)


def speak_through_click() -> None:
    """Make click's modules ask `gettext` and `ngettext` above for their texts."""
    for name in CLICK_MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]


def both(zh: str, en: str) -> str:
    """A help text in both languages; the help page shows the chosen one."""
    return f"{_OPEN}{zh}{_BETWEEN}{en}{_CLOSE}"


def in_language(text: str, lang: str | None = None) -> str:
    """`text` in `lang` (default the chosen language): each part made by `both` as the one
    text, a docstring as its part before or after its `English:` line."""
    lang = lang or chosen()
    if _OPEN in text:
        return _BOTH.sub(lambda parts: parts.group(1 if lang == "zh" else 2), text)
    parts = _ENGLISH_LINE.split(text, maxsplit=1)
    if len(parts) == 1:
        return text
    return parts[0 if lang == "zh" else 1].strip("\n")


# --help's help, in both languages like ours.
HELP_OPTION_HELP = both(CLICK_ZH["Show this message and exit."], "Show this message and exit.")


class SpokenContext(click.Context):
    """A command's context, filling its help page by display width."""

    formatter_class = DisplayWidthFormatter


class SpokenCommand(click.Command):
    """A command whose help page is in the chosen language."""

    context_class = SpokenContext

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            text = in_language(inspect.cleandoc(self.short_help))
        elif self.help:
            text = make_default_short_help(in_language(inspect.cleandoc(self.help)), limit)
        else:
            text = ""
        return self.marked_if_deprecated(text).strip()

    def marked_if_deprecated(self, text: str) -> str:
        """`text`, and click's deprecation label when the command is deprecated."""
        if not self.deprecated:
            return text
        label = gettext("deprecated").upper()
        if isinstance(self.deprecated, str):
            label = f"{label}: {in_language(self.deprecated)}"
        return f"{text} ({label})"

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        # click words --help's help once, in the language of the first run that asks.
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_OPTION_HELP
        return option

    def format_help_text(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        if self.help:
            text = in_language(inspect.cleandoc(self.help)).partition("\f")[0]
            text = self.marked_if_deprecated(text)
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(text)

    def format_options(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        records = [param.get_help_record(ctx) for param in self.get_params(ctx)]
        shown = [(names, in_language(text)) for names, text in filter(None, records)]
        if shown:
            with formatter.section(gettext("Options")):
                formatter.write_dl(shown)

    def format_epilog(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        if self.epilog:
            formatter.write_paragraph()
            with formatter.indentation():
                formatter.write_text(in_language(inspect.cleandoc(self.epilog)))

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[CompletionItem]:
        items = super().shell_complete(ctx, incomplete)
        for item in items:
            item.help = in_language(item.help) if item.help else item.help
        return items

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        pieces = super().collect_usage_pieces(ctx)
        if chosen() != "zh":
            return pieces
        return [USAGE_PIECES_ZH.get(piece, piece) for piece in pieces]


class SpokenGroup(SpokenCommand, click.Group):
    """A group whose help page, and whose commands' and subgroups', are in the chosen
    language."""

    command_class = SpokenCommand
    group_class = type

    def format_options(self, ctx: click.Context, formatter: HelpFormatter) -> None:
        SpokenCommand.format_options(self, ctx, formatter)
        self.format_commands(ctx, formatter)


def show_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    """The --version option's callback: slamon's version in the chosen language."""
    if value and not ctx.resilient_parsing:
        said = gettext("%(prog)s, version %(version)s")
        click.echo(said % {"prog": ctx.find_root().info_name, "version": version("slamon")})
        ctx.exit()


def version_option() -> Callable[[Decorated], Decorated]:
    """slamon's --version, its help and its answer in the chosen language."""
    return click.option(
        "--version",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=show_version,
        help=both(CLICK_ZH["Show the version and exit."], "Show the version and exit."),
    )


# A yes-or-no question's hint: click's "[y/N]" is not one of its gettext texts.
CONFIRM_HINT = both("[y 是/N 否，默认否]", "[y/N]")


def confirmed(question: str) -> bool:
    """Whether the user answers yes to `question` (default no), asked in the chosen language."""
    return click.confirm(
        f"{question} {in_language(CONFIRM_HINT)}", default=False, show_default=False
    )
