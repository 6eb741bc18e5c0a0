"""A message for people in both of slamon's languages: each surface shows the one it speaks.

An import's reasons, the command line's errors and warnings carry both texts from where they
are worded; the command line prints the one SLAMON_LANG (or `slamon --lang`) chooses, and what
is stored for machines (a rejected row's reason, the API's answer) keeps the English.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable
from dataclasses import dataclass

LANGUAGES = ("zh", "en")


@dataclass(frozen=True, slots=True)
class Message:
    """The same words in Chinese and in English."""

    zh: str
    en: str

    def in_language(self, lang: str) -> str:
        """The text in `lang` ("zh" or "en")."""
        return self.zh if lang == "zh" else self.en

    def __add__(self, other: Message) -> Message:
        """Both texts joined: a lead and its detail worded apart."""
        return Message(self.zh + other.zh, self.en + other.en)


def both(message: Message) -> str:
    """中文 then English on one line, for a text stored once for readers of either language."""
    return f"{message.zh} {message.en}"


def joined(messages: Iterable[Message]) -> Message:
    """Several messages as one: "；" between the Chinese texts, "; " between the English."""
    listed = list(messages)
    return Message("；".join(m.zh for m in listed), "; ".join(m.en for m in listed))


# Why a file could not be opened, in Chinese, for the errors people meet most; others keep the
# system's own (English) words.
_OS_REASONS_ZH = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "没有读取权限",
    errno.EISDIR: "这是一个目录，不是文件",
    errno.ENOTDIR: "路径中有一段不是目录",
}


def os_reason(error: OSError) -> Message:
    """Why a file could not be read, as the system says it (strerror) and in Chinese."""
    said = error.strerror or str(error)
    return Message(_OS_REASONS_ZH.get(error.errno or 0, said), said)


class MessageError(Exception):
    """An error for people, worded in one text or in both languages: `message` holds both
    (the same text twice when it has one), the exception's text is the English."""

    def __init__(self, problem: str | Message) -> None:
        said = problem if isinstance(problem, Message) else Message(problem, problem)
        super().__init__(said.en)
        self.message = said


def message_of(error: BaseException) -> Message:
    """An error's words: its `message` when it carries both texts, else its one text."""
    said = getattr(error, "message", None)
    return said if isinstance(said, Message) else Message(str(error), str(error))


class InvalidValue(MessageError, ValueError):
    """A value in a configuration file or an option that cannot be used, worded in both
    languages: a validator raises it, and the loader shows the text of the chosen language
    (pydantic keeps the raised error in its details)."""
