"""The command line's one language, Chinese (default) or English: SLAMON_LANG or `slamon
--lang`, chosen once per run; every message a command prints goes through `say`."""

from __future__ import annotations

import click

from monitor.domain.message import Message, message_of

# What SLAMON_LANG and --lang accept for each language, compared without case.
SPELLINGS = {
    "zh": ("zh", "zh-cn", "zh_cn", "cn", "chinese", "中文", "汉语", "简体中文"),
    "en": ("en", "en-us", "en_us", "en-gb", "english", "英文", "英语"),
}
_chosen = "zh"
ERROR_LEAD = Message("错误：", "error: ")
WARNING_LEAD = Message("警告：", "warning: ")


def language_of(text: str | None) -> str:
    """ "zh" or "en" for a spelling of SPELLINGS (no text: zh); ValueError for any other."""
    if text is None or not text.strip():
        return "zh"
    wanted = text.strip().lower()
    for lang, spellings in SPELLINGS.items():
        if wanted in spellings:
            return lang
    raise ValueError(text)


def choose(lang: str) -> None:
    """Make `lang` the language of this run's messages."""
    global _chosen
    _chosen = lang


def chosen() -> str:
    """The language of this run: "zh" or "en"."""
    return _chosen


def say(zh: str | Message, en: str | None = None) -> str:
    """A message in the chosen language: a Message, or its two texts."""
    message = zh if isinstance(zh, Message) else Message(zh, en if en is not None else zh)
    return message.in_language(_chosen)


def echo(zh: str | Message, en: str | None = None, *, err: bool = False) -> None:
    """Print a message in the chosen language (on stderr with `err`)."""
    click.echo(say(zh, en), err=err)


def pick_language(_context: click.Context, _parameter: click.Parameter, value: str | None) -> str:
    """The --lang option's callback: choose the language, or refuse a spelling it does not know
    (in both languages, since none is chosen yet)."""
    try:
        lang = language_of(value)
    except ValueError:
        raise click.BadParameter(
            f"不认识的语言 {value!r}，可用 zh 或 en / unknown language {value!r}; use zh or en"
        ) from None
    choose(lang)
    return lang


def error_line(error: BaseException | Message | str) -> Message:
    """The line that reports a user's error: its Message when it carries one (an exception's
    `message`), else its text as it is."""
    if isinstance(error, Message):
        return ERROR_LEAD + error
    if isinstance(error, str):
        return ERROR_LEAD + Message(error, error)
    return ERROR_LEAD + message_of(error)
