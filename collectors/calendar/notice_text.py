"""A saved holiday notice, plain text or HTML, as numbered lines of text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from monitor.domain.message import Message, MessageError, os_reason


class NoticeError(MessageError):
    """A notice file that cannot be used at all; `message` says why in both languages."""


@dataclass(frozen=True, slots=True)
class NoticeLine:
    """One line of the notice as the reader sees it, numbered as in the file."""

    number: int
    text: str


_HTML = re.compile(r"<\s*(?:!doctype|html|head|body|meta|p|div|br|span|h[1-6]|table)\b", re.I)
# Tags that end a line of text on the page.
_BREAKING_TAGS = frozenset(
    {
        *("address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt"),
        *("footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p"),
        *("pre", "section", "table", "td", "th", "title", "tr", "ul"),
    }
)
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template"})


def read_notice(path: Path) -> list[NoticeLine]:
    """The notice's lines; NoticeError when the file cannot be read."""
    try:
        data = path.read_bytes()
    except OSError as problem:
        raise NoticeError(
            Message(
                f"无法读取 {path}（{os_reason(problem).zh}）",
                f"cannot read {path} ({problem.strerror})",
            )
        ) from None
    return notice_lines(decode_notice(data))


def decode_notice(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else GB18030 as older pages were saved."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise NoticeError(
            Message(
                "无法识别文件编码：既不是 UTF-8 也不是 GB18030 文本",
                "the file is neither UTF-8 nor GB18030 text",
            )
        ) from None


def notice_lines(text: str) -> list[NoticeLine]:
    """Plain text line by line; HTML as the lines its block tags make, numbered by the source
    line where each starts."""
    if _HTML.search(text):
        return _html_lines(text)
    return [NoticeLine(number, line) for number, line in enumerate(text.splitlines(), start=1)]


class _PageText(HTMLParser):
    """Collects a page's visible text, one entry per block, with its source line number."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[NoticeLine] = []
        self._parts: list[str] = []
        self._first_line = 0
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in _BREAKING_TAGS:
            self.flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKING_TAGS:
            self.flush()

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAKING_TAGS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self._hidden or not data.strip():
            if self._parts:
                self._parts.append(" ")
            return
        if not self._parts:
            # The data starts where the parser stands; leading line breaks move the text down.
            leading = data[: len(data) - len(data.lstrip())]
            self._first_line = self.getpos()[0] + leading.count("\n")
        self._parts.append(data)

    def flush(self) -> None:
        # Inside a block, source line breaks are spaces, as a browser shows them.
        text = " ".join("".join(self._parts).split())
        if text:
            self.lines.append(NoticeLine(self._first_line, text))
        self._parts = []


def _html_lines(text: str) -> list[NoticeLine]:
    page = _PageText()
    page.feed(text)
    page.close()
    page.flush()
    return page.lines
